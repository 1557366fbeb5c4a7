import { ImageError } from './errors';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Bounds applied to every image, whatever its source. The defaults are meant to accept real
 * images (large distributions, many layers) and to stop hostile ones before they cost more than
 * a few hundred MiB of memory or an unbounded amount of time.
 */
export interface ImageLimits {
  /** Largest manifest or index document accepted. */
  maxManifestBytes: number;
  /** Largest image config document accepted. */
  maxConfigBytes: number;
  /** Largest small metadata file in an archive (index.json, manifest.json, oci-layout). */
  maxMetadataBytes: number;
  /** How many indexes may nest (top-level index → index → manifest is depth 2). */
  maxIndexDepth: number;
  maxLayers: number;
  /** Largest layer blob as stored (usually compressed). */
  maxLayerBytes: number;
  /** Largest uncompressed layer tar. */
  maxUncompressedLayerBytes: number;
  /** Sum of all uncompressed layers read for one image. */
  maxUncompressedImageBytes: number;
  /** Uncompressed/compressed ratio above which a layer is treated as a decompression bomb... */
  maxCompressionRatio: number;
  /** ...once it has produced at least this many uncompressed bytes (small layers compress well). */
  compressionRatioGraceBytes: number;
  /** Largest zstd window accepted (the decompressor allocates it up front); zstd's own default cap is 128 MiB. */
  maxZstdWindowBytes: number;
  /** Tar entries in one layer (including directories, links and whiteouts). */
  maxEntriesPerLayer: number;
  /** Tar entries over all layers of an image. */
  maxEntriesPerImage: number;
  /** Longest path (GNU long name, PAX path) accepted. */
  maxPathLength: number;
  /** Largest PAX extended header. */
  maxPaxHeaderBytes: number;
  /** Symlinks followed when resolving one path. */
  maxSymlinkHops: number;
  /** Milliseconds to wait for a registry's response headers or small body. */
  requestTimeoutMs: number;
  /** Milliseconds a blob download may stall without receiving a byte. */
  idleTimeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxManifestBytes: 4 * MiB,
  maxConfigBytes: 4 * MiB,
  maxMetadataBytes: 4 * MiB,
  maxIndexDepth: 4,
  maxLayers: 256,
  maxLayerBytes: 8 * GiB,
  maxUncompressedLayerBytes: 16 * GiB,
  maxUncompressedImageBytes: 32 * GiB,
  maxCompressionRatio: 100,
  compressionRatioGraceBytes: 64 * MiB,
  maxZstdWindowBytes: 32 * MiB,
  maxEntriesPerLayer: 500_000,
  maxEntriesPerImage: 1_000_000,
  maxPathLength: 16 * 1024,
  maxPaxHeaderBytes: 1 * MiB,
  maxSymlinkHops: 40,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  maxRedirects: 5,
});

/** Defaults overridden by the caller's values; rejects nonsense (negative, NaN, zero where it matters). */
export function resolveLimits(overrides?: Partial<ImageLimits>): ImageLimits {
  const limits: ImageLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new ImageError('invalid-option', `unknown image limit "${key}"`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ImageError('invalid-option', `image limit "${key}" must be a non-negative number, got ${String(value)}`);
    }
    limits[key as keyof ImageLimits] = value;
  }
  return limits;
}
