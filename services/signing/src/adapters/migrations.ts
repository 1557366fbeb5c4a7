import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSigning1700000000500 implements MigrationInterface {
  name = 'CreateSigning1700000000500';
  async up(q: QueryRunner): Promise<void> {
    // Private keys only ever as envelopes (AES-256-GCM data key wrapped by the KEK).
    await q.query(`CREATE TABLE keys (
      id char(64) PRIMARY KEY,
      name text NOT NULL,
      algorithm text NOT NULL,
      public_pem text NOT NULL,
      private_envelope jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      retired_at timestamptz,
      revoked_at timestamptz,
      revocation_reason text
    )`);
    await q.query("CREATE UNIQUE INDEX keys_one_active_per_name ON keys (name) WHERE status = 'active'");
    await q.query(`CREATE TABLE registry_credentials (
      registry text PRIMARY KEY,
      username text NOT NULL,
      password_envelope jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL
    )`);
    await q.query(`CREATE TABLE policies (
      version serial PRIMARY KEY,
      text text NOT NULL,
      sha256 char(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL
    )`);
    await q.query(`CREATE TABLE signatures (
      id bigserial PRIMARY KEY,
      reference text NOT NULL,
      digest text NOT NULL,
      key_id char(64) NOT NULL REFERENCES keys(id),
      signature_reference text NOT NULL,
      signed_at timestamptz NOT NULL DEFAULT now(),
      signed_by text NOT NULL
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['signatures', 'policies', 'registry_credentials', 'keys']) await q.query(`DROP TABLE ${t}`);
  }
}

export const SIGNING_MIGRATIONS = [CreateSigning1700000000500];
