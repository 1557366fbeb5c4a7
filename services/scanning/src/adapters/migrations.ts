import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateScans1700000000300 implements MigrationInterface {
  name = 'CreateScans1700000000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE scans (
      id uuid PRIMARY KEY,
      submission_id uuid NOT NULL UNIQUE,
      tenant text NOT NULL,
      source jsonb NOT NULL,
      platform text NOT NULL,
      status text NOT NULL,
      requested_by jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE scans');
  }
}

export const SCANNING_MIGRATIONS = [CreateScans1700000000300];
