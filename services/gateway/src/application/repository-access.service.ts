import { DomainError, type AuditPublisher } from '@lazaret/platform';
import { RepositoryMatcher, repositoryOf } from '../domain/repository-scope';
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
  ) {
    this.sensitive = new RepositoryMatcher(sensitiveRepositories);
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
