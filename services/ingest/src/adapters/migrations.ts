import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSubmissions1700000000200 implements MigrationInterface {
  name = 'CreateSubmissions1700000000200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE submissions (
      id uuid PRIMARY KEY,
      tenant text NOT NULL,
      source jsonb NOT NULL,
      platform text NOT NULL,
      status text NOT NULL,
      requested_by jsonb NOT NULL,
      submitted_at timestamptz NOT NULL,
      message_id uuid NOT NULL
    )`);
    await q.query('CREATE INDEX submissions_submitted_at ON submissions (submitted_at DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE submissions');
  }
}

export const INGEST_MIGRATIONS = [CreateSubmissions1700000000200];
