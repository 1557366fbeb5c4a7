import { keySigner, makeStatement, signStatement, type DsseEnvelope, type Statement } from '@lazaret/crypto';
import {
  appendSignatureLayers,
  cosignTag,
  DSSE_MEDIA_TYPE,
  goTime,
  OCI_EMPTY,
  OCI_MANIFEST,
  parseArtifactManifest,
  PREDICATE_TYPE_ANNOTATION,
  serializeManifest,
  SIGNATURE_ANNOTATION,
  TIMESTAMP_ANNOTATION,
  type OciDescriptor,
} from './cosign.layout';
import { digestSet, sha256Digest } from './digest.util';
import { TrustError } from './errors';
import { resolveSigningKey, type SigningKey } from './image-signature.signer';
import { imageTarget, repositoryName, viaRegistry, type ArtifactLocation, type ImageTarget, type OciStore } from './oci-store.port';
import { assertKnownPredicate } from './predicates';
import { dsseBundle, type SigstoreBundle } from './sigstore-bundle.codec';
import { encodeTimestampToken, type TimestampAuthority, type TimestampToken } from './timestamp.authority';

export const EMPTY_CONFIG = Buffer.from('{}');

export interface AttestOptions {
  image: ImageTarget;
  key: SigningKey;
  store: OciStore;
  location?: ArtifactLocation;
  predicateType: string;
  predicate: unknown;
  timestampAuthority?: TimestampAuthority;
  /**
   * `auto` (default): also push an OCI 1.1 referrer (manifest with `subject`) when the registry
   * implements the referrers API; `never`: the cosign `.att` tag only. The `.att` tag is always
   * written, so cosign and registries without referrers see the attestation too.
   */
  referrers?: 'auto' | 'never';
  now?: Date;
}

export interface AttestationResult {
  image: ImageTarget;
  keyId: string;
  predicateType: string;
  statement: Statement;
  envelope: DsseEnvelope;
  /** The envelope as stored in the layer. */
  envelopeBytes: Buffer;
  layerDigest: string;
  attestationReference: string;
  attestationManifestDigest: string;
  /** Digest of the OCI 1.1 referrer manifest when one was pushed and indexed. */
  referrerManifestDigest?: string;
  referrersSupported: boolean;
  timestamp?: TimestampToken;
  /** The attestation as a Sigstore bundle v0.3 (dsseEnvelope + publicKey hint). */
  bundle: SigstoreBundle;
}

/** An in-toto Statement v1 about one image, signed into a DSSE envelope with one signature. */
export async function signAttestation(image: ImageTarget, key: SigningKey, predicateType: string, predicate: unknown): Promise<{ statement: Statement; envelope: DsseEnvelope; keyId: string }> {
  if (typeof predicateType !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(predicateType)) throw new TrustError('invalid-argument', 'predicateType must be a URI');
  assertKnownPredicate(predicateType, predicate);
  const k = resolveSigningKey(key);
  const statement = makeStatement([{ name: repositoryName(image), digest: digestSet(image.digest) }], predicateType, predicate);
  const envelope = await signStatement(statement, [keySigner(k.privateKey, k.keyId)]);
  return { statement, envelope, keyId: k.keyId };
}

/**
 * Signs a statement about the image and stores it as cosign does (`sha256-<hex>.att`, a
 * `application/vnd.dsse.envelope.v1+json` layer annotated with its `predicateType`), appended to
 * the attestations already there; plus an OCI 1.1 referrer when the registry supports it.
 */
export async function attachAttestation(opts: AttestOptions): Promise<AttestationResult> {
  const image = imageTarget(opts.image?.registry, opts.image?.repository, opts.image?.digest);
  const now = opts.now ?? new Date();
  const location = opts.location ?? { store: opts.store, repository: image.repository };
  const { statement, envelope, keyId } = await signAttestation(image, opts.key, opts.predicateType, opts.predicate);
  const envelopeBytes = Buffer.from(JSON.stringify(envelope), 'utf8');
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: opts.predicateType };
  let timestamp: TimestampToken | undefined;
  if (opts.timestampAuthority) {
    timestamp = await opts.timestampAuthority.stamp(Buffer.from(envelope.signatures[0].sig, 'base64'));
    annotations[TIMESTAMP_ANNOTATION] = encodeTimestampToken(timestamp);
  }
  const layer: OciDescriptor = { mediaType: DSSE_MEDIA_TYPE, size: envelopeBytes.length, digest: sha256Digest(envelopeBytes), annotations };
  const tag = cosignTag(image.digest, 'att');
  const where = `${location.store.registry}/${location.repository}:${tag}`;
  const existing = await viaRegistry(`reading ${where}`, () => location.store.getManifest(location.repository, tag));
  const doc = existing ? parseArtifactManifest(existing.bytes, `attestation manifest ${where}`) : undefined;
  const built = appendSignatureLayers(doc, [layer], goTime(now));
  await viaRegistry(`uploading to ${location.store.registry}/${location.repository}`, async () => {
    await location.store.putBlob(location.repository, envelopeBytes);
    await location.store.putBlob(location.repository, built.config);
  });
  const pushed = await viaRegistry(`writing ${where}`, () => location.store.putManifest(location.repository, tag, built.manifest, built.manifestMediaType));

  const result: AttestationResult = {
    image,
    keyId,
    predicateType: opts.predicateType,
    statement,
    envelope,
    envelopeBytes,
    layerDigest: layer.digest,
    attestationReference: where,
    attestationManifestDigest: pushed.digest,
    referrersSupported: false,
    bundle: dsseBundle(envelope, keyId),
  };
  if (timestamp) result.timestamp = timestamp;

  // Referrers live in the subject's own repository.
  const sameRepo = location.store === opts.store && location.repository === image.repository;
  if (opts.referrers !== 'never' && sameRepo && opts.store.listReferrers) {
    const listed = await viaRegistry(`asking ${opts.store.registry} for referrers`, () => opts.store.listReferrers!(image.repository, image.digest));
    if (listed !== undefined) {
      result.referrersSupported = true;
      const subject = await viaRegistry(`reading ${image.registry}/${image.repository}@${image.digest}`, () => opts.store.getManifest(image.repository, image.digest));
      if (!subject) throw new TrustError('registry-error', `image ${image.registry}/${image.repository}@${image.digest} is not in the registry`);
      const referrer = serializeManifest({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: DSSE_MEDIA_TYPE,
        config: { mediaType: OCI_EMPTY, size: EMPTY_CONFIG.length, digest: sha256Digest(EMPTY_CONFIG) },
        layers: [layer],
        subject: { mediaType: subject.mediaType, size: subject.bytes.length, digest: image.digest },
        annotations: { [PREDICATE_TYPE_ANNOTATION]: opts.predicateType, 'org.opencontainers.image.created': goTime(now) },
      });
      await viaRegistry('uploading the referrer', () => opts.store.putBlob(image.repository, EMPTY_CONFIG));
      const ref = await viaRegistry('writing the referrer', () => opts.store.putManifest(image.repository, sha256Digest(referrer), referrer, OCI_MANIFEST));
      result.referrerManifestDigest = ref.digest;
    }
  }
  return result;
}
