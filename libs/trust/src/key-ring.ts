import type { KeyObject } from 'node:crypto';
import { exportPublicKeyPem, importPublicKey, keyId as computeKeyId, keyAlgorithm, type SigningAlgorithm } from '@lazaret/crypto';
import { TrustError, type TrustErrorCode } from './errors';

/**
 * Trusted public keys with their validity windows.
 *
 * Rotation and revocation: a key is valid from `notBefore` (inclusive) until `expiresAt` or
 * `revokedAt` (exclusive), whichever comes first. A signature is judged at its **trusted time**:
 * the time in a timestamp token countersigned by a trusted timestamp key (see
 * timestamp.authority.ts). The time a signer writes into its own payload (`optional.timestamp`)
 * is not trusted for this, because whoever holds a compromised key can write any time there.
 * Without a trusted time a signature is judged at the verification time ("now"), so a signature
 * by a revoked or expired key fails unless a trusted timestamp proves it was made before.
 * Set `revokedAt` to the earliest moment the key may have been exposed, not the moment the
 * revocation was noticed.
 */

export type KeyUsage = 'signing' | 'timestamp';

export interface TrustedKeyInput {
  /** Defaults to the hex SHA-256 of the DER SubjectPublicKeyInfo (libs/crypto `keyId`). */
  id?: string;
  /** PEM (SPKI) or a KeyObject. */
  publicKey: string | KeyObject;
  notBefore?: Date | string;
  expiresAt?: Date | string;
  revokedAt?: Date | string;
  usage?: KeyUsage;
}

export interface TrustedKey {
  id: string;
  /** The content-derived id (SHA-256 of SPKI); equals `id` unless an id was given. */
  fingerprint: string;
  publicKey: KeyObject;
  publicKeyPem: string;
  algorithm: SigningAlgorithm;
  notBefore?: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  usage: KeyUsage;
}

export interface KeyValidity {
  ok: boolean;
  code?: Extract<TrustErrorCode, 'key-revoked' | 'key-expired' | 'key-not-yet-valid'>;
  reason?: string;
}

function toDate(v: Date | string | undefined, what: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new TrustError('invalid-argument', `${what} is not a valid date`);
  return d;
}

export function trustedKey(input: TrustedKeyInput): TrustedKey {
  let publicKey: KeyObject;
  try {
    publicKey = importPublicKey(input.publicKey);
  } catch (err) {
    throw new TrustError('invalid-argument', `key ${input.id ?? ''}: not a usable public key: ${(err as Error).message}`.replace('key : ', 'key: '), { cause: err });
  }
  const fingerprint = computeKeyId(publicKey);
  const key: TrustedKey = {
    id: input.id ?? fingerprint,
    fingerprint,
    publicKey,
    publicKeyPem: exportPublicKeyPem(publicKey),
    algorithm: keyAlgorithm(publicKey),
    usage: input.usage ?? 'signing',
  };
  const notBefore = toDate(input.notBefore, `key ${key.id} notBefore`);
  const expiresAt = toDate(input.expiresAt, `key ${key.id} expiresAt`);
  const revokedAt = toDate(input.revokedAt, `key ${key.id} revokedAt`);
  if (notBefore) key.notBefore = notBefore;
  if (expiresAt) key.expiresAt = expiresAt;
  if (revokedAt) key.revokedAt = revokedAt;
  return key;
}

/**
 * Is `key` valid for a signature? `trustedTime` is the countersigned signing time when there is
 * one; otherwise the signature is judged at `now`.
 */
export function keyValidity(key: TrustedKey, trustedTime: Date | undefined, now: Date): KeyValidity {
  const at = trustedTime ?? now;
  const when = trustedTime ? `at its trusted time ${trustedTime.toISOString()}` : `now (${now.toISOString()}; the signature has no trusted timestamp)`;
  if (key.revokedAt && at.getTime() >= key.revokedAt.getTime()) {
    return { ok: false, code: 'key-revoked', reason: `key ${key.id} was revoked at ${key.revokedAt.toISOString()}, judged ${when}` };
  }
  if (key.notBefore && at.getTime() < key.notBefore.getTime()) {
    return { ok: false, code: 'key-not-yet-valid', reason: `key ${key.id} is valid from ${key.notBefore.toISOString()}, judged ${when}` };
  }
  if (key.expiresAt && at.getTime() >= key.expiresAt.getTime()) {
    return { ok: false, code: 'key-expired', reason: `key ${key.id} expired at ${key.expiresAt.toISOString()}, judged ${when}` };
  }
  return { ok: true };
}

export class KeyRing {
  private readonly byId = new Map<string, TrustedKey>();
  private readonly byFingerprint = new Map<string, TrustedKey>();

  constructor(keys: Iterable<TrustedKeyInput | TrustedKey> = []) {
    for (const k of keys) this.add(k);
  }

  add(input: TrustedKeyInput | TrustedKey): TrustedKey {
    const key = 'fingerprint' in input ? input : trustedKey(input);
    if (this.byId.has(key.id)) throw new TrustError('invalid-argument', `duplicate key id ${key.id}`);
    if (this.byFingerprint.has(key.fingerprint)) {
      throw new TrustError('invalid-argument', `key ${key.id} is the same public key as ${this.byFingerprint.get(key.fingerprint)?.id}`);
    }
    this.byId.set(key.id, key);
    this.byFingerprint.set(key.fingerprint, key);
    return key;
  }

  get(id: string): TrustedKey | undefined {
    return this.byId.get(id) ?? this.byFingerprint.get(id);
  }

  /** Finds a key by id, fingerprint or PEM (any PEM encoding of the same public key). */
  find(idOrPem: string): TrustedKey | undefined {
    const direct = this.get(idOrPem);
    if (direct) return direct;
    if (idOrPem.includes('-----BEGIN')) {
      try {
        return this.byFingerprint.get(computeKeyId(importPublicKey(idOrPem)));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  list(usage?: KeyUsage): TrustedKey[] {
    return [...this.byId.values()].filter((k) => usage === undefined || k.usage === usage);
  }

  get size(): number {
    return this.byId.size;
  }
}
