import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { VulnDbError } from './errors';

/**
 * A small random-access zip reader for OSV dumps (osv.dev's per-ecosystem `all.zip` holds one
 * JSON file per advisory). The central directory is walked in 1 MiB chunks and every entry is
 * read on its own, so memory stays bounded by the largest entry, whatever the archive size.
 * ZIP64, stored and deflated entries; encrypted entries and other methods are refused per entry.
 */

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Largest uncompressed entry read (an OSV record is a few KiB; the biggest are a few MiB). */
  maxEntryBytes: number;
  /** Largest uncompressed/compressed ratio for an entry over 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntryBytes: 64 * 1024 * 1024, maxRatio: 1000 };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CHUNK = 1024 * 1024;

function bad(message: string): VulnDbError {
  return new VulnDbError('invalid-zip', message);
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad('zip64 value out of range');
  return Number(v);
}

export class ZipReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly size: number,
    readonly entryCount: number,
    private readonly cdOffset: number,
    private readonly cdSize: number,
    private readonly limits: ZipLimits,
  ) {}

  static async open(path: string, limits: Partial<ZipLimits> = {}): Promise<ZipReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const tailLen = Math.min(size, 22 + 65535 + 20);
      const tail = Buffer.alloc(tailLen);
      await fh.read(tail, 0, tailLen, size - tailLen);
      let eocd = -1;
      for (let i = tailLen - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === EOCD) {
          eocd = i;
          break;
        }
      }
      if (eocd < 0) throw bad(`${path}: no end of central directory record (not a zip, or truncated)`);
      let count = tail.readUInt16LE(eocd + 10);
      let cdSize = tail.readUInt32LE(eocd + 12);
      let cdOffset = tail.readUInt32LE(eocd + 16);
      if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
        const loc = eocd - 20;
        if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) throw bad(`${path}: zip64 locator missing`);
        const z64At = u64(tail, loc + 8);
        const z = Buffer.alloc(56);
        await fh.read(z, 0, 56, z64At);
        if (z.readUInt32LE(0) !== ZIP64_EOCD) throw bad(`${path}: zip64 end of central directory missing`);
        count = u64(z, 32);
        cdSize = u64(z, 40);
        cdOffset = u64(z, 48);
      }
      if (cdOffset + cdSize > size) throw bad(`${path}: central directory lies beyond the end of the file (truncated?)`);
      return new ZipReader(fh, path, size, count, cdOffset, cdSize, { ...DEFAULT_ZIP_LIMITS, ...limits });
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Entries in central-directory order, read lazily. */
  async *entries(): AsyncGenerator<ZipEntry> {
    let buf = Buffer.alloc(0);
    let pos = this.cdOffset;
    const end = this.cdOffset + this.cdSize;
    let seen = 0;
    const fill = async (need: number): Promise<boolean> => {
      while (buf.length < need && pos < end) {
        const n = Math.min(CHUNK, end - pos);
        const chunk = Buffer.alloc(n);
        const { bytesRead } = await this.fh.read(chunk, 0, n, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        buf = buf.length ? Buffer.concat([buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      }
      return buf.length >= need;
    };
    while (seen < this.entryCount) {
      if (!(await fill(46))) throw bad(`${this.path}: central directory ends after ${seen} of ${this.entryCount} entries`);
      if (buf.readUInt32LE(0) !== CENTRAL) throw bad(`${this.path}: bad central directory entry ${seen}`);
      const nameLen = buf.readUInt16LE(28);
      const extraLen = buf.readUInt16LE(30);
      const commentLen = buf.readUInt16LE(32);
      const total = 46 + nameLen + extraLen + commentLen;
      if (!(await fill(total))) throw bad(`${this.path}: central directory entry ${seen} is truncated`);
      const entry: ZipEntry = {
        flags: buf.readUInt16LE(8),
        method: buf.readUInt16LE(10),
        crc: buf.readUInt32LE(16),
        compressedSize: buf.readUInt32LE(20),
        uncompressedSize: buf.readUInt32LE(24),
        localHeaderOffset: buf.readUInt32LE(42),
        name: buf.toString('utf8', 46, 46 + nameLen),
      };
      this.zip64Extra(entry, buf.subarray(46 + nameLen, 46 + nameLen + extraLen));
      buf = buf.subarray(total);
      seen++;
      yield entry;
    }
  }

  private zip64Extra(e: ZipEntry, extra: Buffer): void {
    if (e.uncompressedSize !== 0xffffffff && e.compressedSize !== 0xffffffff && e.localHeaderOffset !== 0xffffffff) return;
    for (let i = 0; i + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(i);
      const len = extra.readUInt16LE(i + 2);
      if (id === 0x0001) {
        let p = i + 4;
        const take = (): number => {
          if (p + 8 > i + 4 + len) throw bad(`${this.path}: ${e.name}: short zip64 extra field`);
          const v = u64(extra, p);
          p += 8;
          return v;
        };
        if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = take();
        if (e.compressedSize === 0xffffffff) e.compressedSize = take();
        if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = take();
        return;
      }
      i += 4 + len;
    }
    throw bad(`${this.path}: ${e.name}: zip64 sizes without a zip64 extra field`);
  }

  /** The entry's uncompressed bytes, checked against its size, the limits and its CRC-32. */
  async read(e: ZipEntry): Promise<Buffer> {
    if (e.flags & 0x1) throw bad(`${e.name}: encrypted entries are not supported`);
    if (e.method !== 0 && e.method !== 8) throw bad(`${e.name}: compression method ${e.method} is not supported (only stored and deflate)`);
    if (e.uncompressedSize > this.limits.maxEntryBytes) {
      throw new VulnDbError('too-large', `${e.name}: ${e.uncompressedSize} bytes uncompressed, over the ${this.limits.maxEntryBytes}-byte limit per entry`);
    }
    if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(1, e.compressedSize) > this.limits.maxRatio) {
      throw new VulnDbError('too-large', `${e.name}: compression ratio over ${this.limits.maxRatio} (zip bomb?)`);
    }
    const head = Buffer.alloc(30);
    await this.fh.read(head, 0, 30, e.localHeaderOffset);
    if (head.readUInt32LE(0) !== LOCAL) throw bad(`${e.name}: bad local header`);
    const dataAt = e.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (dataAt + e.compressedSize > this.size) throw bad(`${e.name}: data lies beyond the end of the file (truncated?)`);
    const raw = Buffer.alloc(e.compressedSize);
    if (e.compressedSize > 0) await this.fh.read(raw, 0, e.compressedSize, dataAt);
    let data: Buffer;
    if (e.method === 0) data = raw;
    else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.uncompressedSize) });
      } catch (err) {
        throw bad(`${e.name}: cannot inflate: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (data.length !== e.uncompressedSize) throw bad(`${e.name}: ${data.length} bytes, the directory says ${e.uncompressedSize}`);
    if (crc32(data) >>> 0 !== e.crc >>> 0) throw bad(`${e.name}: CRC-32 mismatch`);
    return data;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
