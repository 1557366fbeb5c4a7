import { decodeBase64 } from './encoding.util';
import { CryptoError } from './errors';
import { importPublicKey, sign, signingKeyPair, verify, type KeyInput } from './signing.keys';
import type { KeyObject } from 'node:crypto';

/**
 * DSSE, the Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, protocol v1), the
 * envelope of in-toto attestations and of cosign's `attest`.
 *
 * Signatures cover PAE(payloadType, payload), never the base64 text, so the type is
 * authenticated and no canonicalisation is needed.
 */

export interface DsseSignature {
  keyid?: string;
  /** base64 of the signature bytes. */
  sig: string;
}

export interface DsseEnvelope {
  /** base64 of the serialized body. */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

/** Something that signs bytes: a local key (see {@link keySigner}) or a KMS / HSM adapter. */
export interface DsseSigner {
  /** Unauthenticated hint written next to the signature; omitted when undefined. */
  keyid?: string;
  sign(data: Buffer): Buffer | Promise<Buffer>;
}

export interface DsseTrustedKey {
  /** The caller's name for this key; reported back in verifiedKeyIds. Must be unique. */
  keyid: string;
  publicKey: KeyInput;
  /** ECDSA signature encoding: DER (cosign, default) or raw r||s. */
  dsaEncoding?: 'der' | 'ieee-p1363';
}

export interface DsseVerifyOptions {
  /** Number of distinct trusted keys that must have signed; default 1. */
  threshold?: number;
  /** When given, the envelope's payloadType must be one of these. */
  supportedPayloadTypes?: readonly string[];
}

export interface DsseVerification {
  /** Threshold met and payload type supported. */
  ok: boolean;
  /** Trusted keys (their `keyid`s) with at least one valid signature, in trusted-key order. */
  verifiedKeyIds: string[];
  /** Why ok is false. */
  reason?: 'threshold-not-met' | 'unsupported-payload-type';
  /** Decoded body. Use it only when ok is true. */
  payload: Buffer;
  payloadType: string;
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in bytes, decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  if (typeof payloadType !== 'string') throw new CryptoError('invalid-argument', 'payloadType must be a string');
  if (!(payload instanceof Uint8Array)) throw new CryptoError('invalid-argument', 'payload must be bytes');
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}

/** A signer for a local private key; keyid defaults to the key's id (hex SHA-256 of its SPKI). */
export function keySigner(privateKey: KeyInput, keyid?: string): DsseSigner {
  const pair = signingKeyPair(privateKey);
  return { keyid: keyid ?? pair.keyId, sign: (data) => sign(data, pair.privateKey) };
}

export async function signDsse(payload: string | Uint8Array, payloadType: string, signers: readonly DsseSigner[]): Promise<DsseEnvelope> {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  if (typeof payloadType !== 'string' || payloadType === '') throw new CryptoError('invalid-argument', 'payloadType must be a non-empty string');
  if (!Array.isArray(signers) || signers.length === 0) throw new CryptoError('invalid-argument', 'at least one signer is needed');
  const message = pae(payloadType, body);
  const signatures: DsseSignature[] = [];
  for (const signer of signers) {
    const sig = await signer.sign(Buffer.from(message));
    if (!(sig instanceof Uint8Array) || sig.length === 0) throw new CryptoError('invalid-argument', 'a signer returned no signature');
    const b64 = Buffer.from(sig).toString('base64');
    signatures.push(signer.keyid !== undefined ? { keyid: signer.keyid, sig: b64 } : { sig: b64 });
  }
  return { payload: body.toString('base64'), payloadType, signatures };
}

/**
 * Verifies a DSSE envelope against trusted keys (DSSE "(t, n)" multi-signature verification).
 * Each signature is checked against every trusted key (a matching keyid hint first); a key counts
 * once however many signatures it made. Malformed envelopes throw `malformed-dsse`; signature
 * and policy failures return ok: false.
 */
export function verifyDsse(envelope: unknown, trustedKeys: readonly DsseTrustedKey[], options: DsseVerifyOptions = {}): DsseVerification {
  assertDsseEnvelope(envelope);
  const threshold = options.threshold ?? 1;
  if (!Number.isSafeInteger(threshold) || threshold < 1) throw new CryptoError('invalid-argument', 'threshold must be a positive integer');
  if (!Array.isArray(trustedKeys)) throw new CryptoError('invalid-argument', 'trustedKeys must be an array');
  const keys: Array<{ keyid: string; key: KeyObject; dsaEncoding: 'der' | 'ieee-p1363' }> = [];
  for (const t of trustedKeys) {
    if (typeof t?.keyid !== 'string') throw new CryptoError('invalid-argument', 'each trusted key needs a keyid');
    if (keys.some((k) => k.keyid === t.keyid)) throw new CryptoError('invalid-argument', `trusted keyid ${JSON.stringify(t.keyid)} is listed twice`);
    keys.push({ keyid: t.keyid, key: importPublicKey(t.publicKey), dsaEncoding: t.dsaEncoding ?? 'der' });
  }

  const payload = decodeBase64(envelope.payload, 'DSSE payload', 'malformed-dsse');
  const sigs = envelope.signatures.map((s, i) => ({ keyid: s.keyid, sig: decodeBase64(s.sig, `DSSE signature ${i}`, 'malformed-dsse') }));
  const message = pae(envelope.payloadType, payload);
  const accepted = new Set<string>();
  for (const { keyid, sig } of sigs) {
    const ordered = [...keys.filter((k) => k.keyid === keyid), ...keys.filter((k) => k.keyid !== keyid)];
    for (const k of ordered) {
      if (accepted.has(k.keyid)) continue;
      if (verify(message, sig, k.key, { dsaEncoding: k.dsaEncoding })) {
        accepted.add(k.keyid);
        break;
      }
    }
  }
  const verifiedKeyIds = keys.map((k) => k.keyid).filter((id) => accepted.has(id));
  const result: DsseVerification = { ok: true, verifiedKeyIds, payload, payloadType: envelope.payloadType };
  if (verifiedKeyIds.length < threshold) {
    return { ...result, ok: false, reason: 'threshold-not-met' };
  }
  if (options.supportedPayloadTypes && !options.supportedPayloadTypes.includes(envelope.payloadType)) {
    return { ...result, ok: false, reason: 'unsupported-payload-type' };
  }
  return result;
}

/** Narrows loose input to a DSSE envelope (shape only; base64 is checked by verifyDsse). */
export function assertDsseEnvelope(value: unknown): asserts value is DsseEnvelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CryptoError('malformed-dsse', 'DSSE envelope must be a JSON object');
  const e = value as Record<string, unknown>;
  if (typeof e.payload !== 'string') throw new CryptoError('malformed-dsse', 'DSSE envelope has no payload string');
  if (typeof e.payloadType !== 'string') throw new CryptoError('malformed-dsse', 'DSSE envelope has no payloadType string');
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) throw new CryptoError('malformed-dsse', 'DSSE envelope has no signatures');
  e.signatures.forEach((s: unknown, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new CryptoError('malformed-dsse', `DSSE signature ${i} must be an object`);
    const sig = s as Record<string, unknown>;
    if (typeof sig.sig !== 'string' || sig.sig === '') throw new CryptoError('malformed-dsse', `DSSE signature ${i} has no sig`);
    if (sig.keyid !== undefined && typeof sig.keyid !== 'string') throw new CryptoError('malformed-dsse', `DSSE signature ${i} keyid must be a string`);
  });
}

export function parseDsseEnvelope(json: string | Uint8Array): DsseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(typeof json === 'string' ? json : Buffer.from(json).toString('utf8'));
  } catch {
    throw new CryptoError('malformed-dsse', 'DSSE envelope is not valid JSON (truncated?)');
  }
  assertDsseEnvelope(value);
  return value;
}
