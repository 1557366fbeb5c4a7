import type { CatalogResult, Cataloger, FileInfo, FileType, LayerRef, ScanNote } from '../model';
import type { CatalogerSet } from './cataloger-set';
import { ImageError } from './errors';
import type { LayerEntry } from './image-source';
import { classifyWhiteout, symlinkTarget } from './paths';

/** Compact, JSON-friendly file record: [path, type, size, mode, linkTarget?]. */
export type LayerFile = [string, FileType, number, number, string?];

export interface StoredResult {
  /** The path the cataloger was told about (for a resolved symlink: the link's path). */
  path: string;
  catalogerId: string;
  result: CatalogResult;
  /** For results read through a symlink: the path of the file actually read. */
  target?: string;
}

export interface LinkRequest {
  path: string;
  catalogerIds: string[];
}

/** Everything one layer contributes; cached by layer digest + cataloger set. */
export interface LayerAnalysis {
  format: 1;
  digest: string;
  files: LayerFile[];
  whiteouts: string[];
  opaqueDirs: string[];
  results: StoredResult[];
  /** Results for symlinks whose target was found (and read) later in the same layer. */
  linkResults: StoredResult[];
  /** Symlinks and hardlinks a cataloger wants: resolved against the final filesystem. */
  linkRequests: LinkRequest[];
  notes: ScanNote[];
  entryCount: number;
}

export interface AnalyzeLayerOptions {
  /** False for a plain directory: `.wh.` names are ordinary files there. */
  interpretWhiteouts: boolean;
  maxSymlinkHops: number;
  signal?: AbortSignal;
}

function toInfo(e: LayerEntry): FileInfo {
  const info: FileInfo = { path: e.path, type: e.type, size: e.size, mode: e.mode };
  if (e.linkTarget !== undefined) info.linkTarget = e.linkTarget;
  return info;
}

/** Asks every cataloger; a cataloger that throws is treated as not interested, with a note. */
export function wantedBy(registry: CatalogerSet, info: FileInfo, notes: ScanNote[]): Cataloger[] {
  const out: Cataloger[] = [];
  for (const c of registry.list) {
    try {
      if (c.required(info)) out.push(c);
    } catch (err) {
      notes.push({ level: 'warning', code: 'cataloger-error', message: `${c.id}.required threw: ${(err as Error).message}`, path: info.path });
    }
  }
  return out;
}

export function tooLargeResult(c: Cataloger, info: FileInfo): CatalogResult {
  return {
    packages: [],
    notes: [
      {
        level: 'warning',
        code: 'file-too-large',
        message: `${info.path} is ${info.size} bytes, more than ${c.id} reads (${c.maxFileSize})`,
        path: info.path,
      },
    ],
  };
}

export async function runCataloger(c: Cataloger, info: FileInfo, content: Buffer, layer: LayerRef): Promise<CatalogResult> {
  try {
    const result = await c.analyze({ info, content: content.length > c.maxFileSize ? content.subarray(0, c.maxFileSize) : content, layer });
    return { packages: result.packages ?? [], ...(result.os ? { os: result.os } : {}), ...(result.notes?.length ? { notes: result.notes } : {}) };
  } catch (err) {
    return {
      packages: [],
      notes: [{ level: 'warning', code: 'cataloger-error', message: `${c.id} failed on ${info.path}: ${(err as Error).message}`, path: info.path }],
    };
  }
}

/**
 * Buffers a file for the catalogers that want it (up to the largest of their limits) and runs
 * them. Catalogers whose limit the file exceeds get a `file-too-large` note instead.
 */
export async function analyzeFile(
  wanted: Cataloger[],
  info: FileInfo,
  read: (max: number) => Promise<Buffer>,
  layer: LayerRef,
  reportPath: string,
): Promise<StoredResult[]> {
  const out: StoredResult[] = [];
  const fits = wanted.filter((c) => info.size <= c.maxFileSize);
  for (const c of wanted) {
    if (info.size > c.maxFileSize) out.push({ path: reportPath, catalogerId: c.id, result: tooLargeResult(c, { ...info, path: reportPath }) });
  }
  if (fits.length === 0) return out;
  const content = await read(Math.max(...fits.map((c) => c.maxFileSize)));
  const shown: FileInfo = { ...info, path: reportPath };
  for (const c of fits) out.push({ path: reportPath, catalogerId: c.id, result: await runCataloger(c, shown, content, layer) });
  return out;
}

/** Streams one layer's entries through the catalogers; keeps what the merge needs. */
export async function analyzeLayer(
  entries: AsyncIterable<LayerEntry>,
  layer: LayerRef,
  registry: CatalogerSet,
  opts: AnalyzeLayerOptions,
): Promise<LayerAnalysis> {
  const analysis: LayerAnalysis = {
    format: 1,
    digest: layer.digest,
    files: [],
    whiteouts: [],
    opaqueDirs: [],
    results: [],
    linkResults: [],
    linkRequests: [],
    notes: [],
    entryCount: 0,
  };
  // Symlinks of this layer, to resolve chains inside it.
  const symlinks = new Map<string, string>();
  // Targets (later in this layer) of symlinks a cataloger wants: target path → links.
  const pending = new Map<string, { link: string; catalogers: Cataloger[] }[]>();

  const resolveInLayer = (path: string, target: string): string | undefined => {
    let current = symlinkTarget(path, target);
    for (let hops = 0; hops < opts.maxSymlinkHops; hops++) {
      if (!current.ok) return undefined;
      const next = symlinks.get(current.path);
      if (next === undefined) return current.path;
      current = symlinkTarget(current.path, next);
    }
    return undefined;
  };

  for await (const entry of entries) {
    if (opts.signal?.aborted) throw new ImageError('aborted', 'scan aborted');
    analysis.entryCount++;
    if (opts.interpretWhiteouts) {
      const wh = classifyWhiteout(entry.path);
      if (wh.kind === 'whiteout') {
        analysis.whiteouts.push(wh.target);
        continue;
      }
      if (wh.kind === 'opaque') {
        analysis.opaqueDirs.push(wh.dir);
        continue;
      }
      if (wh.kind === 'meta') continue;
    }
    const info = toInfo(entry);
    const record: LayerFile = [entry.path, entry.type, entry.size, entry.mode];
    if (entry.linkTarget !== undefined) record.push(entry.linkTarget);
    analysis.files.push(record);

    if (entry.type === 'file') {
      const wanted = wantedBy(registry, info, analysis.notes);
      const links = pending.get(entry.path);
      if (wanted.length === 0 && !links) continue;
      let content: Buffer | undefined;
      const read = async (max: number): Promise<Buffer> => {
        if (content === undefined || content.length < Math.min(max, entry.size)) content = await entry.read(max);
        return content;
      };
      // One read serves both the file's own catalogers and symlinks pointing at it.
      const linkCatalogers = links?.flatMap((l) => l.catalogers) ?? [];
      const fitting = [...wanted, ...linkCatalogers].filter((c) => entry.size <= c.maxFileSize);
      if (fitting.length > 0) await read(Math.max(...fitting.map((c) => c.maxFileSize)));
      analysis.results.push(...(await analyzeFile(wanted, info, read, layer, entry.path)));
      for (const l of links ?? []) {
        for (const r of await analyzeFile(l.catalogers, info, read, layer, l.link)) {
          analysis.linkResults.push({ ...r, target: entry.path });
        }
      }
      continue;
    }
    if (entry.type === 'symlink' && entry.linkTarget !== undefined) symlinks.set(entry.path, entry.linkTarget);
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      // Offered as what opening the path yields (a file); wanted links are resolved in the image.
      const wanted = wantedBy(registry, { ...info, type: 'file', size: 0 }, analysis.notes);
      if (wanted.length === 0) continue;
      analysis.linkRequests.push({ path: entry.path, catalogerIds: wanted.map((c) => c.id) });
      if (entry.type === 'symlink' && entry.linkTarget !== undefined) {
        const target = resolveInLayer(entry.path, entry.linkTarget);
        if (target !== undefined && target !== entry.path) {
          const list = pending.get(target) ?? [];
          list.push({ link: entry.path, catalogers: wanted });
          pending.set(target, list);
        }
      }
    }
  }
  return analysis;
}
