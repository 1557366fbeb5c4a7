import { randomUUID } from 'node:crypto';
import { DomainError, type AuditPublisher, type Outbox } from '@lazaret/platform';
import type { ApiKeyRecord, Principal, PrincipalRepository } from '../adapters/principal.repository';
import { generateApiKey, hashApiKey, parseApiKey } from '../domain/api-key';
import type { Role } from '../domain/roles';
import { actorOf, type Caller } from './auth.service';

export const BOOTSTRAP_PRINCIPAL = 'bootstrap-admin';

/** Principals and API keys. Every change is audited in the same transaction. */
export class PrincipalService {
  constructor(
    private readonly outbox: Outbox,
    private readonly principals: PrincipalRepository,
    private readonly audit: AuditPublisher,
  ) {}

  async create(caller: Caller, input: { name: string; type: 'user' | 'service'; roles: Role[]; scopes?: string[] }): Promise<Principal> {
    if (await this.principals.byName(input.name)) throw new DomainError('conflict', `a principal named ${input.name} exists`);
    return this.outbox.transaction('gateway create-principal', async (tx) => {
      const p = await this.principals.insert(tx, { id: randomUUID(), name: input.name, type: input.type, roles: [...new Set(input.roles)], scopes: [...new Set(input.scopes ?? [])], createdBy: caller.id });
      await this.audit.enqueue(tx, { action: 'principal.create', actor: actorOf(caller), outcome: 'success', resource: { type: 'principal', id: p.id }, details: { name: p.name, roles: p.roles, scopes: p.scopes } });
      return p;
    });
  }

  list(limit: number, offset: number) {
    return this.principals.list(limit, offset);
  }

  async get(id: string): Promise<Principal> {
    const p = await this.principals.byId(id);
    if (!p) throw new DomainError('not-found', `no principal ${id}`);
    return p;
  }

  async update(caller: Caller, id: string, change: { roles?: Role[]; scopes?: string[]; disabled?: boolean }): Promise<Principal> {
    if (id === caller.id && (change.disabled || (change.roles && !change.roles.includes('admin') && caller.roles.includes('admin')))) {
      throw new DomainError('conflict', 'you cannot disable yourself or remove your own admin role');
    }
    return this.outbox.transaction('gateway update-principal', async (tx) => {
      const p = await this.principals.update(tx, id, { roles: change.roles && [...new Set(change.roles)], scopes: change.scopes && [...new Set(change.scopes)], disabled: change.disabled });
      if (!p) throw new DomainError('not-found', `no principal ${id}`);
      await this.audit.enqueue(tx, { action: 'principal.update', actor: actorOf(caller), outcome: 'success', resource: { type: 'principal', id }, details: { roles: p.roles, scopes: p.scopes, disabled: p.disabledAt !== null } });
      return p;
    });
  }

  /** Creates a key; the plaintext is returned here once and never stored. */
  async createKey(caller: Caller, principalId: string, input: { name: string; expiresInDays?: number }): Promise<ApiKeyRecord & { key: string }> {
    const principal = await this.get(principalId);
    if (principal.disabledAt) throw new DomainError('conflict', 'the principal is disabled');
    const generated = generateApiKey();
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const record = await this.outbox.transaction('gateway create-api-key', async (tx) => {
      const k = await this.principals.insertKey(tx, { id: generated.keyId, principalId, name: input.name, hash: generated.hash, expiresAt });
      await this.audit.enqueue(tx, { action: 'apikey.create', actor: actorOf(caller), outcome: 'success', resource: { type: 'api-key', id: k.id }, details: { principal: principal.name, name: k.name, expiresAt: k.expiresAt } });
      return k;
    });
    return { ...record, key: generated.key };
  }

  async keys(principalId: string): Promise<ApiKeyRecord[]> {
    await this.get(principalId);
    return this.principals.keys(principalId);
  }

  async revokeKey(caller: Caller, keyId: string): Promise<void> {
    if (keyId === caller.keyId) throw new DomainError('conflict', 'you cannot revoke the key you are using');
    await this.outbox.transaction('gateway revoke-api-key', async (tx) => {
      const k = await this.principals.revokeKey(tx, keyId);
      if (!k) throw new DomainError('not-found', `no API key ${keyId}`);
      await this.audit.enqueue(tx, { action: 'apikey.revoke', actor: actorOf(caller), outcome: 'success', resource: { type: 'api-key', id: keyId } });
    });
  }

  /**
   * Makes `key` the bootstrap admin's only bootstrap key: creates the principal on first start,
   * adds the key if it is new, and revokes earlier bootstrap keys.
   */
  async ensureBootstrapAdmin(key: string): Promise<void> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new DomainError('validation-failed', 'LAZARET_ADMIN_KEY is not an API key');
    const system = { type: 'service' as const, id: 'gateway', name: 'gateway' };
    await this.outbox.transaction('gateway bootstrap-admin', async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('lazaret-bootstrap-admin'))");
      let admin = await this.principals.byName(BOOTSTRAP_PRINCIPAL, tx);
      if (!admin) {
        admin = await this.principals.insert(tx, { id: randomUUID(), name: BOOTSTRAP_PRINCIPAL, type: 'user', roles: ['admin'], scopes: [], createdBy: 'gateway' });
        await this.audit.enqueue(tx, { action: 'principal.create', actor: system, outcome: 'success', resource: { type: 'principal', id: admin.id }, details: { name: admin.name, bootstrap: true } });
      }
      const existing = await this.principals.keyForAuth(parsed.keyId);
      if (existing && existing.principal.id !== admin.id) throw new DomainError('conflict', 'LAZARET_ADMIN_KEY collides with another key id');
      if (!existing) {
        await this.principals.insertKey(tx, { id: parsed.keyId, principalId: admin.id, name: 'bootstrap', hash: hashApiKey(key), expiresAt: null });
        await this.audit.enqueue(tx, { action: 'apikey.create', actor: system, outcome: 'success', resource: { type: 'api-key', id: parsed.keyId }, details: { principal: admin.name, bootstrap: true } });
      }
      const revoked = await this.principals.revokeOtherKeys(tx, admin.id, 'bootstrap', parsed.keyId);
      if (revoked > 0) {
        await this.audit.enqueue(tx, { action: 'apikey.revoke', actor: system, outcome: 'success', resource: { type: 'principal', id: admin.id }, details: { bootstrapKeysRevoked: revoked } });
      }
    });
  }
}
