import { parseSimpleSigningPayload, verify } from '@lazaret/crypto';
import { cosignTag, parseArtifactManifest, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, TIMESTAMP_ANNOTATION, type OciDescriptor } from './cosign.layout';
import { sha256Digest } from './digest.util';
import { TrustError, type TrustErrorCode } from './errors';
import { keyValidity, type KeyRing, type TrustedKey } from './key-ring';
import { imageTarget, viaRegistry, type ArtifactLocation, type ImageTarget, type OciStore } from './oci-store.port';
import { parseTimestampToken, verifyTimestampToken } from './timestamp.authority';

export const MAX_SIGNED_PAYLOAD_BYTES = 64 * 1024;

export interface VerifiedSignature {
  keyId: string;
  key: TrustedKey;
  layerDigest: string;
  payload: Buffer;
  /** What the payload claims; informative only, never used for the decision. */
  dockerReference: string;
  /** The payload's `optional` (signed annotations). */
  annotations: Record<string, unknown> | null;
  /** `optional.timestamp` as the signer wrote it (self-asserted, not trusted). */
  claimedTime?: Date;
  /** Time proved by a trusted timestamp authority's token. */
  trustedTime?: Date;
}

export interface RejectedSignature {
  code: TrustErrorCode;
  reason: string;
  layerDigest?: string;
  keyId?: string;
}

export interface SignatureVerification {
  image: ImageTarget;
  signatureReference: string;
  verified: VerifiedSignature[];
  rejected: RejectedSignature[];
}

export interface VerifyLayerInput {
  layer: OciDescriptor;
  /** The layer blob (already checked against `layer.digest` by the registry client). */
  payload: Buffer;
  /** The digest of the image that was actually resolved or pulled. */
  imageDigest: string;
  keys: KeyRing;
  now: Date;
}

/**
 * Verifies one cosign signature layer. Pure: the signature must verify over the exact payload
 * bytes with a trusted signing key, the payload must be a cosign simple-signing document whose
 * `docker-manifest-digest` is the digest that was resolved (its `docker-reference` is never
 * trusted), and the key must be valid at the signature's trusted time (or now).
 */
export function verifySignatureLayer(input: VerifyLayerInput): VerifiedSignature | RejectedSignature {
  const { layer, payload, imageDigest, keys, now } = input;
  const reject = (code: TrustErrorCode, reason: string, keyId?: string): RejectedSignature => ({ code, reason, layerDigest: layer.digest, ...(keyId ? { keyId } : {}) });
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) return reject('malformed-signature', `layer media type ${layer.mediaType} is not ${SIMPLE_SIGNING_MEDIA_TYPE}`);
  if (payload.length > MAX_SIGNED_PAYLOAD_BYTES) return reject('malformed-signature', `payload is ${payload.length} bytes (limit ${MAX_SIGNED_PAYLOAD_BYTES})`);
  if (sha256Digest(payload) !== layer.digest && !layer.digest.startsWith('sha512:')) return reject('digest-mismatch', 'payload does not hash to the layer digest');
  const sigText = layer.annotations?.[SIGNATURE_ANNOTATION];
  if (!sigText) return reject('malformed-signature', `layer has no ${SIGNATURE_ANNOTATION} annotation`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sigText)) return reject('malformed-signature', 'signature annotation is not base64');
  const signature = Buffer.from(sigText, 'base64');
  const signers = keys.list('signing');
  const key = signers.find((k) => verify(payload, signature, k.publicKey));
  if (!key) return reject('signature-invalid', `signature does not verify with any of the ${signers.length} trusted signing keys (tampered payload, or an unknown key)`);
  let parsed;
  try {
    parsed = parseSimpleSigningPayload(payload);
  } catch (err) {
    return reject('malformed-signature', (err as Error).message, key.id);
  }
  const signedDigest = parsed.critical.image['docker-manifest-digest'];
  if (signedDigest !== imageDigest) {
    return reject('digest-mismatch', `signature by ${key.id} is for ${signedDigest}, not for the resolved image ${imageDigest}`, key.id);
  }
  let trustedTime: Date | undefined;
  const token = layer.annotations?.[TIMESTAMP_ANNOTATION];
  if (token !== undefined) {
    try {
      trustedTime = verifyTimestampToken(parseTimestampToken(token), signature, keys, now);
    } catch (err) {
      return reject('timestamp-invalid', (err as Error).message, key.id);
    }
  }
  const validity = keyValidity(key, trustedTime, now);
  if (!validity.ok) return reject(validity.code ?? 'key-revoked', validity.reason ?? 'key not valid', key.id);
  const out: VerifiedSignature = {
    keyId: key.id,
    key,
    layerDigest: layer.digest,
    payload,
    dockerReference: parsed.critical.identity['docker-reference'],
    annotations: parsed.optional,
  };
  const claimed = parsed.optional?.timestamp;
  if (typeof claimed === 'number' && Number.isFinite(claimed)) out.claimedTime = new Date(claimed * 1000);
  if (trustedTime) out.trustedTime = trustedTime;
  return out;
}

export function isVerifiedSignature(v: VerifiedSignature | RejectedSignature): v is VerifiedSignature {
  return 'key' in v;
}

export interface VerifyImageSignaturesOptions {
  /** The image by the digest that was resolved. */
  image: ImageTarget;
  store: OciStore;
  /** Where signatures are stored when not beside the image. */
  location?: ArtifactLocation;
  keys: KeyRing;
  now?: Date;
  /** Layers examined at most (a hostile `.sig` manifest may hold thousands). Default 64. */
  maxSignatures?: number;
}

/** Reads `sha256-<hex>.sig` and verifies every signature layer in it (cosign's or ours). */
export async function verifyImageSignatures(opts: VerifyImageSignaturesOptions): Promise<SignatureVerification> {
  const image = imageTarget(opts.image?.registry, opts.image?.repository, opts.image?.digest);
  const now = opts.now ?? new Date();
  const location = opts.location ?? { store: opts.store, repository: image.repository };
  const tag = cosignTag(image.digest, 'sig');
  const where = `${location.store.registry}/${location.repository}:${tag}`;
  const result: SignatureVerification = { image, signatureReference: where, verified: [], rejected: [] };
  const manifest = await viaRegistry(`reading ${where}`, () => location.store.getManifest(location.repository, tag));
  if (!manifest) return result;
  let doc;
  try {
    doc = parseArtifactManifest(manifest.bytes, `signature manifest ${where}`);
  } catch (err) {
    if (err instanceof TrustError) {
      result.rejected.push({ code: err.code, reason: err.message });
      return result;
    }
    throw err;
  }
  const max = opts.maxSignatures ?? 64;
  for (const [i, layer] of doc.layers.entries()) {
    if (i >= max) {
      result.rejected.push({ code: 'malformed-signature', reason: `${doc.layers.length - max} more signature layers not examined (limit ${max})` });
      break;
    }
    if (layer.size > MAX_SIGNED_PAYLOAD_BYTES) {
      result.rejected.push({ code: 'malformed-signature', reason: `payload is ${layer.size} bytes (limit ${MAX_SIGNED_PAYLOAD_BYTES})`, layerDigest: layer.digest });
      continue;
    }
    let payload: Buffer;
    try {
      payload = await viaRegistry(`reading ${where} layer ${layer.digest}`, () => location.store.getBlob(location.repository, layer.digest, MAX_SIGNED_PAYLOAD_BYTES));
    } catch (err) {
      result.rejected.push({ code: 'registry-error', reason: (err as Error).message, layerDigest: layer.digest });
      continue;
    }
    const outcome = verifySignatureLayer({ layer, payload, imageDigest: image.digest, keys: opts.keys, now });
    if (isVerifiedSignature(outcome)) result.verified.push(outcome);
    else result.rejected.push(outcome);
  }
  return result;
}
