import { assertImageDigest, isImageDigest, sha256Digest } from './digest.util';
import { TrustError } from './errors';

/**
 * cosign's registry layout (sigstore/cosign `pkg/oci`, `pkg/cosign`): signatures, attestations
 * and SBOMs of image `repo@sha256:<hex>` live in the same (or another, `COSIGN_REPOSITORY`)
 * repository under the tags `sha256-<hex>.sig`, `.att` and `.sbom`. Each tag holds an OCI image
 * manifest whose layers are the signed things (one layer per signature, appended), with an
 * image config built the way go-containerregistry's `mutate.Append` builds one on `empty.Image`.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
/** Our trusted-timestamp token on a signature or attestation layer (see timestamp.authority.ts). */
export const TIMESTAMP_ANNOTATION = 'dev.lazaret.trust/timestamp';
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export type ArtifactKind = 'sig' | 'att' | 'sbom';

/** `sha256:abc…` → `sha256-abc….sig` (or `.att`, `.sbom`). */
export function cosignTag(digest: string, kind: ArtifactKind): string {
  assertImageDigest(digest);
  return `${digest.replace(':', '-')}.${kind}`;
}

export interface OciDescriptor {
  mediaType: string;
  size: number;
  digest: string;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface OciManifestDoc {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  subject?: OciDescriptor;
  annotations?: Record<string, string>;
}

/** JSON string escaping as Go's encoding/json does it (HTML-safe <, >, &; U+2028/2029). */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goStringMap(m: Record<string, string>): string {
  // Go sorts map keys by their UTF-8 bytes.
  const keys = Object.keys(m).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `{${keys.map((k) => `${goString(k)}:${goString(m[k])}`).join(',')}}`;
}

/** A descriptor in go-containerregistry's field order. */
export function serializeDescriptor(d: OciDescriptor): string {
  let out = `{"mediaType":${goString(d.mediaType)},"size":${d.size},"digest":${goString(d.digest)}`;
  if (d.annotations && Object.keys(d.annotations).length > 0) out += `,"annotations":${goStringMap(d.annotations)}`;
  if (d.artifactType) out += `,"artifactType":${goString(d.artifactType)}`;
  return `${out}}`;
}

/** A manifest in go-containerregistry's field order (what cosign pushes, byte for byte). */
export function serializeManifest(m: OciManifestDoc): Buffer {
  let out = `{"schemaVersion":2,"mediaType":${goString(m.mediaType)}`;
  if (m.artifactType) out += `,"artifactType":${goString(m.artifactType)}`;
  out += `,"config":${serializeDescriptor(m.config)},"layers":[${m.layers.map(serializeDescriptor).join(',')}]`;
  if (m.annotations && Object.keys(m.annotations).length > 0) out += `,"annotations":${goStringMap(m.annotations)}`;
  if (m.subject) out += `,"subject":${serializeDescriptor(m.subject)}`;
  return Buffer.from(`${out}}`, 'utf8');
}

/**
 * The image config of a signature image: go-containerregistry's empty image with one
 * `diff_ids` entry and one zero-time history entry per layer, `created` set when written
 * (cosign sets it to the signing time).
 */
export function signatureConfig(layerDigests: readonly string[], created: string): Buffer {
  const history = layerDigests.map(() => `{"created":"${ZERO_TIME}"}`).join(',');
  const diffIds = layerDigests.map((d) => goString(d)).join(',');
  return Buffer.from(
    `{"architecture":"","created":${goString(created)},"history":[${history}],"os":"","rootfs":{"type":"layers","diff_ids":[${diffIds}]},"config":{}}`,
    'utf8',
  );
}

/** Go's time.Time JSON form for a Date (RFC 3339, UTC, fractional seconds without trailing zeros). */
export function goTime(date: Date): string {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
  return iso.replace(/\.(\d+)Z$/, (_m, frac: string) => {
    const trimmed = frac.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}

export interface BuiltSignatureImage {
  manifest: Buffer;
  manifestMediaType: string;
  config: Buffer;
  layers: OciDescriptor[];
}

/**
 * Appends layers to an existing signature manifest (or starts one). Existing layers are kept
 * as they are, in order: several signatures share one manifest, as cosign does it.
 */
export function appendSignatureLayers(existing: OciManifestDoc | undefined, added: readonly OciDescriptor[], created: string): BuiltSignatureImage {
  const layers = [...(existing?.layers ?? []), ...added];
  const docker = existing?.mediaType === DOCKER_MANIFEST;
  const config = signatureConfig(
    layers.map((l) => l.digest),
    created,
  );
  const manifestMediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = serializeManifest({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: { mediaType: docker ? DOCKER_CONFIG : OCI_CONFIG, size: config.length, digest: sha256Digest(config) },
    layers,
  });
  return { manifest, manifestMediaType, config, layers };
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function parseDescriptor(v: unknown, what: string): OciDescriptor {
  const d = v as Partial<OciDescriptor> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new TrustError('malformed-signature', `${what} is not an object`);
  if (typeof d.mediaType !== 'string' || d.mediaType === '') throw new TrustError('malformed-signature', `${what} has no mediaType`);
  if (!isImageDigest(d.digest)) throw new TrustError('malformed-signature', `${what} has a malformed digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new TrustError('malformed-signature', `${what} has a malformed size`);
  const out: OciDescriptor = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  if (d.annotations !== undefined) {
    if (!isStringMap(d.annotations)) throw new TrustError('malformed-signature', `${what} annotations must map strings to strings`);
    out.annotations = { ...d.annotations };
  }
  if (typeof d.artifactType === 'string') out.artifactType = d.artifactType;
  return out;
}

/** Parses a signature/attestation manifest (OCI or Docker v2). Throws `malformed-signature`. */
export function parseArtifactManifest(bytes: Buffer, what = 'signature manifest'): OciManifestDoc {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TrustError('malformed-signature', `${what} is not valid JSON`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TrustError('malformed-signature', `${what} is not a JSON object`);
  if (doc.schemaVersion !== 2) throw new TrustError('malformed-signature', `${what}: schemaVersion must be 2`);
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : OCI_MANIFEST;
  if (mediaType !== OCI_MANIFEST && mediaType !== DOCKER_MANIFEST) throw new TrustError('malformed-signature', `${what}: unsupported media type ${mediaType}`);
  if (!Array.isArray(doc.layers)) throw new TrustError('malformed-signature', `${what} has no layers list`);
  const out: OciManifestDoc = {
    schemaVersion: 2,
    mediaType,
    config: parseDescriptor(doc.config, `${what} config`),
    layers: doc.layers.map((l, i) => parseDescriptor(l, `${what} layer ${i}`)),
  };
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  if (doc.subject !== undefined) out.subject = parseDescriptor(doc.subject, `${what} subject`);
  if (doc.annotations !== undefined && isStringMap(doc.annotations)) out.annotations = doc.annotations;
  return out;
}
