import { ImageError } from './errors';

/**
 * Pull-based reader over an async iterable of chunks: exact reads for headers, bounded chunk
 * iteration for bodies, skipping without copying. Premature end of input is `truncated`.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;
  private current: Buffer = Buffer.alloc(0);
  private offset = 0;
  private done = false;
  /** Bytes handed out or skipped so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>, private readonly what: string) {
    this.it = source[Symbol.asyncIterator]();
  }

  private get available(): number {
    return this.current.length - this.offset;
  }

  /** Ensures at least one byte is buffered; false at end of input. */
  private async fill(): Promise<boolean> {
    while (this.available === 0) {
      if (this.done) return false;
      const next = await this.it.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      const v = next.value;
      this.current = typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.offset = 0;
    }
    return true;
  }

  /** Exactly `n` bytes, or `null` when the input ends cleanly before the first byte. */
  async readExact(n: number): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    if (this.available >= n) {
      const out = this.current.subarray(this.offset, this.offset + n);
      this.offset += n;
      this.position += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) {
        throw new ImageError('truncated', `${this.what}: input ends in the middle of a ${n}-byte block (got ${got})`);
      }
      const take = Math.min(n - got, this.available);
      this.current.copy(out, got, this.offset, this.offset + take);
      this.offset += take;
      got += take;
    }
    this.position += n;
    return out;
  }

  /** Yields exactly `n` bytes as slices of the input chunks. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) {
        throw new ImageError('truncated', `${this.what}: input ends ${left} bytes before the end of an entry`);
      }
      const take = Math.min(left, this.available);
      const out = this.current.subarray(this.offset, this.offset + take);
      this.offset += take;
      this.position += take;
      left -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) {
        throw new ImageError('truncated', `${this.what}: input ends ${left} bytes early`);
      }
      const take = Math.min(left, this.available);
      this.offset += take;
      this.position += take;
      left -= take;
    }
  }

  /** Reads and discards everything left; returns how many bytes that was. */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.fill()) {
      n += this.available;
      this.position += this.available;
      this.offset = this.current.length;
    }
    return n;
  }

  /** Stops the underlying iterator (destroys a stream being iterated). */
  async close(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}
