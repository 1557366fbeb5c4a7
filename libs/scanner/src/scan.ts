import type { Cataloger, FileInfo, LayerRef, OsRelease, Package, ScanNote } from './model';
import { CatalogerSet } from './image/cataloger-set';
import type { ByteBudget } from './image/decompress';
import { ImageError } from './image/errors';
import type { ImageSource, LayerReadContext, ResolvedImage, ResolvedLayer } from './image/image-source';
import { layerCacheKey, type LayerCache } from './image/layer-cache';
import { analyzeFile, analyzeLayer, type LayerAnalysis, type StoredResult } from './image/layer.analyzer';
import { resolveLimits, type ImageLimits } from './image/limits';
import { DEFAULT_PLATFORM, parsePlatform, type ImageConfig, type Platform } from './image/manifest';
import { MergedFilesystem, type ImageFile } from './image/merge';
import { openImageSource, type OpenSourceOptions } from './image/open-source';
import { osReleasePriority } from './catalog/os/os-release/os-release.cataloger';

export interface ImageLayer extends LayerRef {
  /** Size of the layer as stored (compressed for registries and OCI layouts). */
  size: number;
  mediaType: string;
  /** True when the analysis came from the layer cache (the blob was not read). */
  cached: boolean;
  /** Tar entries in the layer (including whiteouts). */
  entries: number;
}

export interface ImageCatalog {
  reference: string;
  source: ImageSource['kind'];
  manifestDigest?: string;
  /** Digest of the index (manifest list) the platform was picked from. */
  indexDigest?: string;
  configDigest?: string;
  platform: Platform;
  config?: ImageConfig;
  layers: ImageLayer[];
  os?: OsRelease;
  /** Packages of the final filesystem; `layerDigest` says which layer introduced each. */
  packages: Package[];
  notes: ScanNote[];
  /** The final filesystem, when `includeFiles` was asked for. */
  files?: ImageFile[];
  /** Entries in the final filesystem. */
  fileCount: number;
}

export interface ScanProgress {
  phase: 'resolving' | 'reading' | 'merging' | 'done';
  /** Stored (compressed) bytes read or served from the cache so far. */
  bytesRead: number;
  /** Stored size of all layers. */
  bytesTotal: number;
  layerIndex?: number;
  layerDigest?: string;
  cached?: boolean;
}

export interface CatalogImageOptions extends OpenSourceOptions {
  /** A list (e.g. `defaultCatalogers()`) or anything with `list()` (the catalog's `CatalogerRegistry`). */
  catalogers?: Iterable<Cataloger> | { list(): Cataloger[] };
  cache?: LayerCache;
  /** `linux/arm64/v8` or a Platform; default linux/amd64 (single-platform images are accepted as they are). */
  platform?: string | Platform;
  onProgress?: (p: ScanProgress) => void;
  limits?: Partial<ImageLimits>;
  /** Return the final file listing (can be large). */
  includeFiles?: boolean;
  signal?: AbortSignal;
}

function packageKey(p: Package): string {
  return `${p.type}\0${p.namespace ?? ''}\0${p.name}\0${p.version}`;
}

/**
 * Reads an image once, layer by layer, runs the catalogers on the files they ask for, and merges
 * the per-layer results into the final filesystem's packages.
 *
 * `source` is an `ImageSource` or a string understood by `openImageSource` (registry reference,
 * `oci:DIR[:TAG]`, `oci-archive:FILE`, `docker-archive:FILE`, `rootfs:DIR`, or a bare path).
 */
export async function catalogImage(source: ImageSource | string, options: CatalogImageOptions = {}): Promise<ImageCatalog> {
  const limits = resolveLimits(options.limits);
  const given = options.catalogers ?? [];
  const registry = new CatalogerSet(Symbol.iterator in given ? given : given.list());
  const platformExplicit = options.platform !== undefined;
  const platform = typeof options.platform === 'string' ? parsePlatform(options.platform) : (options.platform ?? DEFAULT_PLATFORM);
  const src = typeof source === 'string' ? await openImageSource(source, { ...options, limits }) : source;
  try {
    return await runScan(src, registry, limits, platform, platformExplicit, options);
  } finally {
    if (typeof source === 'string') await src.close();
  }
}

async function runScan(
  src: ImageSource,
  registry: CatalogerSet,
  limits: ImageLimits,
  platform: Platform,
  platformExplicit: boolean,
  options: CatalogImageOptions,
): Promise<ImageCatalog> {
  const notes: ScanNote[] = [];
  let bytesRead = 0;
  const progress = (p: Omit<ScanProgress, 'bytesRead' | 'bytesTotal'>, total: number): void => {
    options.onProgress?.({ ...p, bytesRead, bytesTotal: total });
  };
  progress({ phase: 'resolving' }, 0);
  const image = await src.resolve({ platform, platformExplicit, limits });
  const bytesTotal = image.layers.reduce((n, l) => n + l.size, 0);
  const budget: ByteBudget = { used: 0, max: limits.maxUncompressedImageBytes };
  let imageEntries = 0;
  const interpretWhiteouts = src.kind !== 'rootfs';
  const fingerprint = registry.fingerprint();

  const context = (layer: ResolvedLayer): LayerReadContext => {
    let sinceReport = 0;
    return {
      limits,
      budget,
      onBytes: (n) => {
        bytesRead += n;
        sinceReport += n;
        if (sinceReport >= 1 << 20) {
          sinceReport = 0;
          progress({ phase: 'reading', layerIndex: layer.ref.index, layerDigest: layer.ref.digest, cached: false }, bytesTotal);
        }
      },
    };
  };
  async function* counted<T>(entries: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const e of entries) {
      if (++imageEntries > limits.maxEntriesPerImage) {
        throw new ImageError('too-many-entries', `${image.reference}: more than ${limits.maxEntriesPerImage} entries over all layers`);
      }
      yield e;
    }
  }

  const analyses: LayerAnalysis[] = [];
  const layers: ImageLayer[] = [];
  for (const layer of image.layers) {
    if (options.signal?.aborted) throw new ImageError('aborted', 'scan aborted');
    const key = layerCacheKey(layer.ref.digest, fingerprint, interpretWhiteouts);
    let analysis = await options.cache?.get(key);
    const cached = analysis !== undefined;
    if (analysis) {
      bytesRead += layer.size;
      imageEntries += analysis.entryCount;
      if (imageEntries > limits.maxEntriesPerImage) {
        throw new ImageError('too-many-entries', `${image.reference}: more than ${limits.maxEntriesPerImage} entries over all layers`);
      }
    } else {
      const before = bytesRead;
      analysis = await analyzeLayer(counted(src.readLayer(image, layer, context(layer))), layer.ref, registry, {
        interpretWhiteouts,
        maxSymlinkHops: limits.maxSymlinkHops,
        signal: options.signal,
      });
      // Directory sources report file bytes; make the total come out exact either way.
      bytesRead = before + layer.size;
      await options.cache?.set(key, analysis);
    }
    progress({ phase: 'reading', layerIndex: layer.ref.index, layerDigest: layer.ref.digest, cached }, bytesTotal);
    analyses.push(analysis);
    layers.push({ ...layer.ref, size: layer.size, mediaType: layer.mediaType, cached, entries: analysis.entryCount });
    notes.push(...analysis.notes);
  }

  progress({ phase: 'merging' }, bytesTotal);
  const fs = MergedFilesystem.build(analyses);
  const finalResults: { layer: number; result: StoredResult }[] = [...fs.results()];
  finalResults.push(...(await resolveLinks(src, image, fs, registry, limits, context, notes)));

  // Deterministic order: cataloger registration order, then path.
  finalResults.sort(
    (a, b) => registry.rank(a.result.catalogerId) - registry.rank(b.result.catalogerId) || a.result.path.localeCompare(b.result.path),
  );

  // The lowest layer in which each (type, name, version) appears, over all layers' results.
  const firstSeen = new Map<string, number>();
  analyses.forEach((a, index) => {
    for (const r of [...a.results, ...a.linkResults]) {
      for (const p of r.result.packages) {
        const k = packageKey(p);
        if (!firstSeen.has(k)) firstSeen.set(k, index);
      }
    }
  });

  const packages: Package[] = [];
  let os: OsRelease | undefined;
  let osRank = Number.POSITIVE_INFINITY;
  for (const { layer, result } of finalResults) {
    // Several files may name the OS (/etc/os-release, /usr/lib/os-release, /etc/debian_version):
    // the most authoritative wins, then the first in cataloger order.
    const rank = osReleasePriority(result.path) ?? 1000;
    if (result.result.os && rank < osRank) {
      os = result.result.os;
      osRank = rank;
    }
    for (const note of result.result.notes ?? []) notes.push(note);
    for (const p of result.result.packages) {
      const introduced = Math.min(firstSeen.get(packageKey(p)) ?? layer, layer);
      packages.push({ ...p, layerDigest: image.layers[introduced]?.ref.digest ?? p.layerDigest });
    }
  }

  const catalog: ImageCatalog = {
    reference: image.reference,
    source: image.kind,
    platform: image.platform,
    layers,
    packages,
    notes,
    fileCount: 0,
  };
  if (image.manifestDigest) catalog.manifestDigest = image.manifestDigest;
  if (image.indexDigest) catalog.indexDigest = image.indexDigest;
  if (image.configDigest) catalog.configDigest = image.configDigest;
  if (image.config) catalog.config = image.config;
  if (os) catalog.os = os;
  const files: ImageFile[] = [];
  for (const f of fs.files()) {
    catalog.fileCount++;
    if (options.includeFiles) files.push(f);
  }
  if (options.includeFiles) catalog.files = files;
  options.onProgress?.({ phase: 'done', bytesRead: bytesTotal, bytesTotal });
  return catalog;
}

/**
 * Symlinks and hardlinks that catalogers asked for, resolved in the final filesystem. Results
 * computed while streaming (target later in the same layer) are used when still valid; the
 * rest are read by streaming the target's layer again, for just those files.
 */
async function resolveLinks(
  src: ImageSource,
  image: ResolvedImage,
  fs: MergedFilesystem,
  registry: CatalogerSet,
  limits: ImageLimits,
  context: (layer: ResolvedLayer) => LayerReadContext,
  notes: ScanNote[],
): Promise<{ layer: number; result: StoredResult }[]> {
  const out: { layer: number; result: StoredResult }[] = [];
  // layer index → target path → [{link path, cataloger ids}]
  const rereads = new Map<number, Map<string, { link: string; catalogerIds: string[] }[]>>();
  for (const req of fs.linkRequests()) {
    let target: { path: string; layer: number; type: string } | undefined;
    if (req.type === 'hardlink') {
      const f = req.linkTarget !== undefined ? fs.get(req.linkTarget) : undefined;
      if (f) target = { path: f.path, layer: f.layer, type: f.type };
      else notes.push({ level: 'info', code: 'dangling-hardlink', message: `${req.request.path}: target ${req.linkTarget} is not in the image`, path: req.request.path });
    } else {
      const r = fs.resolve(req.request.path, limits.maxSymlinkHops);
      if (r.ok) target = { path: r.path, layer: r.file.layer, type: r.file.type };
      else notes.push(r.note);
    }
    if (!target || target.type !== 'file') continue;
    const missing: string[] = [];
    for (const id of req.request.catalogerIds) {
      const ready =
        req.layer === target.layer ? req.linkResults.find((r) => r.catalogerId === id && r.target === target.path) : undefined;
      if (ready) out.push({ layer: target.layer, result: ready });
      else missing.push(id);
    }
    if (missing.length === 0) continue;
    const byPath = rereads.get(target.layer) ?? new Map<string, { link: string; catalogerIds: string[] }[]>();
    const list = byPath.get(target.path) ?? [];
    list.push({ link: req.request.path, catalogerIds: missing });
    byPath.set(target.path, list);
    rereads.set(target.layer, byPath);
  }

  for (const [index, byPath] of [...rereads].sort((a, b) => a[0] - b[0])) {
    const layer = image.layers[index];
    // Read to the end even when everything was found: the blob's digest is checked at its end.
    for await (const entry of src.readLayer(image, layer, context(layer))) {
      const wanted = byPath.get(entry.path);
      if (!wanted || entry.type !== 'file') continue;
      byPath.delete(entry.path);
      let content: Buffer | undefined;
      const read = async (max: number): Promise<Buffer> => (content ??= await entry.read(max));
      const info: FileInfo = { path: entry.path, type: 'file', size: entry.size, mode: entry.mode };
      const all = wanted.flatMap((w) => w.catalogerIds.map((id) => registry.get(id))).filter((c) => c !== undefined);
      const fitting = all.filter((c) => entry.size <= c.maxFileSize);
      if (fitting.length > 0) await read(Math.max(...fitting.map((c) => c.maxFileSize)));
      for (const w of wanted) {
        const catalogers = w.catalogerIds.map((id) => registry.get(id)).filter((c) => c !== undefined);
        for (const r of await analyzeFile(catalogers, info, read, layer.ref, w.link)) {
          out.push({ layer: index, result: { ...r, target: entry.path } });
        }
      }
    }
  }
  return out;
}
