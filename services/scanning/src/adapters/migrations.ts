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

/** The vulnerability database (libs/vulndb's store layout) and each image's findings. */
export class CreateVulnDb1700000000302 implements MigrationInterface {
  name = 'CreateVulnDb1700000000302';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE vuln_advisories (id text PRIMARY KEY, modified text NOT NULL, withdrawn text, body jsonb NOT NULL)');
    await q.query('CREATE TABLE vuln_affected (advisory_id text NOT NULL REFERENCES vuln_advisories(id) ON DELETE CASCADE, ecosystem_key text NOT NULL, name_key text NOT NULL, body jsonb NOT NULL)');
    await q.query('CREATE INDEX vuln_affected_key ON vuln_affected (ecosystem_key, name_key)');
    await q.query('CREATE INDEX vuln_affected_advisory ON vuln_affected (advisory_id)');
    await q.query('CREATE TABLE vuln_kev (cve_id text PRIMARY KEY, body jsonb NOT NULL)');
    await q.query('CREATE TABLE vuln_epss (cve_id text PRIMARY KEY, score float8 NOT NULL, percentile float8 NOT NULL)');
    await q.query('CREATE TABLE vuln_meta (key text PRIMARY KEY, value text NOT NULL)');
    await q.query(`CREATE TABLE findings (
      image_digest text NOT NULL REFERENCES images(manifest_digest) ON DELETE CASCADE,
      vuln_id text NOT NULL,
      package_purl text NOT NULL,
      package_name text NOT NULL,
      severity text NOT NULL,
      severity_rank int NOT NULL,
      score float8,
      fix_available boolean NOT NULL,
      state text NOT NULL,
      kev boolean NOT NULL,
      epss float8,
      aliases text[] NOT NULL,
      body jsonb NOT NULL,
      first_seen timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (image_digest, vuln_id, package_purl)
    )`);
    await q.query('CREATE INDEX findings_vuln ON findings (vuln_id)');
    await q.query('CREATE INDEX findings_aliases ON findings USING gin (aliases)');
    await q.query(`CREATE TABLE vulndb_imports (
      id uuid PRIMARY KEY,
      status text NOT NULL,
      source jsonb NOT NULL,
      requested_by jsonb NOT NULL,
      report jsonb,
      error jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['vulndb_imports', 'findings', 'vuln_meta', 'vuln_epss', 'vuln_kev', 'vuln_affected', 'vuln_advisories']) await q.query(`DROP TABLE ${t}`);
  }
}

/** Accepted risks: a vulnerability that does not fail verdicts of matching repositories until it expires. */
export class CreateExceptions1700000000303 implements MigrationInterface {
  name = 'CreateExceptions1700000000303';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE vuln_exceptions (
      id uuid PRIMARY KEY,
      vulnerability_id text NOT NULL,
      repository text NOT NULL,
      reason text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE vuln_exceptions');
  }
}

export const SCANNING_MIGRATIONS = [CreateScans1700000000300, CreateImages1700000000301, CreateVulnDb1700000000302, CreateExceptions1700000000303];
