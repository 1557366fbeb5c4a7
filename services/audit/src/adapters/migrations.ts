import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditRecords1700000000100 implements MigrationInterface {
  name = 'CreateAuditRecords1700000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE records (
      seq bigint PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      tenant text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      source text NOT NULL,
      service text NOT NULL,
      action text NOT NULL,
      actor_type text NOT NULL,
      actor_id text NOT NULL,
      outcome text NOT NULL,
      resource_type text,
      resource_id text,
      record jsonb NOT NULL,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL
    )`);
    await q.query('CREATE INDEX records_service_action ON records (service, action, seq DESC)');
    await q.query('CREATE INDEX records_actor ON records (actor_id, seq DESC)');
    await q.query('CREATE INDEX records_occurred ON records (occurred_at)');
    await q.query('CREATE INDEX records_resource ON records (resource_type, resource_id)');
    // Append-only by construction: the service never updates or deletes, and the database refuses
    // to. Someone with owner rights can still disable this; the hash chain then gives them away.
    await q.query(`CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP; END $$`);
    await q.query(`CREATE TRIGGER records_no_update BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION records_append_only()`);
    await q.query(`CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE FUNCTION records_append_only()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE records');
    await q.query('DROP FUNCTION records_append_only');
  }
}

export const AUDIT_MIGRATIONS = [CreateAuditRecords1700000000100];
