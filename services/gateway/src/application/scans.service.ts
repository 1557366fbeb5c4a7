import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetSbomChunkV1, GetScanV1, GetSubmissionV1, ListPackagesV1, SubmitImageV1, type RequestOf, type ScanView } from '@lazaret/contracts';
import { DomainError, isDomainError, type AuditPublisher, type ServiceClient } from '@lazaret/platform';
import type { UploadStore } from '../adapters/upload.store';
import { actorOf, type Caller } from './auth.service';
import type { RepositoryAccessService } from './repository-access.service';

/** Scans are ingest's (submission) and scanning's (everything after): the gateway joins them. */
export class ScansService {
  constructor(
    private readonly client: ServiceClient,
    private readonly audit: AuditPublisher,
    private readonly access: RepositoryAccessService,
  ) {}

  async submit(caller: Caller, reference: string, platform: string, insecure: boolean): Promise<ScanView> {
    await this.access.check(caller, reference, 'scan');
    const s = await this.client.request(SubmitImageV1, { actor: actorOf(caller), source: { kind: 'registry', reference, insecure }, platform });
    return queued(s.submissionId, reference, platform, s.submittedAt);
  }

  /** An uploaded archive: stored in the object store first, then submitted like a reference. */
  async upload(caller: Caller, uploads: UploadStore, body: Readable, limitBytes: number, format: 'oci-archive' | 'docker-archive', platform: string, name?: string): Promise<ScanView> {
    const stored = await uploads.put(body, limitBytes);
    await this.audit.record({ action: 'image.upload', actor: actorOf(caller), outcome: 'success', resource: { type: 'upload', id: stored.objectName }, details: { digest: stored.digest, size: stored.size, format, name: name ?? null } });
    const s = await this.client.request(SubmitImageV1, {
      actor: actorOf(caller),
      source: { kind: 'upload', objectName: stored.objectName, digest: stored.digest, format, ...(name ? { name } : {}) },
      platform,
    });
    return queued(s.submissionId, `upload:${stored.objectName}`, platform, s.submittedAt);
  }

  async get(caller: Caller, id: string): Promise<ScanView> {
    try {
      return await this.client.request(GetScanV1, { scanId: id });
    } catch (err) {
      if (!isDomainError(err) || err.code !== 'not-found') throw err;
      // Submitted, not yet picked up by scanning.
      const s = await this.client.request(GetSubmissionV1, { actor: actorOf(caller), submissionId: id });
      return queued(s.submissionId, s.source.kind === 'registry' ? s.source.reference : `upload:${s.source.objectName}`, s.platform, s.submittedAt);
    }
  }

  async packages(caller: Caller, filter: RequestOf<typeof ListPackagesV1>) {
    await this.access.checkDigest(caller, filter.digest, 'read packages of');
    const result = await this.client.request(ListPackagesV1, filter);
    await this.audit.record({ action: 'image.read-packages', actor: actorOf(caller), outcome: 'success', resource: { type: 'image', id: filter.digest } });
    return result;
  }

  /**
   * The SBOM as a stream, read chunk by chunk from scanning (documents can exceed one NATS
   * message); the SHA-256 of what was sent is checked against the stored one at the end.
   */
  async sbom(caller: Caller, digest: string, format: 'cyclonedx' | 'spdx'): Promise<{ contentType: string; totalBytes: number; sha256: string; body: Readable }> {
    await this.access.checkDigest(caller, digest, 'read the SBOM of');
    const first = await this.client.request(GetSbomChunkV1, { digest, format, offset: 0 });
    await this.audit.record({ action: 'image.read-sbom', actor: actorOf(caller), outcome: 'success', resource: { type: 'image', id: digest }, details: { format } });
    const client = this.client;
    async function* chunks(): AsyncGenerator<Buffer> {
      const hash = createHash('sha256');
      let chunk = first;
      let offset = 0;
      for (;;) {
        const data = Buffer.from(chunk.dataBase64, 'base64');
        hash.update(data);
        yield data;
        offset += data.length;
        if (offset >= chunk.totalBytes || data.length === 0) break;
        chunk = await client.request(GetSbomChunkV1, { digest, format, offset });
        if (chunk.sha256 !== first.sha256) throw new DomainError('conflict', 'the SBOM changed while it was being read');
      }
      if (hash.digest('hex') !== first.sha256) throw new DomainError('internal', 'the SBOM read back does not match its digest');
    }
    return { contentType: first.contentType, totalBytes: first.totalBytes, sha256: first.sha256, body: Readable.from(chunks()) };
  }
}

function queued(id: string, source: string, platform: string, createdAt: string): ScanView {
  return { id, submissionId: id, status: 'queued', source, platform, progress: null, image: null, os: null, packageCount: null, notes: [], error: null, createdAt, startedAt: null, finishedAt: null };
}
