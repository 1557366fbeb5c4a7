import type { EventEnvelope, ImageSubmittedV1 } from '@lazaret/contracts';
import type { AuditPublisher } from '@lazaret/platform';
import type { EntityManager } from 'typeorm';

/**
 * Turns image submissions into scan jobs. The job is created in the consumer's transaction, so a
 * redelivered submission never makes a second job.
 */
export class ScanQueueService {
  constructor(private readonly audit: AuditPublisher) {}

  /** The scan takes the submission's id, so the id a user got at submission finds the scan. */
  async enqueue(envelope: EventEnvelope<typeof ImageSubmittedV1>, tx: EntityManager): Promise<string> {
    const d = envelope.data;
    const id = d.submissionId;
    await tx.query(
      `INSERT INTO scans (id, submission_id, tenant, source, platform, status, requested_by) VALUES ($1, $2, $3, $4, $5, 'queued', $6)
       ON CONFLICT (submission_id) DO NOTHING`,
      [id, d.submissionId, envelope.tenant, JSON.stringify(d.source), d.platform, JSON.stringify(d.requestedBy)],
    );
    await this.audit.enqueue(tx, {
      action: 'scan.queue',
      actor: { type: 'service', id: 'scanning' },
      outcome: 'success',
      resource: { type: 'scan', id },
      details: { submissionId: d.submissionId, requestedBy: d.requestedBy.id },
    });
    return id;
  }
}
