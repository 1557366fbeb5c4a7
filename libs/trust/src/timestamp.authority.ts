import type { KeyObject } from 'node:crypto';
import { canonicalJsonBytes, keyId as computeKeyId, sign, verify } from '@lazaret/crypto';
import { sha256Digest } from './digest.util';
import { TrustError } from './errors';
import { keyValidity, type KeyRing } from './key-ring';

/**
 * Trusted time for signatures. A timestamp authority (a key of its own, usage `timestamp`,
 * which never signs images) countersigns `{v, time, imprint}` where `imprint` is the SHA-256 of
 * the signature bytes being timestamped. The token proves the signature existed at `time`, so a
 * signature whose token predates its key's revocation stays valid after the revocation.
 *
 * The token travels in the layer annotation `dev.lazaret.trust/timestamp` (outside the signed
 * payload, since it covers the signature), as cosign carries its RFC 3161 timestamps and Rekor
 * bundles in annotations. cosign and other tools ignore it.
 */

export interface TimestampToken {
  v: 1;
  /** RFC 3339 UTC. */
  time: string;
  /** `sha256:<hex>` of the timestamped signature bytes. */
  imprint: string;
  /** Id of the authority key. */
  keyid: string;
  /** base64 signature over canonical JSON `{imprint, keyid, time, v}`. */
  sig: string;
}

export interface TimestampAuthority {
  readonly keyId: string;
  stamp(signature: Uint8Array): Promise<TimestampToken>;
}

function signedPart(t: Omit<TimestampToken, 'sig'>): Buffer {
  return canonicalJsonBytes({ v: t.v, time: t.time, imprint: t.imprint, keyid: t.keyid });
}

/** A timestamp authority holding its key in this process (the signing service's TSA key). */
export function localTimestampAuthority(privateKey: KeyObject, options: { keyId?: string; clock?: () => Date } = {}): TimestampAuthority {
  const id = options.keyId ?? computeKeyId(privateKey);
  const clock = options.clock ?? (() => new Date());
  return {
    keyId: id,
    async stamp(signature: Uint8Array): Promise<TimestampToken> {
      const unsigned = { v: 1 as const, time: clock().toISOString(), imprint: sha256Digest(signature), keyid: id };
      return { ...unsigned, sig: sign(signedPart(unsigned), privateKey).toString('base64') };
    },
  };
}

export function encodeTimestampToken(t: TimestampToken): string {
  return canonicalJsonBytes(t).toString('utf8');
}

export function parseTimestampToken(text: string): TimestampToken {
  let v: Partial<TimestampToken>;
  try {
    v = JSON.parse(text) as Partial<TimestampToken>;
  } catch (err) {
    throw new TrustError('timestamp-invalid', 'timestamp token is not JSON', { cause: err });
  }
  if (typeof v !== 'object' || v === null || v.v !== 1 || typeof v.time !== 'string' || typeof v.imprint !== 'string' || typeof v.keyid !== 'string' || typeof v.sig !== 'string') {
    throw new TrustError('timestamp-invalid', 'timestamp token lacks v=1, time, imprint, keyid or sig');
  }
  if (Number.isNaN(new Date(v.time).getTime())) throw new TrustError('timestamp-invalid', 'timestamp token time is not a date');
  return v as TimestampToken;
}

/**
 * Verifies a token for `signature` against the ring's timestamp keys and returns the trusted
 * time. Throws `timestamp-invalid` when anything is off: a bad token never silently counts as
 * "no token", because that would hide tampering.
 */
export function verifyTimestampToken(token: TimestampToken, signature: Uint8Array, keys: KeyRing, now: Date): Date {
  const key = keys.get(token.keyid);
  if (!key || key.usage !== 'timestamp') throw new TrustError('timestamp-invalid', `timestamp token from unknown authority ${token.keyid}`);
  if (token.imprint !== sha256Digest(signature)) throw new TrustError('timestamp-invalid', 'timestamp token covers a different signature');
  const ok = verify(signedPart(token), Buffer.from(token.sig, 'base64'), key.publicKey);
  if (!ok) throw new TrustError('timestamp-invalid', `timestamp token signature does not verify with ${key.id}`);
  const time = new Date(token.time);
  if (time.getTime() > now.getTime() + 5 * 60_000) throw new TrustError('timestamp-invalid', `timestamp ${token.time} is in the future`);
  // The authority's own key must have been valid when it stamped.
  const validity = keyValidity(key, time, now);
  if (!validity.ok) throw new TrustError('timestamp-invalid', `timestamp authority key: ${validity.reason}`);
  return time;
}
