import type { Actor, ImageSource } from '@lazaret/contracts';
import type { DataSource, EntityManager } from 'typeorm';

export interface Submission {
  submissionId: string;
  tenant: string;
  source: ImageSource;
  platform: string;
  status: 'submitted';
  requestedBy: Actor;
  submittedAt: string;
  messageId: string;
}

interface Row {
  id: string;
  tenant: string;
  source: ImageSource;
  platform: string;
  status: 'submitted';
  requested_by: Actor;
  submitted_at: Date;
  message_id: string;
}

export class SubmissionRepository {
  constructor(private readonly db: DataSource) {}

  async insert(tx: EntityManager, s: Submission): Promise<void> {
    await tx.query(
      'INSERT INTO submissions (id, tenant, source, platform, status, requested_by, submitted_at, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [s.submissionId, s.tenant, JSON.stringify(s.source), s.platform, s.status, JSON.stringify(s.requestedBy), s.submittedAt, s.messageId],
    );
  }

  async get(id: string): Promise<Submission | undefined> {
    const rows: Row[] = await this.db.query('SELECT * FROM submissions WHERE id = $1', [id]);
    const r = rows[0];
    return r && { submissionId: r.id, tenant: r.tenant, source: r.source, platform: r.platform, status: r.status, requestedBy: r.requested_by, submittedAt: r.submitted_at.toISOString(), messageId: r.message_id };
  }
}
