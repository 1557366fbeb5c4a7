import { randomUUID } from 'node:crypto';
import { ImageSubmittedV1, type Actor, type ImageSource } from '@lazaret/contracts';
import { DomainError, type AuditPublisher, type Outbox } from '@lazaret/platform';
import type { Submission, SubmissionRepository } from '../adapters/submission.repository';
import type { RegistryPolicy } from '../domain/registry-policy';

/** Accepts images for scanning: records the submission and announces it, atomically. */
export class SubmissionService {
  constructor(
    private readonly registries: RegistryPolicy,
    private readonly submissions: SubmissionRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditPublisher,
  ) {}

  async submit(request: { actor: Actor; source: ImageSource; platform: string }): Promise<Submission> {
    if (request.source.kind === 'registry') {
      const refused = this.registries.check(request.source.reference, request.source.insecure);
      if (refused) {
        await this.audit.record({ action: 'image.submit', actor: request.actor, outcome: 'denied', reason: refused, details: { source: request.source.reference } });
        throw new DomainError('forbidden', refused);
      }
    }
    const submissionId = randomUUID();
    return this.outbox.transaction('ingest submit-image', async (tx) => {
      const envelope = await this.outbox.enqueue(tx, ImageSubmittedV1, { submissionId, source: request.source, platform: request.platform, requestedBy: request.actor });
      const s: Submission = {
        submissionId,
        tenant: envelope.tenant,
        source: request.source,
        platform: request.platform,
        status: 'submitted',
        requestedBy: request.actor,
        submittedAt: envelope.occurredAt,
        messageId: envelope.id,
      };
      await this.submissions.insert(tx, s);
      await this.audit.enqueue(tx, {
        action: 'image.submit',
        actor: request.actor,
        outcome: 'success',
        resource: { type: 'submission', id: submissionId },
        details: { source: request.source.kind === 'registry' ? request.source.reference : request.source.objectName, platform: request.platform },
      });
      return s;
    });
  }

  async get(id: string): Promise<Submission> {
    const found = await this.submissions.get(id);
    if (!found) throw new DomainError('not-found', `no submission ${id}`);
    return found;
  }
}
