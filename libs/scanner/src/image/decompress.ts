import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ImageError } from './errors';
import { ZstdFrameGuard } from './zstd-frame.guard';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression from the first bytes of a blob; media types lie more often than magic numbers. */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

function zlibError(err: unknown, what: string): ImageError {
  const code = (err as { code?: string }).code;
  if (code === 'Z_BUF_ERROR') return new ImageError('truncated', `${what}: compressed stream ends early`, { cause: err });
  return new ImageError('decompression-failed', `${what}: ${(err as Error).message}`, { cause: err });
}

/**
 * Decompresses gzip (including concatenated members), zstd (fzstd, streaming) or passes plain
 * data through, chosen by the first bytes.
 */
export class AutoDecompress extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private mode: Compression | undefined;
  private gunzip: Gunzip | undefined;
  private zstd: ZstdDecompress | undefined;
  private gunzipError: ImageError | undefined;
  private zstdGuard: ZstdFrameGuard | undefined;
  private inBytes = 0;
  private outBytes = 0;

  /**
   * `bomb` bounds what one input chunk may expand to: zstd (fzstd) emits all blocks of a chunk
   * synchronously, so the ratio must be checked while it does, not downstream.
   */
  constructor(
    private readonly what: string,
    private readonly bomb: { maxRatio: number; graceBytes: number; maxZstdWindow: number } = {
      maxRatio: Number.POSITIVE_INFINITY,
      graceBytes: 0,
      maxZstdWindow: 2 ** 31,
    },
  ) {
    super();
  }

  get compression(): Compression | undefined {
    return this.mode;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.mode === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < 4) {
        cb();
        return;
      }
      const data = Buffer.concat(this.head);
      this.head = [];
      this.start(sniffCompression(data));
      this.feed(data, cb);
      return;
    }
    this.feed(chunk, cb);
  }

  override _flush(cb: TransformCallback): void {
    if (this.mode === undefined) {
      const data = Buffer.concat(this.head);
      this.head = [];
      this.start(sniffCompression(data));
      if (data.length > 0) {
        this.feed(data, (err) => (err ? cb(err) : this.finish(cb)));
        return;
      }
    }
    this.finish(cb);
  }

  private start(mode: Compression): void {
    this.mode = mode;
    if (mode === 'gzip') {
      const gunzip = createGunzip({ chunkSize: 64 * 1024 });
      gunzip.on('data', (d: Buffer) => {
        if (!this.push(d)) gunzip.pause();
      });
      gunzip.on('error', (err) => {
        this.gunzipError = zlibError(err, this.what);
        this.destroy(this.gunzipError);
      });
      this.gunzip = gunzip;
    } else if (mode === 'zstd') {
      this.zstdGuard = new ZstdFrameGuard(this.bomb.maxZstdWindow, this.what);
      this.zstd = new ZstdDecompress((data) => {
        if (data.length === 0) return;
        this.outBytes += data.length;
        if (this.outBytes > this.bomb.graceBytes && this.outBytes / Math.max(1, this.inBytes) > this.bomb.maxRatio) {
          throw new ImageError('decompression-bomb', `${this.what}: ${this.outBytes} bytes from ${this.inBytes} compressed (ratio above ${this.bomb.maxRatio})`);
        }
        // fzstd reuses its window buffer: copy what it hands out.
        this.push(Buffer.from(data));
      });
    }
  }

  override _read(size: number): void {
    this.gunzip?.resume();
    super._read(size);
  }

  private feed(data: Buffer, cb: TransformCallback): void {
    if (this.mode === 'gzip' && this.gunzip) {
      if (this.gunzip.write(data)) cb();
      else this.gunzip.once('drain', () => cb());
      return;
    }
    if (this.mode === 'zstd' && this.zstd) {
      this.inBytes += data.length;
      try {
        this.zstdGuard?.feed(data);
        this.zstd.push(data);
      } catch (err) {
        cb(err instanceof ImageError ? err : new ImageError('decompression-failed', `${this.what}: zstd: ${(err as Error).message}`, { cause: err }));
        return;
      }
      cb();
      return;
    }
    cb(null, data);
  }

  private finish(cb: TransformCallback): void {
    if (this.mode === 'gzip' && this.gunzip) {
      const gunzip = this.gunzip;
      if (this.gunzipError) {
        cb(this.gunzipError);
        return;
      }
      gunzip.once('end', () => cb());
      gunzip.once('error', (err) => cb(zlibError(err, this.what)));
      gunzip.resume();
      gunzip.end();
      return;
    }
    if (this.mode === 'zstd' && this.zstd) {
      try {
        this.zstd.push(new Uint8Array(0), true);
      } catch (err) {
        const message = (err as Error).message;
        const code = /unexpected EOF/i.test(message) ? 'truncated' : 'decompression-failed';
        cb(new ImageError(code, `${this.what}: zstd: ${message}`, { cause: err }));
        return;
      }
    }
    cb();
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.gunzip?.destroy();
    cb(err);
  }
}

/** Shared across the layers of one image: the image-wide uncompressed budget. */
export interface ByteBudget {
  used: number;
  readonly max: number;
}

export interface GuardOptions {
  what: string;
  maxBytes: number;
  budget: ByteBudget;
  maxRatio: number;
  graceBytes: number;
  /** Compressed bytes read so far, for the ratio. */
  compressedBytes: () => number;
  /** When set, the uncompressed stream must hash to it (the config's diff_id). */
  diffId?: string;
}

/**
 * Counts uncompressed bytes: per-layer and per-image caps, and the compression ratio that gives
 * a decompression bomb away long before it fills memory or time. Also verifies the diff_id.
 */
export class UncompressedGuard extends Transform {
  private bytes = 0;
  private readonly hash: Hash | undefined;

  constructor(private readonly opts: GuardOptions) {
    super();
    if (opts.diffId !== undefined) {
      if (!opts.diffId.startsWith('sha256:')) {
        throw new ImageError('invalid-digest', `${opts.what}: unsupported diff_id ${opts.diffId.slice(0, 80)}`);
      }
      this.hash = createHash('sha256');
    }
  }

  get bytesSeen(): number {
    return this.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.opts.budget.used += chunk.length;
    if (this.bytes > this.opts.maxBytes) {
      cb(new ImageError('layer-too-large', `${this.opts.what}: uncompressed size exceeds ${this.opts.maxBytes} bytes`));
      return;
    }
    if (this.opts.budget.used > this.opts.budget.max) {
      cb(new ImageError('image-too-large', `${this.opts.what}: the image's uncompressed size exceeds ${this.opts.budget.max} bytes`));
      return;
    }
    if (this.bytes > this.opts.graceBytes) {
      const compressed = Math.max(1, this.opts.compressedBytes());
      if (this.bytes / compressed > this.opts.maxRatio) {
        cb(
          new ImageError(
            'decompression-bomb',
            `${this.opts.what}: ${this.bytes} bytes from ${compressed} compressed (ratio above ${this.opts.maxRatio})`,
          ),
        );
        return;
      }
    }
    this.hash?.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.hash && this.opts.diffId !== undefined) {
      const actual = `sha256:${this.hash.digest('hex')}`;
      if (actual !== this.opts.diffId) {
        cb(new ImageError('diffid-mismatch', `${this.opts.what}: uncompressed content hashes to ${actual}, config says ${this.opts.diffId}`));
        return;
      }
    }
    cb();
  }
}
