import { createHash, type KeyObject } from 'node:crypto';
import { keyAlgorithm, pae, verify, type DsseEnvelope } from '@lazaret/crypto';
import { TrustError } from './errors';
import type { KeyRing, TrustedKey } from './key-ring';

/**
 * Sigstore bundles v0.3 (`application/vnd.dev.sigstore.bundle.v0.3+json`, sigstore
 * protobuf-specs `Bundle`, proto3 JSON form), key-based only: the verification material is a
 * `publicKey` hint (our key id), with no transparency-log entries and no certificate. Such bundles
 * verify with `@sigstore/verify` given trust material holding the public key under that hint and
 * tlog/ctlog/timestamp thresholds of 0.
 */

export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

type HashName = 'SHA2_256' | 'SHA2_384' | 'SHA2_512';

export interface SigstoreBundle {
  mediaType: string;
  verificationMaterial: {
    publicKey: { hint: string };
    tlogEntries: unknown[];
    timestampVerificationData?: { rfc3161Timestamps: unknown[] };
  };
  messageSignature?: { messageDigest: { algorithm: HashName; digest: string }; signature: string };
  dsseEnvelope?: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
}

const NODE_HASH: Record<HashName, string> = { SHA2_256: 'sha256', SHA2_384: 'sha384', SHA2_512: 'sha512' };

/**
 * The hash a messageSignature bundle declares for a key, as libs/crypto `sign` uses it; `undefined`
 * for Ed25519, which signs the message itself (pure EdDSA) and has no prehash to declare.
 */
export function messageDigestAlgorithm(key: KeyObject): HashName | undefined {
  switch (keyAlgorithm(key)) {
    case 'ecdsa-p256':
    case 'rsa-pkcs1v15-sha256':
      return 'SHA2_256';
    case 'ecdsa-p384':
      return 'SHA2_384';
    case 'ecdsa-p521':
      return 'SHA2_512';
    default:
      return undefined;
  }
}

function base(hint: string): SigstoreBundle['verificationMaterial'] {
  return { publicKey: { hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } };
}

/** A messageSignature bundle over `artifact` (e.g. a simple-signing payload), or undefined for Ed25519 keys. */
export function messageSignatureBundle(artifact: Uint8Array, signature: Uint8Array, keyHint: string, algorithm: HashName | undefined = 'SHA2_256'): SigstoreBundle {
  const alg = algorithm ?? 'SHA2_256';
  return {
    mediaType: SIGSTORE_BUNDLE_V03,
    verificationMaterial: base(keyHint),
    messageSignature: {
      messageDigest: { algorithm: alg, digest: createHash(NODE_HASH[alg]).update(artifact).digest('base64') },
      signature: Buffer.from(signature).toString('base64'),
    },
  };
}

/** A dsseEnvelope bundle. The v0.3 format allows exactly one signature: pass a single-signature envelope. */
export function dsseBundle(envelope: DsseEnvelope, keyHint: string): SigstoreBundle {
  if (envelope.signatures.length !== 1) throw new TrustError('invalid-argument', `a Sigstore bundle holds exactly one DSSE signature, the envelope has ${envelope.signatures.length}`);
  return {
    mediaType: SIGSTORE_BUNDLE_V03,
    verificationMaterial: base(keyHint),
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signatures[0].sig, keyid: envelope.signatures[0].keyid ?? '' }],
    },
  };
}

export interface BundleVerification {
  key: TrustedKey;
  kind: 'messageSignature' | 'dsseEnvelope';
  /** The DSSE payload (dsseEnvelope bundles). */
  payload?: Buffer;
  payloadType?: string;
}

function b64(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new TrustError('malformed-bundle', `${what} is not base64`);
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/**
 * Verifies a key-based v0.3 bundle with our keys (the hint must name a key of the ring; the key's
 * validity window is NOT judged here: callers do that with the trusted time they have).
 */
export function verifySigstoreBundle(bundle: unknown, keys: KeyRing, artifact?: Uint8Array): BundleVerification {
  const b = bundle as Partial<SigstoreBundle> | null;
  if (typeof b !== 'object' || b === null) throw new TrustError('malformed-bundle', 'bundle is not an object');
  if (b.mediaType !== SIGSTORE_BUNDLE_V03 && b.mediaType !== 'application/vnd.dev.sigstore.bundle+json;version=0.3') {
    throw new TrustError('malformed-bundle', `unsupported bundle media type ${JSON.stringify(b.mediaType)}`);
  }
  const hint = b.verificationMaterial?.publicKey?.hint;
  if (typeof hint !== 'string' || hint === '') throw new TrustError('malformed-bundle', 'bundle has no publicKey hint (certificate bundles are not supported)');
  const key = keys.get(hint);
  if (!key) throw new TrustError('unknown-key', `bundle names key ${hint}, which is not trusted`);
  if (b.messageSignature && b.dsseEnvelope) throw new TrustError('malformed-bundle', 'bundle has both messageSignature and dsseEnvelope');
  if (b.messageSignature) {
    if (!artifact) throw new TrustError('invalid-argument', 'a messageSignature bundle needs the artifact');
    const alg = b.messageSignature.messageDigest?.algorithm;
    if (alg !== 'SHA2_256' && alg !== 'SHA2_384' && alg !== 'SHA2_512') throw new TrustError('malformed-bundle', `unsupported digest algorithm ${String(alg)}`);
    const digest = b64(b.messageSignature.messageDigest.digest, 'messageDigest.digest');
    if (!createHash(NODE_HASH[alg]).update(artifact).digest().equals(digest)) throw new TrustError('digest-mismatch', 'bundle message digest is not the digest of the artifact');
    if (messageDigestAlgorithm(key.publicKey) !== alg) throw new TrustError('signature-invalid', `key ${key.id} does not sign with ${alg}`);
    if (!verify(artifact, b64(b.messageSignature.signature, 'messageSignature.signature'), key.publicKey)) {
      throw new TrustError('signature-invalid', `bundle signature does not verify with key ${key.id}`);
    }
    return { key, kind: 'messageSignature' };
  }
  if (b.dsseEnvelope) {
    const env = b.dsseEnvelope;
    if (typeof env.payloadType !== 'string' || !Array.isArray(env.signatures) || env.signatures.length !== 1) {
      throw new TrustError('malformed-bundle', 'bundle DSSE envelope needs a payloadType and exactly one signature');
    }
    const payload = b64(env.payload, 'dsseEnvelope.payload');
    if (!verify(pae(env.payloadType, payload), b64(env.signatures[0]?.sig, 'dsseEnvelope signature'), key.publicKey)) {
      throw new TrustError('signature-invalid', `bundle DSSE signature does not verify with key ${key.id}`);
    }
    return { key, kind: 'dsseEnvelope', payload, payloadType: env.payloadType };
  }
  throw new TrustError('malformed-bundle', 'bundle has neither messageSignature nor dsseEnvelope');
}
