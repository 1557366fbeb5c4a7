import { isDigest } from './digest';
import { ImageError } from './errors';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What we send in `Accept` when asking a registry for a manifest (schema 1 deliberately absent). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest].join(', ');

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const CONFIG_TYPES = new Set<string>([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);
const LAYER_TYPES = new Set<string>([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

export function isManifestMediaType(mediaType: string): boolean {
  return MANIFEST_TYPES.has(mediaType);
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  emptyLayer: boolean;
}

export interface ImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  diffIds: string[];
  history: HistoryEntry[];
  created?: string;
  env: string[];
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  exposedPorts: string[];
  labels: Record<string, string>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(bytes: Buffer, code: 'malformed-manifest' | 'malformed-config', what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ImageError(code, `${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(value)) throw new ImageError(code, `${what} is not a JSON object`);
  return value;
}

function optString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function stringRecord(v: Json | undefined): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function stringArray(v: Json | undefined): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

export function parsePlatformObject(v: Json | undefined): Platform | undefined {
  if (!isObject(v)) return undefined;
  const os = optString(v, 'os');
  const architecture = optString(v, 'architecture');
  if (!os || !architecture) return undefined;
  const variant = optString(v, 'variant');
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function parseDescriptor(v: Json | undefined, what: string): Descriptor {
  if (!isObject(v)) throw new ImageError('malformed-manifest', `${what}: descriptor is not an object`);
  const mediaType = optString(v, 'mediaType');
  const digest = v.digest;
  const size = v.size;
  if (!mediaType) throw new ImageError('malformed-manifest', `${what}: descriptor without mediaType`);
  if (!isDigest(digest)) throw new ImageError('malformed-manifest', `${what}: descriptor with an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ImageError('malformed-manifest', `${what}: descriptor ${digest} has an invalid size`);
  }
  const d: Descriptor = { mediaType, digest, size };
  const platform = parsePlatformObject(v.platform);
  if (platform) d.platform = platform;
  const annotations = stringRecord(v.annotations);
  if (annotations) d.annotations = annotations;
  const urls = stringArray(v.urls);
  if (urls && urls.length > 0) d.urls = urls;
  return d;
}

/**
 * Parses a manifest or an index. The media type comes from the document itself, then from the
 * transport (HTTP Content-Type, the referring descriptor), then from its shape.
 */
export function parseManifestDocument(bytes: Buffer, declaredType: string | undefined, what: string): ImageIndex | ImageManifest {
  const doc = parseJson(bytes, 'malformed-manifest', what);
  if (doc.schemaVersion === 1) {
    throw new ImageError('unsupported-media-type', `${what}: Docker schema 1 manifests are not supported`);
  }
  if (doc.schemaVersion !== 2) throw new ImageError('malformed-manifest', `${what}: schemaVersion must be 2`);
  const declared = declaredType?.split(';')[0].trim();
  let mediaType = optString(doc, 'mediaType') ?? (declared && declared !== 'application/json' ? declared : undefined);
  if (!mediaType) {
    if (Array.isArray(doc.manifests)) mediaType = MEDIA_TYPES.ociIndex;
    else if (isObject(doc.config) && Array.isArray(doc.layers)) mediaType = MEDIA_TYPES.ociManifest;
    else throw new ImageError('malformed-manifest', `${what}: neither a manifest nor an index`);
  }
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new ImageError('malformed-manifest', `${what}: index without a manifests array`);
    const manifests = doc.manifests.map((m, i) => parseDescriptor(m, `${what} manifests[${i}]`));
    const annotations = stringRecord(doc.annotations);
    return annotations ? { kind: 'index', mediaType, manifests, annotations } : { kind: 'index', mediaType, manifests };
  }
  if (MANIFEST_TYPES.has(mediaType)) {
    if (!Array.isArray(doc.layers)) throw new ImageError('malformed-manifest', `${what}: manifest without a layers array`);
    const config = parseDescriptor(doc.config, `${what} config`);
    if (!CONFIG_TYPES.has(config.mediaType)) {
      throw new ImageError('unsupported-media-type', `${what}: config media type ${config.mediaType} is not a container image (an artifact?)`);
    }
    const layers = doc.layers.map((l, i) => parseDescriptor(l, `${what} layers[${i}]`));
    for (const layer of layers) {
      if (!LAYER_TYPES.has(layer.mediaType)) {
        throw new ImageError('unsupported-media-type', `${what}: layer ${layer.digest} has unsupported media type ${layer.mediaType}`);
      }
    }
    return { kind: 'manifest', mediaType, config, layers };
  }
  throw new ImageError('unsupported-media-type', `${what}: unsupported media type ${mediaType}`);
}

export function parseImageConfig(bytes: Buffer, what: string): ImageConfig {
  const doc = parseJson(bytes, 'malformed-config', what);
  const os = optString(doc, 'os');
  const architecture = optString(doc, 'architecture');
  if (!os || !architecture) throw new ImageError('malformed-config', `${what}: os and architecture are required`);
  const rootfs = doc.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids)) throw new ImageError('malformed-config', `${what}: rootfs.diff_ids missing`);
  const diffIds = rootfs.diff_ids.map((d, i) => {
    if (!isDigest(d)) throw new ImageError('malformed-config', `${what}: rootfs.diff_ids[${i}] is not a digest`);
    return d;
  });
  const history: HistoryEntry[] = Array.isArray(doc.history)
    ? doc.history.filter(isObject).map((h) => ({
        created: optString(h, 'created'),
        createdBy: optString(h, 'created_by'),
        emptyLayer: h.empty_layer === true,
      }))
    : [];
  const cfg = isObject(doc.config) ? doc.config : {};
  const exposed = isObject(cfg.ExposedPorts) ? Object.keys(cfg.ExposedPorts) : [];
  const out: ImageConfig = {
    os,
    architecture,
    diffIds,
    history,
    env: stringArray(cfg.Env) ?? [],
    exposedPorts: exposed,
    labels: stringRecord(cfg.Labels) ?? {},
  };
  const variant = optString(doc, 'variant');
  if (variant) out.variant = variant;
  const created = optString(doc, 'created');
  if (created) out.created = created;
  const user = optString(cfg, 'User');
  if (user) out.user = user;
  const entrypoint = stringArray(cfg.Entrypoint);
  if (entrypoint) out.entrypoint = entrypoint;
  const cmd = stringArray(cfg.Cmd);
  if (cmd) out.cmd = cmd;
  const workingDir = optString(cfg, 'WorkingDir');
  if (workingDir) out.workingDir = workingDir;
  return out;
}

/** `created_by` of each non-empty history entry, aligned with the layers when the counts agree. */
export function layerHistory(config: ImageConfig, layerCount: number): (string | undefined)[] {
  const nonEmpty = config.history.filter((h) => !h.emptyLayer);
  if (nonEmpty.length !== layerCount) return new Array<string | undefined>(layerCount).fill(undefined);
  return nonEmpty.map((h) => h.createdBy);
}

const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8' };

/** `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/i.test(p))) {
    throw new ImageError('invalid-option', `platform must look like os/arch[/variant], got ${JSON.stringify(text)}`);
  }
  return parts[2] ? { os: parts[0], architecture: parts[1], variant: parts[2] } : { os: parts[0], architecture: parts[1] };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant === undefined) return true;
  const have = candidate.variant ?? DEFAULT_VARIANT[candidate.architecture];
  const want = wanted.variant ?? DEFAULT_VARIANT[wanted.architecture];
  return have === want;
}

export const DEFAULT_PLATFORM: Platform = Object.freeze({ os: 'linux', architecture: 'amd64' });
