import { promises as fs } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { ByteReader } from './byte-reader';
import { AutoDecompress } from './decompress';
import { parseDigest } from './digest';
import { ImageError, type ImageErrorCode } from './errors';
import type { ImageLimits } from './limits';
import type { Descriptor } from './manifest';
import type { LayoutStore } from './oci.source';
import { normaliseMemberName, symlinkTarget } from './paths';
import { readTar, type TarEntryType } from './tar.reader';

/**
 * An archive the scanner may read several times: a file on disk, or an object in a blob store
 * (for instance an upload kept in the NATS Object Store). `openRange` is an optional fast path
 * for uncompressed archives; without it each blob is found by streaming from the start.
 */
export interface ArchiveBlob {
  /** For messages: a path or an object name. */
  readonly name: string;
  open(): Promise<Readable | AsyncIterable<Uint8Array>>;
  openRange?(start: number, length: number): Promise<Readable>;
}

export function fileArchive(path: string): ArchiveBlob {
  return {
    name: path,
    open: async () => {
      const handle = await fs.open(path, 'r');
      return handle.createReadStream({ highWaterMark: 256 * 1024 });
    },
    openRange: async (start, length) => {
      const handle = await fs.open(path, 'r');
      if (length === 0) {
        await handle.close();
        return Readable.from([]);
      }
      return handle.createReadStream({ start, end: start + length - 1, highWaterMark: 256 * 1024 });
    },
  };
}

interface ArchiveEntry {
  type: TarEntryType;
  size: number;
  dataOffset: number;
  linkName: string;
}

function bombLimits(limits: ImageLimits) {
  return { maxRatio: limits.maxCompressionRatio, graceBytes: limits.compressionRatioGraceBytes, maxZstdWindow: limits.maxZstdWindowBytes };
}

function toReadable(source: Readable | AsyncIterable<Uint8Array>): Readable {
  return source instanceof Readable ? source : Readable.from(source, { objectMode: false });
}

/** The member list of an image archive (built in one streaming pass) and access to members. */
export class TarArchive implements LayoutStore {
  private constructor(
    private readonly input: ArchiveBlob,
    private readonly entries: Map<string, ArchiveEntry>,
    private readonly compressed: boolean,
    private readonly limits: ImageLimits,
    readonly description: string,
  ) {}

  static async index(input: ArchiveBlob, limits: ImageLimits): Promise<TarArchive> {
    const what = `archive ${input.name}`;
    const entries = new Map<string, ArchiveEntry>();
    const raw = toReadable(await input.open());
    const decompress = new AutoDecompress(what, bombLimits(limits));
    let pipelineError: unknown;
    const out = pipeline(raw, decompress, (err) => {
      if (err) pipelineError = err;
    });
    const reader = new ByteReader(out, what);
    try {
      for await (const entry of readTar(reader, {
        what,
        maxEntries: limits.maxEntriesPerLayer,
        maxPathLength: limits.maxPathLength,
        maxPaxHeaderBytes: limits.maxPaxHeaderBytes,
      })) {
        const h = entry.header;
        const path = normaliseMemberName(h.name, limits.maxPathLength);
        entries.set(path, { type: h.type, size: h.size, dataOffset: h.dataOffset, linkName: h.linkName });
      }
    } catch (err) {
      throw pipelineError instanceof ImageError ? pipelineError : err;
    } finally {
      await reader.close();
      out.destroy();
      raw.destroy();
    }
    if (entries.size === 0) throw new ImageError('malformed-archive', `${what}: empty archive`);
    return new TarArchive(input, entries, decompress.compression !== 'none', limits, what);
  }

  /** Follows archive-internal symlinks (docker-archive uses them for layer.tar). */
  private lookup(name: string): { path: string; entry: ArchiveEntry } | undefined {
    let path = name;
    for (let hops = 0; hops <= this.limits.maxSymlinkHops; hops++) {
      const entry = this.entries.get(path);
      if (!entry) return undefined;
      if (entry.type !== 'symlink') return { path, entry };
      const next = symlinkTarget(path, entry.linkName);
      if (!next.ok) throw new ImageError('malformed-archive', `${this.description}: ${next.reason}`);
      path = next.path;
    }
    throw new ImageError('malformed-archive', `${this.description}: too many symlinks resolving ${name}`);
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** Member names (normalised, absolute). */
  names(): string[] {
    return [...this.entries.keys()];
  }

  sizeOf(name: string): number | undefined {
    return this.lookup(name)?.entry.size;
  }

  async openMember(name: string, maxBytes: number, tooLarge: ImageErrorCode = 'layer-too-large'): Promise<Readable | undefined> {
    const found = this.lookup(name);
    if (!found) return undefined;
    const { entry, path } = found;
    if (entry.type !== 'file') throw new ImageError('malformed-archive', `${this.description}: ${path} is not a regular file`);
    if (entry.size > maxBytes) {
      throw new ImageError(tooLarge, `${this.description}: ${path} is ${entry.size} bytes, more than the limit of ${maxBytes}`);
    }
    if (!this.compressed && this.input.openRange) return this.input.openRange(entry.dataOffset, entry.size);
    return Readable.from(this.sequential(entry), { objectMode: false });
  }

  /** Streams the archive from the start up to the member, then yields exactly its bytes. */
  private async *sequential(entry: ArchiveEntry): AsyncGenerator<Buffer> {
    const raw = toReadable(await this.input.open());
    let pipelineError: unknown;
    const out = pipeline(raw, new AutoDecompress(this.description, bombLimits(this.limits)), (err) => {
      if (err) pipelineError = err;
    });
    const reader = new ByteReader(out, this.description);
    try {
      await reader.skip(entry.dataOffset);
      yield* reader.chunks(entry.size);
    } catch (err) {
      throw pipelineError instanceof ImageError ? pipelineError : err;
    } finally {
      await reader.close();
      out.destroy();
      raw.destroy();
    }
  }

  async readMetadata(name: 'oci-layout' | 'index.json', maxBytes: number): Promise<Readable | undefined> {
    return this.openMember(`/${name}`, maxBytes, 'manifest-too-large');
  }

  async openBlob(descriptor: Descriptor, maxBytes: number): Promise<Readable> {
    const { algorithm, hex } = parseDigest(descriptor.digest);
    const name = `/blobs/${algorithm}/${hex}`;
    const size = this.sizeOf(name);
    if (size === undefined) throw new ImageError('blob-not-found', `${this.description}: blob ${descriptor.digest} is missing`);
    if (size !== descriptor.size) {
      throw new ImageError('size-mismatch', `${this.description}: blob ${descriptor.digest} is ${size} bytes, its descriptor declares ${descriptor.size}`);
    }
    const stream = await this.openMember(name, maxBytes);
    if (!stream) throw new ImageError('blob-not-found', `${this.description}: blob ${descriptor.digest} is missing`);
    return stream;
  }

  async close(): Promise<void> {}
}
