import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { LayerAnalysis } from './layer.analyzer';

/**
 * Per-layer analysis cache. A layer shared by many images (a distribution base) is read once
 * per cataloger set: the key covers the layer digest and every cataloger's id@version.
 */
export interface LayerCache {
  get(key: string): Promise<LayerAnalysis | undefined>;
  set(key: string, value: LayerAnalysis): Promise<void>;
}

const KEY_VERSION = 'lazaret-layer-cache-v1';

export function layerCacheKey(layerDigest: string, catalogerFingerprint: string, interpretWhiteouts: boolean): string {
  return createHash('sha256')
    .update(`${KEY_VERSION}\n${layerDigest}\n${catalogerFingerprint}\n${interpretWhiteouts ? 'wh' : 'plain'}`)
    .digest('hex');
}

function looksLikeAnalysis(v: unknown, key: string): v is LayerAnalysis & { key: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.format === 1 &&
    o.key === key &&
    typeof o.digest === 'string' &&
    Array.isArray(o.files) &&
    Array.isArray(o.whiteouts) &&
    Array.isArray(o.opaqueDirs) &&
    Array.isArray(o.results) &&
    Array.isArray(o.linkResults) &&
    Array.isArray(o.linkRequests) &&
    Array.isArray(o.notes)
  );
}

/** In-memory LRU, bounded by entry count. */
export class MemoryLayerCache implements LayerCache {
  private readonly map = new Map<string, LayerAnalysis>();

  constructor(private readonly maxEntries = 32) {}

  async get(key: string): Promise<LayerAnalysis | undefined> {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  async set(key: string, value: LayerAnalysis): Promise<void> {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * JSON files in a directory (`<key>.json`), written atomically (temporary file + rename) so that
 * concurrent scans never read half a file. Unreadable or foreign files count as misses.
 */
export class DirectoryLayerCache implements LayerCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!/^[a-f0-9]{64}$/.test(key)) throw new Error(`invalid layer cache key ${key}`);
    return join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<LayerAnalysis | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!looksLikeAnalysis(parsed, key)) return undefined;
      const { key: _key, ...analysis } = parsed;
      return analysis;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: LayerAnalysis): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ key, ...value }));
    await fs.rename(tmp, target);
  }
}
