import { returnedRows } from '@lazaret/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../domain/roles';

export interface Principal {
  id: string;
  name: string;
  type: 'user' | 'service';
  roles: Role[];
  /** Repository globs this principal is limited to; empty: every repository its roles allow. */
  scopes: string[];
  createdAt: string;
  createdBy: string;
  disabledAt: string | null;
}

export interface ApiKeyRecord {
  id: string;
  principalId: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface PrincipalRow {
  id: string;
  name: string;
  type: 'user' | 'service';
  roles: Role[];
  scopes: string[];
  created_at: Date;
  created_by: string;
  disabled_at: Date | null;
}

interface KeyRow {
  id: string;
  principal_id: string;
  name: string;
  hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toPrincipal = (r: PrincipalRow): Principal => ({ id: r.id, name: r.name, type: r.type, roles: r.roles, scopes: r.scopes ?? [], createdAt: r.created_at.toISOString(), createdBy: r.created_by, disabledAt: iso(r.disabled_at) });
const toKey = (r: KeyRow): ApiKeyRecord => ({ id: r.id, principalId: r.principal_id, name: r.name, createdAt: r.created_at.toISOString(), expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at) });

/** All SQL for principals and their API keys. */
export class PrincipalRepository {
  constructor(private readonly db: DataSource) {}

  async insert(tx: EntityManager, p: Omit<Principal, 'createdAt' | 'disabledAt'>): Promise<Principal> {
    const rows: PrincipalRow[] = await tx.query('INSERT INTO principals (id, name, type, roles, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [p.id, p.name, p.type, p.roles, p.scopes, p.createdBy]);
    return toPrincipal(rows[0]!);
  }

  async byId(id: string, tx: EntityManager | DataSource = this.db): Promise<Principal | undefined> {
    const rows: PrincipalRow[] = await tx.query('SELECT * FROM principals WHERE id = $1', [id]);
    return rows[0] && toPrincipal(rows[0]);
  }

  async byName(name: string, tx: EntityManager | DataSource = this.db): Promise<Principal | undefined> {
    const rows: PrincipalRow[] = await tx.query('SELECT * FROM principals WHERE name = $1', [name]);
    return rows[0] && toPrincipal(rows[0]);
  }

  async list(limit: number, offset: number): Promise<Principal[]> {
    const rows: PrincipalRow[] = await this.db.query('SELECT * FROM principals ORDER BY created_at, name LIMIT $1 OFFSET $2', [limit, offset]);
    return rows.map(toPrincipal);
  }

  async update(tx: EntityManager, id: string, change: { roles?: Role[]; scopes?: string[]; disabled?: boolean }): Promise<Principal | undefined> {
    const rows: PrincipalRow[] = returnedRows(await tx.query(
      `UPDATE principals SET roles = COALESCE($2, roles), scopes = COALESCE($4, scopes),
         disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN COALESCE(disabled_at, now()) ELSE NULL END
       WHERE id = $1 RETURNING *`,
      [id, change.roles ?? null, change.disabled ?? null, change.scopes ?? null],
    ));
    return rows[0] && toPrincipal(rows[0]);
  }

  async insertKey(tx: EntityManager, k: { id: string; principalId: string; name: string; hash: string; expiresAt: Date | null }): Promise<ApiKeyRecord> {
    const rows: KeyRow[] = await tx.query('INSERT INTO api_keys (id, principal_id, name, hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [k.id, k.principalId, k.name, k.hash, k.expiresAt]);
    return toKey(rows[0]!);
  }

  async keys(principalId: string): Promise<ApiKeyRecord[]> {
    const rows: KeyRow[] = await this.db.query('SELECT * FROM api_keys WHERE principal_id = $1 ORDER BY created_at', [principalId]);
    return rows.map(toKey);
  }

  /** The key row with its hash and owner, for authentication. */
  async keyForAuth(keyId: string): Promise<{ key: ApiKeyRecord; hash: string; principal: Principal } | undefined> {
    const rows: Array<KeyRow & { p_id: string; p_name: string; p_type: 'user' | 'service'; p_roles: Role[]; p_scopes: string[]; p_created_at: Date; p_created_by: string; p_disabled_at: Date | null }> =
      await this.db.query(
        `SELECT k.*, p.id AS p_id, p.name AS p_name, p.type AS p_type, p.roles AS p_roles, p.scopes AS p_scopes, p.created_at AS p_created_at, p.created_by AS p_created_by, p.disabled_at AS p_disabled_at
         FROM api_keys k JOIN principals p ON p.id = k.principal_id WHERE k.id = $1`,
        [keyId],
      );
    const r = rows[0];
    if (!r) return undefined;
    return {
      key: toKey(r),
      hash: r.hash,
      principal: toPrincipal({ id: r.p_id, name: r.p_name, type: r.p_type, roles: r.p_roles, scopes: r.p_scopes, created_at: r.p_created_at, created_by: r.p_created_by, disabled_at: r.p_disabled_at }),
    };
  }

  async revokeKey(tx: EntityManager, keyId: string): Promise<ApiKeyRecord | undefined> {
    const rows: KeyRow[] = returnedRows(await tx.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *', [keyId]));
    return rows[0] && toKey(rows[0]);
  }

  /** Revokes a principal's keys with this name except the one given (bootstrap rotation). */
  async revokeOtherKeys(tx: EntityManager, principalId: string, name: string, keepId: string): Promise<number> {
    const rows: KeyRow[] = returnedRows(await tx.query('UPDATE api_keys SET revoked_at = now() WHERE principal_id = $1 AND name = $2 AND id <> $3 AND revoked_at IS NULL RETURNING *', [principalId, name, keepId]));
    return rows.length;
  }

  async touchKey(keyId: string): Promise<void> {
    await this.db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [keyId]);
  }
}
