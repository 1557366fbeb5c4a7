import { createWriteStream } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Writes zip archives for tests (stored or deflated entries, optionally ZIP64 records), the way
 * osv.dev's `all.zip` is laid out: local header + data per entry, then the central directory.
 * Streams to disk so a test can build archives far larger than it wants to hold in memory.
 */
export class TestZipWriter {
  private readonly out;
  private offset = 0;
  private readonly central: Buffer[] = [];
  private count = 0;

  constructor(
    readonly path: string,
    private readonly options: { deflate?: boolean; zip64?: boolean } = {},
  ) {
    this.out = createWriteStream(path);
  }

  private write(b: Buffer): Promise<void> {
    this.offset += b.length;
    return new Promise((resolve, reject) => {
      if (this.out.write(b)) resolve();
      else this.out.once('drain', resolve).once('error', reject);
    });
  }

  async add(name: string, content: Buffer | string, overrides: { crc?: number; method?: number; flags?: number } = {}): Promise<void> {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const method = overrides.method ?? (this.options.deflate ? 8 : 0);
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = overrides.crc ?? crc32(data) >>> 0;
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(overrides.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const at = this.offset;
    await this.write(Buffer.concat([local, nameBuf, body]));
    const z64 = this.options.zip64 === true;
    const extra = Buffer.alloc(z64 ? 28 : 0);
    if (z64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(at), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(45, 4);
    c.writeUInt16LE(z64 ? 45 : 20, 6);
    c.writeUInt16LE(overrides.flags ?? 0, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(z64 ? 0xffffffff : body.length, 20);
    c.writeUInt32LE(z64 ? 0xffffffff : data.length, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt16LE(extra.length, 30);
    c.writeUInt32LE(z64 ? 0xffffffff : at, 42);
    this.central.push(Buffer.concat([c, nameBuf, extra]));
    this.count++;
  }

  async close(): Promise<void> {
    const cdStart = this.offset;
    for (const c of this.central) await this.write(c);
    const cdSize = this.offset - cdStart;
    if (this.options.zip64) {
      const z = Buffer.alloc(56);
      z.writeUInt32LE(0x06064b50, 0);
      z.writeBigUInt64LE(44n, 4);
      z.writeUInt16LE(45, 12);
      z.writeUInt16LE(45, 14);
      z.writeBigUInt64LE(BigInt(this.count), 24);
      z.writeBigUInt64LE(BigInt(this.count), 32);
      z.writeBigUInt64LE(BigInt(cdSize), 40);
      z.writeBigUInt64LE(BigInt(cdStart), 48);
      const zAt = this.offset;
      await this.write(z);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeBigUInt64LE(BigInt(zAt), 8);
      loc.writeUInt32LE(1, 16);
      await this.write(loc);
    }
    const e = Buffer.alloc(22);
    e.writeUInt32LE(0x06054b50, 0);
    e.writeUInt16LE(this.options.zip64 ? 0xffff : this.count, 8);
    e.writeUInt16LE(this.options.zip64 ? 0xffff : this.count, 10);
    e.writeUInt32LE(this.options.zip64 ? 0xffffffff : cdSize, 12);
    e.writeUInt32LE(this.options.zip64 ? 0xffffffff : cdStart, 16);
    await this.write(e);
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
