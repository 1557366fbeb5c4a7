import { GetImageV1 } from '@lazaret/contracts';
import { DomainError, isDomainError, type AuditPublisher, type ServiceClient } from '@lazaret/platform';
import { RepositoryMatcher, repositoryOf } from '@lazaret/contracts';
import { actorOf, type Caller } from './auth.service';

/**
 * Per-repository restrictions on top of roles: a principal with scopes may act only on images of
 * repositories that match one; every action on a sensitive repository is an audit record.
 */
export class RepositoryAccessService {
  private readonly sensitive: RepositoryMatcher;

  constructor(
    private readonly audit: AuditPublisher,
    sensitiveRepositories: readonly string[],
    private readonly client?: ServiceClient,
  ) {
    this.sensitive = new RepositoryMatcher(sensitiveRepositories);
  }

  /**
   * For routes that name an image by digest: its repository comes from what scanning recorded.
   * Skipped (no lookup) when the caller has no scopes and no repository is sensitive.
   */
  async checkDigest(caller: Caller, digest: string, action: string): Promise<void> {
    if (caller.scopes.length === 0 && this.sensitive.empty) return;
    if (!this.client) throw new DomainError('unavailable', 'repository checks need the scanning service');
    let reference: string;
    try {
      reference = (await this.client.request(GetImageV1, { digest })).reference;
    } catch (err) {
      // Unknown image: nothing to protect; the route itself answers not-found.
      if (isDomainError(err) && err.code === 'not-found') return;
      throw err;
    }
    await this.check(caller, reference, action);
  }

  async check(caller: Caller, reference: string, action: string): Promise<void> {
    const repository = repositoryOf(reference);
    const scopes = new RepositoryMatcher(caller.scopes);
    const sensitive = !this.sensitive.empty && this.sensitive.matches(reference);
    if (!scopes.empty && !scopes.matches(reference)) {
      await this.audit
        .record({ action: 'access.deny', actor: actorOf(caller), outcome: 'denied', reason: `${repository} is outside the principal's repository scopes`, resource: { type: 'repository', id: repository }, details: { action, sensitive } })
        .catch(() => undefined);
      throw new DomainError('forbidden', `you may not ${action} images of ${repository} (outside your repository scopes)`);
    }
    if (sensitive) {
      await this.audit.record({ action: 'repository.access', actor: actorOf(caller), outcome: 'success', resource: { type: 'repository', id: repository }, details: { action, sensitive: true, reference } });
    }
  }
}
