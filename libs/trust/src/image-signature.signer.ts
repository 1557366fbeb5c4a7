import type { KeyObject } from 'node:crypto';
import { buildSimpleSigningPayload, importPrivateKey, keyId as computeKeyId, sign, signingKeyPair, verify } from '@lazaret/crypto';
import {
  appendSignatureLayers,
  cosignTag,
  goTime,
  parseArtifactManifest,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  TIMESTAMP_ANNOTATION,
  type OciDescriptor,
} from './cosign.layout';
import { sha256Digest } from './digest.util';
import { TrustError } from './errors';
import { imageTarget, repositoryName, viaRegistry, type ArtifactLocation, type ImageTarget, type OciStore } from './oci-store.port';
import { messageDigestAlgorithm, messageSignatureBundle, type SigstoreBundle } from './sigstore-bundle.codec';
import { encodeTimestampToken, type TimestampAuthority, type TimestampToken } from './timestamp.authority';

/** A private key the caller decrypted (e.g. with `decryptSecret` + `importPrivateKey`). */
export interface SigningKey {
  privateKey: KeyObject | string;
  /** Key id recorded in bundles and results; defaults to the SHA-256 of the public key. */
  keyId?: string;
}

export interface ResolvedSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

// Deriving the public key and its id costs more than an ECDSA signature: remember them per KeyObject.
const derived = new WeakMap<KeyObject, { publicKey: KeyObject; keyId: string }>();

export function resolveSigningKey(key: SigningKey): ResolvedSigningKey {
  if (typeof key?.privateKey === 'object' && key.privateKey !== null) {
    const known = derived.get(key.privateKey);
    if (known) return { privateKey: key.privateKey, publicKey: known.publicKey, keyId: key.keyId ?? known.keyId };
  }
  let privateKey: KeyObject;
  try {
    privateKey = importPrivateKey(key.privateKey);
  } catch (err) {
    throw new TrustError('invalid-argument', `signing key is not a usable private key: ${(err as Error).message}`, { cause: err });
  }
  const { publicKey } = signingKeyPair(privateKey);
  const fingerprint = computeKeyId(publicKey);
  if (privateKey === key.privateKey) derived.set(privateKey, { publicKey, keyId: fingerprint });
  return { privateKey, publicKey, keyId: key.keyId ?? fingerprint };
}

export interface SignImageOptions {
  /** The image, by the digest that was resolved (never sign a tag). */
  image: ImageTarget;
  key: SigningKey;
  /** Where the image lives; signatures go there unless `location` says otherwise. */
  store: OciStore;
  /** Store signatures elsewhere (cosign's COSIGN_REPOSITORY), e.g. in another registry. */
  location?: ArtifactLocation;
  /** Signed annotations (cosign `-a key=value`), merged into the payload's `optional`. */
  annotations?: Record<string, string>;
  /** Countersigns the signature with a trusted time (needed for signatures to outlive a revocation). */
  timestampAuthority?: TimestampAuthority;
  /** Clock (tests). */
  now?: Date;
  /** Skip when the same key already signed this digest (default true). */
  skipIfSigned?: boolean;
}

export interface ImageSignatureResult {
  image: ImageTarget;
  keyId: string;
  /** `registry/repository:sha256-<hex>.sig` where the signature manifest was written. */
  signatureReference: string;
  signatureManifestDigest: string;
  payload: Buffer;
  /** base64 signature over the payload, as in the layer annotation. */
  signature: string;
  layerDigest: string;
  /** Number of signatures in the manifest after this one. */
  signatureCount: number;
  /** True when an equivalent signature by this key was already there (nothing pushed). */
  alreadySigned: boolean;
  timestamp?: TimestampToken;
  /**
   * The same signature as a Sigstore bundle v0.3 (messageSignature over the payload, key hint).
   * Absent for Ed25519 keys: pure EdDSA has no message digest for the bundle to declare.
   */
  bundle?: SigstoreBundle;
}

/**
 * Signs an image manifest digest the way `cosign sign --key` does and appends the signature to
 * the `sha256-<hex>.sig` manifest (existing signatures are kept).
 *
 * Read-modify-write: two signers appending to the same `.sig` tag at the same moment can lose
 * one signature (registries have no compare-and-swap); the caller serialises per image.
 */
export async function signImage(opts: SignImageOptions): Promise<ImageSignatureResult> {
  const image = imageTarget(opts.image?.registry, opts.image?.repository, opts.image?.digest);
  const key = resolveSigningKey(opts.key);
  const now = opts.now ?? new Date();
  const location = opts.location ?? { store: opts.store, repository: image.repository };
  const optional: Record<string, unknown> = { ...(opts.annotations ?? {}) };
  // containers/image reads `creator` (string) and `timestamp` (integer seconds) here.
  optional.creator = 'lazaret';
  optional.timestamp = Math.floor(now.getTime() / 1000);
  const payload = buildSimpleSigningPayload(repositoryName(image), image.digest, optional);
  const tag = cosignTag(image.digest, 'sig');
  const where = `${location.store.registry}/${location.repository}:${tag}`;

  const existing = await viaRegistry(`reading ${where}`, () => location.store.getManifest(location.repository, tag));
  const doc = existing ? parseArtifactManifest(existing.bytes, `signature manifest ${where}`) : undefined;

  if (doc && opts.skipIfSigned !== false) {
    for (const layer of doc.layers) {
      const sig = layer.annotations?.[SIGNATURE_ANNOTATION];
      if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || !sig || layer.size > 64 * 1024) continue;
      const blob = await viaRegistry(`reading ${where} layer`, () => location.store.getBlob(location.repository, layer.digest, 64 * 1024)).catch(() => undefined);
      if (!blob || !sameSignedImage(blob, image.digest)) continue;
      if (verify(blob, Buffer.from(sig, 'base64'), key.publicKey)) {
        return {
          image,
          keyId: key.keyId,
          signatureReference: where,
          signatureManifestDigest: existing!.digest,
          payload: blob,
          signature: sig,
          layerDigest: layer.digest,
          signatureCount: doc.layers.length,
          alreadySigned: true,
          ...bundleFor(blob, Buffer.from(sig, 'base64'), key),
        };
      }
    }
  }

  const signature = sign(payload, key.privateKey);
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: signature.toString('base64') };
  let timestamp: TimestampToken | undefined;
  if (opts.timestampAuthority) {
    timestamp = await opts.timestampAuthority.stamp(signature);
    annotations[TIMESTAMP_ANNOTATION] = encodeTimestampToken(timestamp);
  }
  const layer: OciDescriptor = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: sha256Digest(payload), annotations };
  const built = appendSignatureLayers(doc, [layer], goTime(now));
  await viaRegistry(`uploading to ${location.store.registry}/${location.repository}`, async () => {
    await location.store.putBlob(location.repository, payload);
    await location.store.putBlob(location.repository, built.config);
  });
  const pushed = await viaRegistry(`writing ${where}`, () => location.store.putManifest(location.repository, tag, built.manifest, built.manifestMediaType));
  const result: ImageSignatureResult = {
    image,
    keyId: key.keyId,
    signatureReference: where,
    signatureManifestDigest: pushed.digest,
    payload,
    signature: annotations[SIGNATURE_ANNOTATION],
    layerDigest: layer.digest,
    signatureCount: built.layers.length,
    alreadySigned: false,
    ...bundleFor(payload, signature, key),
  };
  if (timestamp) result.timestamp = timestamp;
  return result;
}

function sameSignedImage(payload: Buffer, digest: string): boolean {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { critical?: { image?: { 'docker-manifest-digest'?: unknown } } };
    return doc.critical?.image?.['docker-manifest-digest'] === digest;
  } catch {
    return false;
  }
}

function bundleFor(payload: Buffer, signature: Buffer, key: ResolvedSigningKey): { bundle?: SigstoreBundle } {
  const alg = messageDigestAlgorithm(key.publicKey);
  return alg ? { bundle: messageSignatureBundle(payload, signature, key.keyId, alg) } : {};
}
