import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePrincipals1700000000400 implements MigrationInterface {
  name = 'CreatePrincipals1700000000400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE principals (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      type text NOT NULL CHECK (type IN ('user', 'service')),
      roles text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      disabled_at timestamptz
    )`);
    await q.query(`CREATE TABLE api_keys (
      id text PRIMARY KEY,
      principal_id uuid NOT NULL REFERENCES principals(id),
      name text NOT NULL,
      hash char(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`);
    await q.query('CREATE INDEX api_keys_principal ON api_keys (principal_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE principals');
  }
}

/** Repository scopes: a principal with scopes may act only on images whose repository matches one. */
export class AddPrincipalScopes1700000000401 implements MigrationInterface {
  name = 'AddPrincipalScopes1700000000401';
  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE principals ADD COLUMN scopes text[] NOT NULL DEFAULT '{}'");
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE principals DROP COLUMN scopes');
  }
}

export const GATEWAY_MIGRATIONS = [CreatePrincipals1700000000400, AddPrincipalScopes1700000000401];
