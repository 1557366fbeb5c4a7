import type { FileType, ScanNote } from '../model';
import type { LayerAnalysis, LinkRequest, StoredResult } from './layer.analyzer';
import { joinPath, splitPath, symlinkTarget } from './paths';

/** A file of the final (merged) filesystem. */
export interface ImageFile {
  path: string;
  type: FileType;
  size: number;
  mode: number;
  linkTarget?: string;
  /** Index of the layer that provides this version of the file. */
  layer: number;
}

interface Node {
  children?: Map<string, Node>;
  file?: { type: FileType; size: number; mode: number; linkTarget?: string; layer: number };
  results?: StoredResult[];
  linkResults?: StoredResult[];
  linkRequest?: LinkRequest;
}

function groupByPath(items: StoredResult[]): Map<string, StoredResult[]> {
  const out = new Map<string, StoredResult[]>();
  for (const r of items) {
    const list = out.get(r.path);
    if (list) list.push(r);
    else out.set(r.path, [r]);
  }
  return out;
}

/**
 * The union filesystem of an image's layers, built like overlayfs would: for each layer, its
 * opaque directories and whiteouts hide lower content, then its entries are laid on top. Each
 * path keeps the catalog results of the layer that provides it.
 */
export class MergedFilesystem {
  private readonly root: Node = { children: new Map() };

  static build(layers: LayerAnalysis[]): MergedFilesystem {
    const fs = new MergedFilesystem();
    layers.forEach((layer, index) => fs.apply(layer, index));
    return fs;
  }

  private lookup(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of splitPath(path)) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  private ensure(path: string): Node {
    let node = this.root;
    for (const part of splitPath(path)) {
      node.children ??= new Map();
      let child = node.children.get(part);
      if (!child) {
        child = {};
        node.children.set(part, child);
      }
      node = child;
    }
    return node;
  }

  private apply(layer: LayerAnalysis, index: number): void {
    for (const dir of layer.opaqueDirs) {
      const node = this.lookup(dir);
      if (node?.children) node.children.clear();
    }
    for (const path of layer.whiteouts) {
      const parts = splitPath(path);
      const name = parts.pop();
      if (name === undefined) continue;
      this.lookup('/' + parts.join('/'))?.children?.delete(name);
    }
    const results = groupByPath(layer.results);
    const linkResults = groupByPath(layer.linkResults);
    const linkRequests = new Map(layer.linkRequests.map((r) => [r.path, r]));
    for (const [path, type, size, mode, linkTarget] of layer.files) {
      if (path === '/') continue;
      const node = this.ensure(path);
      node.file = { type, size, mode, layer: index, ...(linkTarget !== undefined ? { linkTarget } : {}) };
      if (type !== 'dir') node.children = undefined;
      node.results = results.get(path);
      node.linkResults = linkResults.get(path);
      node.linkRequest = linkRequests.get(path);
    }
  }

  /** Every path of the final filesystem, depth first, sorted by name. */
  *files(): Generator<ImageFile> {
    const walk = function* (node: Node, path: string): Generator<ImageFile> {
      if (!node.children) return;
      for (const name of [...node.children.keys()].sort()) {
        const child = node.children.get(name) as Node;
        const p = joinPath(path, name);
        const f = child.file ?? { type: 'dir' as const, size: 0, mode: 0o755, layer: -1 };
        const out: ImageFile = { path: p, type: f.type, size: f.size, mode: f.mode, layer: f.layer };
        if (f.linkTarget !== undefined) out.linkTarget = f.linkTarget;
        yield out;
        yield* walk(child, p);
      }
    };
    yield* walk(this.root, '/');
  }

  get(path: string): ImageFile | undefined {
    const node = this.lookup(path);
    if (!node?.file) return undefined;
    const out: ImageFile = { path, ...node.file };
    return out;
  }

  /** Results of the files that survived, in path order. */
  *results(): Generator<{ layer: number; result: StoredResult }> {
    const walk = function* (node: Node): Generator<{ layer: number; result: StoredResult }> {
      if (node.results && node.file) for (const r of node.results) yield { layer: node.file.layer, result: r };
      if (!node.children) return;
      for (const name of [...node.children.keys()].sort()) yield* walk(node.children.get(name) as Node);
    };
    yield* walk(this.root);
  }

  /** Symlinks/hardlinks a cataloger wants, with the in-layer results their layer already has. */
  *linkRequests(): Generator<{ request: LinkRequest; layer: number; type: FileType; linkTarget?: string; linkResults: StoredResult[] }> {
    const walk = function* (
      node: Node,
    ): Generator<{ request: LinkRequest; layer: number; type: FileType; linkTarget?: string; linkResults: StoredResult[] }> {
      if (node.linkRequest && node.file) {
        yield { request: node.linkRequest, layer: node.file.layer, type: node.file.type, linkTarget: node.file.linkTarget, linkResults: node.linkResults ?? [] };
      }
      if (!node.children) return;
      for (const name of [...node.children.keys()].sort()) yield* walk(node.children.get(name) as Node);
    };
    yield* walk(this.root);
  }

  /**
   * Resolves every symlink along `path` within the image (absolute targets are relative to the
   * image root; nothing outside it is ever consulted). Returns the final path or why not.
   */
  resolve(path: string, maxHops: number): { ok: true; path: string; file: ImageFile } | { ok: false; note: ScanNote } {
    let hops = 0;
    let pending = splitPath(path);
    let resolved: string[] = [];
    while (pending.length > 0) {
      const part = pending.shift() as string;
      const candidate = '/' + [...resolved, part].join('/');
      const node = this.lookup(candidate);
      if (!node?.file && !node?.children) {
        return { ok: false, note: { level: 'info', code: 'dangling-symlink', message: `${path}: ${candidate} does not exist in the image`, path } };
      }
      if (node.file?.type === 'symlink' && node.file.linkTarget !== undefined) {
        if (++hops > maxHops) {
          return { ok: false, note: { level: 'warning', code: 'symlink-loop', message: `${path}: more than ${maxHops} symlinks`, path } };
        }
        const target = symlinkTarget(candidate, node.file.linkTarget);
        if (!target.ok) return { ok: false, note: { level: 'warning', code: 'symlink-escape', message: target.reason, path } };
        resolved = [];
        pending = [...splitPath(target.path), ...pending];
        continue;
      }
      resolved.push(part);
    }
    const finalPath = '/' + resolved.join('/');
    const file = this.get(finalPath);
    if (!file) return { ok: false, note: { level: 'info', code: 'dangling-symlink', message: `${path} resolves to ${finalPath}, which is not a file`, path } };
    return { ok: true, path: finalPath, file };
  }
}
