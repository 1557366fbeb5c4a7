import { createHash } from 'node:crypto';
import type { Actor } from '@lazaret/contracts';
import {
  decryptSecret,
  encryptSecret,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateSigningKeyPair,
  importCosignPrivateKey,
  importPrivateKey,
  keyAlgorithm,
  keyId as computeKeyId,
  type KeyEncryptionKeyProvider,
} from '@lazaret/crypto';
import { DomainError, type AuditPublisher, type Outbox } from '@lazaret/platform';
import type { KeyObject } from 'node:crypto';
import type { KeyRow, SigningRepository } from '../adapters/key.repository';

export function keyView(k: KeyRow) {
  return {
    id: k.id,
    name: k.name,
    algorithm: k.algorithm,
    publicKeyPem: k.public_pem,
    status: k.status,
    current: k.status === 'active',
    createdAt: k.created_at.toISOString(),
    retiredAt: k.retired_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
    revocationReason: k.revocation_reason,
  };
}

/** The AAD that binds an encrypted private key to its own id: an envelope moved to another row fails. */
const keyAad = (id: string) => `lazaret/signing/key/${id}`;
export const credentialAad = (registry: string) => `lazaret/signing/registry-credentials/${registry}`;

/**
 * Signing keys: generated or imported here, kept only as envelopes (a fresh AES-256-GCM data key
 * per key, wrapped by the KEK), decrypted in memory for the moment of signing. Rotation retires
 * the old key (it keeps verifying); revocation makes its signatures fail from then on.
 */
export class KeyService {
  constructor(
    private readonly repo: SigningRepository,
    private readonly kek: KeyEncryptionKeyProvider,
    private readonly outbox: Outbox,
    private readonly audit: AuditPublisher,
  ) {}

  async create(actor: Actor, name: string, algorithm: 'ecdsa-p256' | 'ed25519') {
    if (await this.repo.activeKey(name)) throw new DomainError('conflict', `a key named ${name} exists; rotate it instead`);
    return keyView(await this.store(actor, name, generateSigningKeyPair(algorithm).privateKey, 'signing-key.create'));
  }

  async import(actor: Actor, name: string, pem: string, password: string | undefined) {
    if (await this.repo.activeKey(name)) throw new DomainError('conflict', `a key named ${name} exists; rotate it instead`);
    let privateKey: KeyObject;
    try {
      privateKey = /ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY/.test(pem) ? importCosignPrivateKey(pem, password ?? '').privateKey : importPrivateKey(pem);
    } catch (err) {
      // Never echo the key or the password: only what kind of problem it was.
      throw new DomainError('validation-failed', `the private key could not be imported (${err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'invalid key'})`);
    }
    return keyView(await this.store(actor, name, privateKey, 'signing-key.import'));
  }

  private async store(actor: Actor, name: string, privateKey: KeyObject, action: string): Promise<KeyRow> {
    const id = computeKeyId(privateKey);
    if (await this.repo.keyById(id)) throw new DomainError('conflict', `this key is already stored (${id})`);
    const envelope = await encryptSecret(exportPrivateKeyPem(privateKey), this.kek, keyAad(id));
    return this.outbox.transaction('signing store-key', async (tx) => {
      const row = await this.repo.insertKey(tx, { id, name, algorithm: keyAlgorithm(privateKey), publicPem: exportPublicKeyPem(privateKey), envelope, createdBy: actor.id });
      await this.audit.enqueue(tx, { action, actor, outcome: 'success', resource: { type: 'signing-key', id }, details: { name, algorithm: row.algorithm } });
      return row;
    });
  }

  async list() {
    return { items: (await this.repo.keys()).map(keyView) };
  }

  async rotate(actor: Actor, name: string) {
    const old = await this.repo.activeKey(name);
    if (!old) throw new DomainError('not-found', `no active key named ${name}`);
    const fresh = generateSigningKeyPair(old.algorithm === 'ed25519' ? 'ed25519' : 'ecdsa-p256').privateKey;
    const id = computeKeyId(fresh);
    const envelope = await encryptSecret(exportPrivateKeyPem(fresh), this.kek, keyAad(id));
    return this.outbox.transaction('signing rotate-key', async (tx) => {
      const previous = await this.repo.retire(tx, old.id);
      if (!previous) throw new DomainError('conflict', `key ${name} changed meanwhile; try again`);
      const current = await this.repo.insertKey(tx, { id, name, algorithm: old.algorithm, publicPem: exportPublicKeyPem(fresh), envelope, createdBy: actor.id });
      await this.audit.enqueue(tx, { action: 'signing-key.rotate', actor, outcome: 'success', resource: { type: 'signing-key', id }, details: { name, previous: old.id } });
      return { previous: keyView(previous), current: keyView(current) };
    });
  }

  async revoke(actor: Actor, id: string, reason: string) {
    return this.outbox.transaction('signing revoke-key', async (tx) => {
      const row = await this.repo.revoke(tx, id, reason);
      if (!row) throw new DomainError('not-found', `no key ${id}`);
      await this.audit.enqueue(tx, { action: 'signing-key.revoke', actor, outcome: 'success', resource: { type: 'signing-key', id }, reason });
      return keyView(row);
    });
  }

  /** The private key, decrypted for one signature; the caller drops it right after. */
  async signingKey(name: string | undefined): Promise<{ row: KeyRow; privateKey: KeyObject }> {
    const row = name ? await this.repo.activeKey(name) : await this.repo.anyActiveKey();
    if (!row) throw new DomainError('not-found', name ? `no active key named ${name}` : 'no active signing key: create one first');
    const pem = await decryptSecret(row.private_envelope, this.kek, keyAad(row.id));
    try {
      return { row, privateKey: importPrivateKey(pem.toString('utf8')) };
    } finally {
      pem.fill(0);
    }
  }

  async setCredentials(actor: Actor, registry: string, username: string, password: string) {
    const envelope = await encryptSecret(password, this.kek, credentialAad(registry));
    return this.outbox.transaction('signing set-registry-credentials', async (tx) => {
      const row = await this.repo.putCredentials(tx, registry, username, envelope, actor.id);
      await this.audit.enqueue(tx, { action: 'registry-credentials.set', actor, outcome: 'success', resource: { type: 'registry', id: registry }, details: { username } });
      return { registry: row.registry, username: row.username, updatedAt: row.updated_at.toISOString() };
    });
  }

  async credentials(registry: string): Promise<{ username: string; password: string } | undefined> {
    const row = await this.repo.credentials(registry);
    if (!row) return undefined;
    const password = await decryptSecret(row.password_envelope, this.kek, credentialAad(registry));
    return { username: row.username, password: password.toString('utf8') };
  }
}

/** A stable, non-secret id for a KEK given as one value (its hash prefix). */
export function kekIdOf(value: string): string {
  return `local-${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}
