import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { FileType, LayerRef } from '../model';
import { ByteReader } from './byte-reader';
import { AutoDecompress, UncompressedGuard, type ByteBudget } from './decompress';
import { DigestVerifier, verifyDigest } from './digest';
import { ImageError } from './errors';
import type { ImageLimits } from './limits';
import {
  DEFAULT_PLATFORM,
  formatPlatform,
  layerHistory,
  parseImageConfig,
  parseManifestDocument,
  platformMatches,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from './manifest';
import { normaliseHardlinkTarget, normaliseMemberName } from './paths';
import { readTar, type TarEntryType } from './tar.reader';

export type SourceKind = 'registry' | 'oci-layout' | 'oci-archive' | 'docker-archive' | 'rootfs';

export interface ResolvedLayer {
  ref: LayerRef;
  /** Size of the blob as stored. */
  size: number;
  mediaType: string;
}

export interface ResolvedImage {
  /** What the user asked for, normalised (`registry/repo:tag@digest`, `oci:/dir:tag`...). */
  reference: string;
  kind: SourceKind;
  manifestDigest?: string;
  manifestMediaType?: string;
  /** Digest of the index the manifest was picked from, when there was one. */
  indexDigest?: string;
  configDigest?: string;
  platform: Platform;
  config?: ImageConfig;
  layers: ResolvedLayer[];
}

export interface ResolveOptions {
  platform: Platform;
  /** True when the caller chose the platform: a single-platform image that differs is an error. */
  platformExplicit: boolean;
  limits: ImageLimits;
}

/** One entry of a layer, whatever the source (tar stream or directory walk). */
export interface LayerEntry {
  /** Normalised absolute in-image path. */
  path: string;
  type: FileType;
  rawType: TarEntryType;
  size: number;
  mode: number;
  /** Symlink target as stored; hardlink target normalised to an absolute in-image path. */
  linkTarget?: string;
  /** Reads the whole body; only called when `size <= maxBytes`. */
  read(maxBytes: number): Promise<Buffer>;
}

export interface LayerReadContext {
  limits: ImageLimits;
  /** Image-wide uncompressed byte budget. */
  budget: ByteBudget;
  /** Compressed (as stored) bytes read, for progress. */
  onBytes(n: number): void;
}

/**
 * Where images come from. Implementations: registry, OCI layout directory, oci-archive and
 * docker-archive tarballs (from a file or any re-openable stream), root filesystem directory.
 */
export interface ImageSource {
  readonly kind: SourceKind;
  readonly reference: string;
  resolve(options: ResolveOptions): Promise<ResolvedImage>;
  /** Streams a layer's entries once; verifies the blob (digest, size, diff_id) as it goes. */
  readLayer(image: ResolvedImage, layer: ResolvedLayer, ctx: LayerReadContext): AsyncGenerator<LayerEntry>;
  close(): Promise<void>;
}

/** Sources whose layers are blobs (everything but a root filesystem directory). */
export interface BlobReader {
  /** Raw blob bytes; the caller verifies them. `maxBytes` lets the reader refuse early. */
  openBlob(descriptor: Descriptor, maxBytes: number): Promise<Readable>;
}

/** Reads a small blob (manifest, config) fully, with a cap, and verifies its digest and size. */
export async function readSmallBlob(reader: BlobReader, descriptor: Descriptor, maxBytes: number, what: string): Promise<Buffer> {
  const tooLarge = what.includes('config') ? 'config-too-large' : 'manifest-too-large';
  if (descriptor.size > maxBytes) {
    throw new ImageError(tooLarge, `${what} ${descriptor.digest} declares ${descriptor.size} bytes, more than the limit of ${maxBytes}`);
  }
  const stream = await reader.openBlob(descriptor, maxBytes);
  const data = await readCapped(stream, maxBytes, tooLarge, what);
  if (data.length !== descriptor.size) {
    throw new ImageError('size-mismatch', `${what} ${descriptor.digest}: ${data.length} bytes, descriptor declares ${descriptor.size}`);
  }
  verifyDigest(data, descriptor.digest, what);
  return data;
}

/** Reads a stream to the end, failing (and destroying it) once it exceeds `maxBytes`. */
export async function readCapped(stream: Readable, maxBytes: number, code: 'manifest-too-large' | 'config-too-large', what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buf.length;
      if (total > maxBytes) {
        throw new ImageError(code, `${what} is larger than the limit of ${maxBytes} bytes`);
      }
      parts.push(buf);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts, total);
}

export interface ManifestLoader {
  /** Fetches a manifest or index by descriptor, verified against its digest. */
  loadManifest(descriptor: Descriptor, what: string): Promise<{ bytes: Buffer; contentType?: string }>;
}

export interface PickedManifest {
  manifest: ImageManifest;
  digest: string;
  bytes: Buffer;
  indexDigest?: string;
}

/**
 * Walks from a root document (an index or a manifest) down to one image manifest: picks the
 * platform in each index, refuses cycles and nesting deeper than the limit.
 */
export async function pickManifest(
  root: { doc: ImageIndex | ImageManifest; digest?: string; bytes: Buffer },
  loader: ManifestLoader,
  options: ResolveOptions,
  what: string,
): Promise<PickedManifest> {
  let current = root;
  let indexDigest: string | undefined;
  const seen = new Set<string>();
  if (root.digest) seen.add(root.digest);
  for (let depth = 0; ; depth++) {
    if (current.doc.kind === 'manifest') {
      return { manifest: current.doc, digest: current.digest ?? '', bytes: current.bytes, indexDigest };
    }
    if (depth >= options.limits.maxIndexDepth) {
      throw new ImageError('index-too-deep', `${what}: indexes nest deeper than ${options.limits.maxIndexDepth}`);
    }
    const child = choosePlatform(current.doc, options.platform, what);
    if (seen.has(child.digest)) {
      throw new ImageError('index-cycle', `${what}: index refers back to ${child.digest}`);
    }
    seen.add(child.digest);
    indexDigest ??= current.digest;
    const { bytes, contentType } = await loader.loadManifest(child, `${what} manifest ${child.digest}`);
    const doc = parseManifestDocument(bytes, contentType ?? child.mediaType, `${what} manifest ${child.digest}`);
    current = { doc, digest: child.digest, bytes };
  }
}

/** The index entry for `wanted`; entries without a platform count only when they are alone. */
export function choosePlatform(index: ImageIndex, wanted: Platform, what: string): Descriptor {
  const usable = index.manifests.filter((m) => m.platform?.os !== 'unknown');
  if (usable.length === 0) throw new ImageError('platform-not-found', `${what}: the index lists no image`);
  if (usable.length === 1 && !usable[0].platform) return usable[0];
  const match = usable.find((m) => m.platform && platformMatches(m.platform, wanted));
  if (match) return match;
  const available = usable.map((m) => (m.platform ? formatPlatform(m.platform) : '(unspecified)')).join(', ');
  throw new ImageError('platform-not-found', `${what}: no image for ${formatPlatform(wanted)} (available: ${available})`);
}

/** Loads and checks the config, and turns the manifest's layers into `ResolvedLayer`s. */
export async function resolveConfigAndLayers(
  manifest: ImageManifest,
  reader: BlobReader,
  options: ResolveOptions,
  what: string,
): Promise<{ config: ImageConfig; layers: ResolvedLayer[]; platform: Platform }> {
  if (manifest.layers.length > options.limits.maxLayers) {
    throw new ImageError('too-many-layers', `${what}: ${manifest.layers.length} layers, more than the limit of ${options.limits.maxLayers}`);
  }
  const configBytes = await readSmallBlob(reader, manifest.config, options.limits.maxConfigBytes, `${what} config`);
  const config = parseImageConfig(configBytes, `${what} config ${manifest.config.digest}`);
  if (config.diffIds.length !== manifest.layers.length) {
    throw new ImageError(
      'malformed-config',
      `${what}: config lists ${config.diffIds.length} diff_ids for ${manifest.layers.length} layers`,
    );
  }
  const platform: Platform = config.variant
    ? { os: config.os, architecture: config.architecture, variant: config.variant }
    : { os: config.os, architecture: config.architecture };
  checkPlatform(platform, options, what);
  const history = layerHistory(config, manifest.layers.length);
  const layers = manifest.layers.map((d, index): ResolvedLayer => {
    const ref: LayerRef = { digest: d.digest, diffId: config.diffIds[index], index };
    const createdBy = history[index];
    if (createdBy !== undefined) ref.createdBy = createdBy;
    return { ref, size: d.size, mediaType: d.mediaType };
  });
  return { config, layers, platform };
}

export function checkPlatform(platform: Platform, options: ResolveOptions, what: string): void {
  if (options.platformExplicit && !platformMatches(platform, options.platform)) {
    throw new ImageError(
      'platform-not-found',
      `${what} is a single ${formatPlatform(platform)} image, ${formatPlatform(options.platform)} was asked for`,
    );
  }
}

export function defaultResolveOptions(limits: ImageLimits): ResolveOptions {
  return { platform: DEFAULT_PLATFORM, platformExplicit: false, limits };
}

function fileTypeOf(t: TarEntryType): FileType {
  switch (t) {
    case 'file':
    case 'dir':
    case 'symlink':
    case 'hardlink':
      return t;
    default:
      return 'other';
  }
}

export interface BlobLayerOptions {
  /** The digest the stored blob must hash to (checked at the end of the stream), when known. */
  digest?: string;
  size?: number;
  /** When known, the uncompressed tar must hash to it. */
  diffId?: string;
  what: string;
}

/**
 * Raw blob → digest/size check → decompression (sniffed) → uncompressed caps and diff_id check
 * → tar entries. The whole blob is read even past the tar's end marker so that the digest is
 * always checked before the layer counts as read.
 */
export async function* blobLayerEntries(raw: Readable, opts: BlobLayerOptions, ctx: LayerReadContext): AsyncGenerator<LayerEntry> {
  const { limits } = ctx;
  const verifier = new DigestVerifier({
    digest: opts.digest,
    size: opts.size,
    maxBytes: limits.maxLayerBytes,
    what: opts.what,
    onBytes: (n) => ctx.onBytes(n),
  });
  const decompress = new AutoDecompress(opts.what, {
    maxRatio: limits.maxCompressionRatio,
    graceBytes: limits.compressionRatioGraceBytes,
    maxZstdWindow: limits.maxZstdWindowBytes,
  });
  const guard = new UncompressedGuard({
    what: opts.what,
    maxBytes: limits.maxUncompressedLayerBytes,
    budget: ctx.budget,
    maxRatio: limits.maxCompressionRatio,
    graceBytes: limits.compressionRatioGraceBytes,
    compressedBytes: () => verifier.bytesSeen,
    diffId: opts.diffId,
  });
  let pipelineError: unknown;
  const out = pipeline(raw, verifier, decompress, guard, (err) => {
    if (err) pipelineError = err;
  });
  const reader = new ByteReader(out, opts.what);
  try {
    for await (const entry of readTar(reader, {
      what: opts.what,
      maxEntries: limits.maxEntriesPerLayer,
      maxPathLength: limits.maxPathLength,
      maxPaxHeaderBytes: limits.maxPaxHeaderBytes,
    })) {
      const h = entry.header;
      const path = normaliseMemberName(h.name, limits.maxPathLength);
      const type = fileTypeOf(h.type);
      let linkTarget: string | undefined;
      if (h.type === 'symlink') linkTarget = h.linkName;
      else if (h.type === 'hardlink') linkTarget = normaliseHardlinkTarget(h.linkName, limits.maxPathLength);
      const item: LayerEntry = {
        path,
        type,
        rawType: h.type,
        size: type === 'file' ? h.size : 0,
        mode: h.mode,
        read: (max) => entry.readAll(max),
      };
      if (linkTarget !== undefined) item.linkTarget = linkTarget;
      yield item;
    }
    // Verification happens when the pipeline ends: consume everything after the tar end marker.
    await reader.drain();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (pipelineError) throw pipelineError;
  } catch (err) {
    throw pipelineError instanceof ImageError ? pipelineError : err;
  } finally {
    await reader.close();
    out.destroy();
    raw.destroy();
  }
}
