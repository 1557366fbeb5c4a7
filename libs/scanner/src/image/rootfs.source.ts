import { createHash } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FileType } from '../model';
import { ImageError } from './errors';
import type { ImageSource, LayerEntry, LayerReadContext, ResolvedImage, ResolvedLayer, ResolveOptions } from './image-source';
import type { TarEntryType } from './tar.reader';

interface WalkedEntry {
  path: string;
  type: FileType;
  rawType: TarEntryType;
  size: number;
  mode: number;
  mtimeMs: number;
  linkTarget?: string;
}

function typeOf(st: Stats): { type: FileType; rawType: TarEntryType } {
  if (st.isFile()) return { type: 'file', rawType: 'file' };
  if (st.isDirectory()) return { type: 'dir', rawType: 'dir' };
  if (st.isSymbolicLink()) return { type: 'symlink', rawType: 'symlink' };
  if (st.isCharacterDevice()) return { type: 'other', rawType: 'char' };
  if (st.isBlockDevice()) return { type: 'other', rawType: 'block' };
  if (st.isFIFO()) return { type: 'other', rawType: 'fifo' };
  return { type: 'other', rawType: 'other' };
}

export interface RootfsOptions {
  /** In-image paths not to descend into; defaults to /proc, /sys and /dev (host scans). */
  exclude?: string[];
}

/**
 * A plain root filesystem directory (an unpacked image, a host's `/`), presented as one layer.
 * Nothing is followed through the host: entries come from `lstat`, files are opened with
 * O_NOFOLLOW, and symlinks are resolved later against this listing, never by the OS.
 */
export class RootfsSource implements ImageSource {
  readonly kind = 'rootfs';
  private walked: WalkedEntry[] | undefined;
  private readonly exclude: Set<string>;

  constructor(
    readonly reference: string,
    private readonly dir: string,
    options: RootfsOptions = {},
  ) {
    this.exclude = new Set(options.exclude ?? ['/proc', '/sys', '/dev']);
  }

  private async walk(maxEntries: number, maxEntriesImage: number): Promise<WalkedEntry[]> {
    const out: WalkedEntry[] = [];
    const limit = Math.min(maxEntries, maxEntriesImage);
    const visit = async (inImage: string, hostPath: string): Promise<void> => {
      let names: string[];
      try {
        names = (await fs.readdir(hostPath)).sort();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'ENOENT') return;
        throw err;
      }
      for (const name of names) {
        const path = inImage === '/' ? `/${name}` : `${inImage}/${name}`;
        if (this.exclude.has(path)) continue;
        const host = join(hostPath, name);
        let st: Stats;
        try {
          st = await fs.lstat(host);
        } catch {
          continue; // vanished while walking
        }
        if (out.length >= limit) {
          throw new ImageError('too-many-entries', `root filesystem ${this.dir}: more than ${limit} entries`);
        }
        const { type, rawType } = typeOf(st);
        const e: WalkedEntry = { path, type, rawType, size: type === 'file' ? st.size : 0, mode: st.mode & 0o7777, mtimeMs: Math.trunc(st.mtimeMs) };
        if (type === 'symlink') e.linkTarget = await fs.readlink(host);
        out.push(e);
        if (type === 'dir') await visit(path, host);
      }
    };
    const st = await fs.lstat(this.dir).catch((err: unknown) => {
      throw new ImageError('source-not-found', `root filesystem ${this.dir}: ${(err as Error).message}`, { cause: err });
    });
    if (!st.isDirectory()) throw new ImageError('source-not-found', `root filesystem ${this.dir} is not a directory`);
    await visit('/', this.dir);
    return out;
  }

  async resolve(options: ResolveOptions): Promise<ResolvedImage> {
    const walked = await this.walk(options.limits.maxEntriesPerLayer, options.limits.maxEntriesPerImage);
    this.walked = walked;
    // The "layer digest" of a directory: a digest of its listing, so that an unchanged tree hits
    // the layer cache and any change (size, mode, mtime, link) misses it.
    const hash = createHash('sha256');
    for (const e of walked) hash.update(`${e.path}\0${e.rawType}\0${e.size}\0${e.mode}\0${e.mtimeMs}\0${e.linkTarget ?? ''}\n`);
    const digest = `sha256:${hash.digest('hex')}`;
    const total = walked.reduce((n, e) => n + e.size, 0);
    return {
      reference: this.reference,
      kind: this.kind,
      platform: options.platform,
      layers: [{ ref: { digest, index: 0 }, size: total, mediaType: 'rootfs' }],
    };
  }

  async *readLayer(_image: ResolvedImage, _layer: ResolvedLayer, ctx: LayerReadContext): AsyncGenerator<LayerEntry> {
    const walked = this.walked;
    if (!walked) throw new Error('RootfsSource.readLayer called before resolve');
    for (const e of walked) {
      const entry: LayerEntry = {
        path: e.path,
        type: e.type,
        rawType: e.rawType,
        size: e.size,
        mode: e.mode,
        read: (max) => this.readFile(e, max),
      };
      if (e.linkTarget !== undefined) entry.linkTarget = e.linkTarget;
      yield entry;
      ctx.onBytes(e.size);
    }
  }

  /** Reads a file by its in-image path; refuses to follow a symlink swapped in since the walk. */
  private async readFile(e: WalkedEntry, maxBytes: number): Promise<Buffer> {
    const host = join(this.dir, e.path);
    const handle = await fs.open(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((err: unknown) => {
      throw new ImageError('source-not-found', `root filesystem: cannot open ${e.path}: ${(err as Error).message}`, { cause: err });
    });
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new ImageError('source-not-found', `root filesystem: ${e.path} is no longer a regular file`);
      const want = Math.min(st.size, maxBytes);
      const buf = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buf, got, want - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === want ? buf : buf.subarray(0, got);
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {}
}
