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

/** Running scans, their results: images, packages and the SBOM documents. */
export class CreateImages1700000000301 implements MigrationInterface {
  name = 'CreateImages1700000000301';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scans
      ADD COLUMN started_at timestamptz,
      ADD COLUMN finished_at timestamptz,
      ADD COLUMN heartbeat_at timestamptz,
      ADD COLUMN attempts int NOT NULL DEFAULT 0,
      ADD COLUMN progress jsonb,
      ADD COLUMN manifest_digest text,
      ADD COLUMN error jsonb,
      ADD COLUMN notes jsonb NOT NULL DEFAULT '[]'`);
    await q.query("CREATE INDEX scans_pending ON scans (created_at) WHERE status IN ('queued', 'running')");
    await q.query(`CREATE TABLE images (
      manifest_digest text PRIMARY KEY,
      reference text NOT NULL,
      config_digest text,
      platform text NOT NULL,
      os jsonb,
      layers jsonb NOT NULL,
      package_count int NOT NULL,
      last_scan_id uuid NOT NULL,
      scanned_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE packages (
      image_digest text NOT NULL REFERENCES images(manifest_digest) ON DELETE CASCADE,
      idx int NOT NULL,
      type text NOT NULL,
      namespace text,
      name text NOT NULL,
      version text NOT NULL,
      purl text NOT NULL,
      licenses jsonb NOT NULL,
      source_name text,
      source_version text,
      arch text,
      layer_digest text,
      locations jsonb NOT NULL,
      found_by text NOT NULL,
      metadata jsonb,
      PRIMARY KEY (image_digest, idx)
    )`);
    await q.query('CREATE INDEX packages_name ON packages (image_digest, type, name)');
    await q.query(`CREATE TABLE sboms (
      image_digest text NOT NULL REFERENCES images(manifest_digest) ON DELETE CASCADE,
      format text NOT NULL,
      content_type text NOT NULL,
      sha256 char(64) NOT NULL,
      document bytea NOT NULL,
      PRIMARY KEY (image_digest, format)
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sboms');
    await q.query('DROP TABLE packages');
    await q.query('DROP TABLE images');
  }
}

export const SCANNING_MIGRATIONS = [CreateScans1700000000300, CreateImages1700000000301];
