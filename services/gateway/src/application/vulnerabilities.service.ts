import type { Readable } from 'node:stream';
import { CreateExceptionV1, GetVerdictV2, ListExceptionsV1, RevokeExceptionV1, GetVulnDbImportV1, GetVulnerabilityV1, ImportVulnDbV1, ListFindingsV1, VulnDbStatusV1, type RequestOf } from '@lazaret/contracts';
import { DomainError, type AuditPublisher, type ServiceClient } from '@lazaret/platform';
import type { UploadStore } from '../adapters/upload.store';
import { actorOf, type Caller } from './auth.service';
import type { RepositoryAccessService } from './repository-access.service';

/** Findings, verdicts and the vulnerability database are scanning's; reads of findings are audited. */
export class VulnerabilitiesService {
  constructor(
    private readonly client: ServiceClient,
    private readonly audit: AuditPublisher,
    private readonly access: RepositoryAccessService,
  ) {}

  async findings(caller: Caller, filter: RequestOf<typeof ListFindingsV1>) {
    await this.access.checkDigest(caller, filter.digest, 'read findings of');
    const result = await this.client.request(ListFindingsV1, filter);
    await this.audit.record({ action: 'image.read-findings', actor: actorOf(caller), outcome: 'success', resource: { type: 'image', id: filter.digest }, details: { returned: result.items.length } });
    return result;
  }

  async verdict(caller: Caller, digest: string) {
    await this.access.checkDigest(caller, digest, 'read the verdict of');
    return this.client.request(GetVerdictV2, { digest });
  }

  /** Approving an exception is scoped like everything else: the pattern must sit inside the caller's scopes. */
  async createException(caller: Caller, e: { vulnerabilityId: string; repository: string; reason: string; expiresAt: string }) {
    if (caller.scopes.length > 0 && !caller.scopes.includes(e.repository)) {
      await this.audit.record({ action: 'access.deny', actor: actorOf(caller), outcome: 'denied', reason: `exception for ${e.repository} is outside the principal's scopes`, resource: { type: 'repository', id: e.repository } }).catch(() => undefined);
      throw new DomainError('forbidden', `you may approve exceptions only for your own repository scopes (${caller.scopes.join(', ')})`);
    }
    return this.client.request(CreateExceptionV1, { actor: actorOf(caller), ...e });
  }

  listExceptions(includeInactive: boolean) {
    return this.client.request(ListExceptionsV1, { includeInactive });
  }

  revokeException(caller: Caller, id: string) {
    return this.client.request(RevokeExceptionV1, { actor: actorOf(caller), id });
  }

  vulnerability(id: string) {
    return this.client.request(GetVulnerabilityV1, { id });
  }

  async startImport(caller: Caller, uploads: UploadStore, body: Readable, limitBytes: number, fileName?: string) {
    const stored = await uploads.put(body, limitBytes);
    return this.client.request(ImportVulnDbV1, { actor: actorOf(caller), objectName: stored.objectName, digest: stored.digest, ...(fileName ? { fileName } : {}) });
  }

  importStatus(id: string) {
    return this.client.request(GetVulnDbImportV1, { importId: id });
  }

  status() {
    return this.client.request(VulnDbStatusV1, {});
  }
}
