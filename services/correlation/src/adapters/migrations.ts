import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDetectionState1700000000400 implements MigrationInterface {
  name = 'CreateDetectionState1700000000400';
  async up(q: QueryRunner): Promise<void> {
    // Sliding windows: matching audit records per rule and subject, deleted once past their window.
    await q.query(`CREATE TABLE recent_events (
      rule_id text NOT NULL,
      subject_key text NOT NULL,
      record_id uuid NOT NULL,
      occurred_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (rule_id, subject_key, record_id)
    )`);
    await q.query('CREATE INDEX recent_events_window ON recent_events (rule_id, subject_key, occurred_at)');
    await q.query('CREATE INDEX recent_events_expiry ON recent_events (expires_at)');
    // First sightings (principal and sensitive repository): one row per pair, kept for good.
    await q.query(`CREATE TABLE first_seen (
      rule_id text NOT NULL,
      subject_key text NOT NULL,
      first_seen_at timestamptz NOT NULL,
      record_id uuid NOT NULL,
      PRIMARY KEY (rule_id, subject_key)
    )`);
    // Which repositories a digest was seen under (scan.complete and signed references name both),
    // so records that name an image by digest only can be tied to a repository.
    await q.query(`CREATE TABLE image_repositories (
      digest text NOT NULL,
      repository text NOT NULL,
      first_seen_at timestamptz NOT NULL,
      PRIMARY KEY (digest, repository)
    )`);
    await q.query(`CREATE TABLE alerts (
      id uuid PRIMARY KEY,
      tenant text NOT NULL,
      rule_id text NOT NULL,
      rule_version integer NOT NULL,
      severity text NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      subject_key text NOT NULL,
      actor jsonb NOT NULL,
      actor_id text NOT NULL,
      resource jsonb,
      evidence jsonb NOT NULL,
      occurrences integer NOT NULL DEFAULT 1,
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX alerts_subject ON alerts (rule_id, subject_key, first_seen DESC)');
    await q.query('CREATE INDEX alerts_last_seen ON alerts (last_seen)');
    await q.query('CREATE INDEX alerts_actor ON alerts (actor_id, id DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerts');
    await q.query('DROP TABLE image_repositories');
    await q.query('DROP TABLE first_seen');
    await q.query('DROP TABLE recent_events');
  }
}

export const CORRELATION_MIGRATIONS = [CreateDetectionState1700000000400];
