import { inflateRawSync } from 'node:zlib';
import { CatalogError } from '../catalog.error';

/**
 * A small, defensive ZIP reader for JAR/WAR/EAR files: central directory, ZIP64, stored and
 * deflated entries. Nothing is inflated unless asked, every read is bounded by a shared
 * budget so nested archives cannot multiply a zip bomb.
 */

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Most entries one archive may list. */
  maxEntries: number;
  /** Largest single entry we will inflate. */
  maxEntrySize: number;
  /** Inflated bytes left for this archive and everything nested in it. */
  budget: { remaining: number };
  /** Largest inflated/compressed ratio accepted for entries above 1 MiB. */
  maxRatio: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipArchive {
  private constructor(
    private readonly buf: Buffer,
    readonly entries: ZipEntry[],
    /** Bytes prepended before the archive (self-executing jars start with a shell script). */
    private readonly shift: number,
    private readonly limits: ZipLimits,
  ) {}

  static open(buf: Buffer, limits: ZipLimits): ZipArchive {
    if (buf.length < 22) throw new CatalogError('invalid-archive', `${buf.length} bytes is too small for a zip archive`);
    const min = Math.max(0, buf.length - 22 - 0xffff);
    let eocd = -1;
    for (let i = buf.length - 22; i >= min; i--) {
      if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new CatalogError('invalid-archive', 'no end-of-central-directory record: not a zip archive or truncated');
    let total = buf.readUInt16LE(eocd + 10);
    let cdSize = buf.readUInt32LE(eocd + 12);
    let cdOffset = buf.readUInt32LE(eocd + 16);
    let cdEnd = eocd;
    if ((total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
      const at = Number(buf.readBigUInt64LE(eocd - 12));
      if (at + 56 > buf.length || buf.readUInt32LE(at) !== EOCD64) throw new CatalogError('invalid-archive', 'broken ZIP64 end-of-central-directory record');
      total = safeNumber(buf.readBigUInt64LE(at + 32));
      cdSize = safeNumber(buf.readBigUInt64LE(at + 40));
      cdOffset = safeNumber(buf.readBigUInt64LE(at + 48));
      cdEnd = at;
    }
    if (total > limits.maxEntries) throw new CatalogError('archive-limit', `archive lists ${total} entries, more than the limit of ${limits.maxEntries}`);
    const shift = cdEnd - (cdOffset + cdSize);
    if (shift < 0 || cdEnd > buf.length) throw new CatalogError('invalid-archive', 'central directory lies outside the file: truncated archive');
    const entries: ZipEntry[] = [];
    let p = cdOffset + shift;
    for (let n = 0; n < total; n++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new CatalogError('invalid-archive', `central directory entry ${n} is damaged`);
      const flags = buf.readUInt16LE(p + 8);
      const method = buf.readUInt16LE(p + 10);
      let compressedSize = buf.readUInt32LE(p + 20);
      let uncompressedSize = buf.readUInt32LE(p + 24);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      let localHeaderOffset = buf.readUInt32LE(p + 42);
      const nameEnd = p + 46 + nameLen;
      if (nameEnd + extraLen + commentLen > buf.length) throw new CatalogError('invalid-archive', `central directory entry ${n} runs past the end of the file`);
      const name = buf.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, nameEnd);
      // ZIP64 extended information: only the fields whose 32-bit value is saturated are present.
      let e = nameEnd;
      while (e + 4 <= nameEnd + extraLen) {
        const id = buf.readUInt16LE(e);
        const size = buf.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const end = q + size;
          if (uncompressedSize === 0xffffffff && q + 8 <= end) {
            uncompressedSize = safeNumber(buf.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff && q + 8 <= end) {
            compressedSize = safeNumber(buf.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff && q + 8 <= end) localHeaderOffset = safeNumber(buf.readBigUInt64LE(q));
        }
        e += 4 + size;
      }
      entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
      p = nameEnd + extraLen + commentLen;
    }
    return new ZipArchive(buf, entries, shift, limits);
  }

  find(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** Inflates one entry within the limits; throws CatalogError on anything suspicious. */
  read(entry: ZipEntry): Buffer {
    const { limits } = this;
    if ((entry.flags & 0x1) !== 0) throw new CatalogError('invalid-archive', `${entry.name} is encrypted`);
    if (entry.uncompressedSize > limits.maxEntrySize) {
      throw new CatalogError('archive-limit', `${entry.name} inflates to ${entry.uncompressedSize} bytes, above the ${limits.maxEntrySize}-byte entry limit`);
    }
    if (entry.uncompressedSize > limits.budget.remaining) {
      throw new CatalogError('archive-limit', `${entry.name} would exceed the archive's inflate budget (zip bomb guard)`);
    }
    if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
      throw new CatalogError('archive-limit', `${entry.name} has a compression ratio above ${limits.maxRatio} (zip bomb guard)`);
    }
    const at = entry.localHeaderOffset + this.shift;
    if (at + 30 > this.buf.length || this.buf.readUInt32LE(at) !== LOCAL) throw new CatalogError('invalid-archive', `local header of ${entry.name} is missing`);
    const start = at + 30 + this.buf.readUInt16LE(at + 26) + this.buf.readUInt16LE(at + 28);
    const end = start + entry.compressedSize;
    if (end > this.buf.length) throw new CatalogError('invalid-archive', `${entry.name} is truncated`);
    const raw = this.buf.subarray(start, end);
    let out: Buffer;
    if (entry.method === 0) {
      out = raw;
    } else if (entry.method === 8) {
      try {
        // The declared size is a claim: never let the inflater produce more than it.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (err) {
        throw new CatalogError('invalid-archive', `${entry.name} does not inflate to its declared ${entry.uncompressedSize} bytes`, { cause: err });
      }
    } else {
      throw new CatalogError('invalid-archive', `${entry.name} uses unsupported compression method ${entry.method}`);
    }
    if (out.length !== entry.uncompressedSize) throw new CatalogError('invalid-archive', `${entry.name} inflated to ${out.length} bytes, declared ${entry.uncompressedSize}`);
    limits.budget.remaining -= out.length;
    return out;
  }
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CatalogError('invalid-archive', 'ZIP64 size out of range');
  return Number(v);
}
