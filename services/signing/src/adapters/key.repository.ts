import { returnedRows } from '@lazaret/platform';
import type { DataSource, EntityManager } from 'typeorm';

export interface KeyRow {
  id: string;
  name: string;
  algorithm: string;
  public_pem: string;
  private_envelope: unknown;
  status: 'active' | 'retired' | 'revoked';
  created_at: Date;
  created_by: string;
  retired_at: Date | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

/** All SQL of keys, registry credentials, policies and the signature log. */
export class SigningRepository {
  constructor(private readonly db: DataSource) {}

  async insertKey(tx: EntityManager, k: { id: string; name: string; algorithm: string; publicPem: string; envelope: unknown; createdBy: string }): Promise<KeyRow> {
    const rows: KeyRow[] = await tx.query(
      "INSERT INTO keys (id, name, algorithm, public_pem, private_envelope, status, created_by) VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING *",
      [k.id, k.name, k.algorithm, k.publicPem, JSON.stringify(k.envelope), k.createdBy],
    );
    return rows[0]!;
  }

  async keyById(id: string, q: EntityManager | DataSource = this.db): Promise<KeyRow | undefined> {
    return ((await q.query('SELECT * FROM keys WHERE id = $1', [id])) as KeyRow[])[0];
  }

  async activeKey(name: string, q: EntityManager | DataSource = this.db): Promise<KeyRow | undefined> {
    return ((await q.query("SELECT * FROM keys WHERE name = $1 AND status = 'active'", [name])) as KeyRow[])[0];
  }

  async anyActiveKey(): Promise<KeyRow | undefined> {
    return ((await this.db.query("SELECT * FROM keys WHERE status = 'active' ORDER BY created_at LIMIT 1")) as KeyRow[])[0];
  }

  async keys(): Promise<KeyRow[]> {
    return this.db.query('SELECT * FROM keys ORDER BY name, created_at');
  }

  async retire(tx: EntityManager, id: string): Promise<KeyRow | undefined> {
    return returnedRows<KeyRow>(await tx.query("UPDATE keys SET status = 'retired', retired_at = now() WHERE id = $1 AND status = 'active' RETURNING *", [id]))[0];
  }

  async revoke(tx: EntityManager, id: string, reason: string): Promise<KeyRow | undefined> {
    return returnedRows<KeyRow>(
      await tx.query("UPDATE keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, now()), revocation_reason = $2 WHERE id = $1 RETURNING *", [id, reason]),
    )[0];
  }

  async putCredentials(tx: EntityManager, registry: string, username: string, envelope: unknown, by: string): Promise<{ registry: string; username: string; updated_at: Date }> {
    const rows: Array<{ registry: string; username: string; updated_at: Date }> = await tx.query(
      `INSERT INTO registry_credentials (registry, username, password_envelope, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (registry) DO UPDATE SET username = EXCLUDED.username, password_envelope = EXCLUDED.password_envelope, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING registry, username, updated_at`,
      [registry, username, JSON.stringify(envelope), by],
    );
    return rows[0]!;
  }

  async credentials(registry: string): Promise<{ username: string; password_envelope: unknown } | undefined> {
    return ((await this.db.query('SELECT username, password_envelope FROM registry_credentials WHERE registry = $1', [registry])) as Array<{ username: string; password_envelope: unknown }>)[0];
  }

  async insertPolicy(tx: EntityManager, text: string, sha256: string, by: string): Promise<{ version: number; created_at: Date }> {
    return ((await tx.query('INSERT INTO policies (text, sha256, created_by) VALUES ($1, $2, $3) RETURNING version, created_at', [text, sha256, by])) as Array<{ version: number; created_at: Date }>)[0]!;
  }

  async currentPolicy(): Promise<{ version: number; text: string; sha256: string; created_at: Date; created_by: string } | undefined> {
    return ((await this.db.query('SELECT * FROM policies ORDER BY version DESC LIMIT 1')) as Array<{ version: number; text: string; sha256: string; created_at: Date; created_by: string }>)[0];
  }

  async logSignature(tx: EntityManager, s: { reference: string; digest: string; keyId: string; signatureReference: string; by: string }): Promise<void> {
    await tx.query('INSERT INTO signatures (reference, digest, key_id, signature_reference, signed_by) VALUES ($1, $2, $3, $4, $5)', [s.reference, s.digest, s.keyId, s.signatureReference, s.by]);
  }
}
