/**
 * Builds small ELF64 little-endian files for unit tests: named sections placed in one PT_LOAD
 * segment at BASE_VADDR + file offset. Real binaries are tested in the integration suites.
 */

export const BASE_VADDR = 0x400000n;
const DATA_START = 0x100;

export interface ElfSectionSpec {
  name: string;
  /** Section bytes, given the virtual address the section will be loaded at. */
  data: Buffer | ((vaddr: bigint) => Buffer);
}

export function buildElf(sections: ElfSectionSpec[], opts: { noSectionHeaders?: boolean } = {}): Buffer {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const shstrtab = Buffer.from(names.join('\0') + '\0', 'latin1');
  const nameOffsets: number[] = [];
  let off = 0;
  for (const n of names) {
    nameOffsets.push(off);
    off += Buffer.byteLength(n, 'latin1') + 1;
  }
  const placed: { offset: number; data: Buffer }[] = [];
  let cursor = DATA_START;
  for (const s of sections) {
    cursor = Math.ceil(cursor / 16) * 16;
    const data = typeof s.data === 'function' ? s.data(BASE_VADDR + BigInt(cursor)) : s.data;
    placed.push({ offset: cursor, data });
    cursor += data.length;
  }
  const strOffset = cursor;
  cursor += shstrtab.length;
  const shoff = Math.ceil(cursor / 8) * 8;
  const shnum = names.length;
  const total = shoff + (opts.noSectionHeaders ? 0 : shnum * 64);
  const buf = Buffer.alloc(total);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = 2; // 64-bit
  buf[5] = 1; // little-endian
  buf[6] = 1;
  buf.writeUInt16LE(2, 16); // ET_EXEC
  buf.writeUInt16LE(0x3e, 18); // x86-64
  buf.writeUInt32LE(1, 20);
  buf.writeBigUInt64LE(BASE_VADDR, 24);
  buf.writeBigUInt64LE(64n, 32); // phoff
  buf.writeBigUInt64LE(opts.noSectionHeaders ? 0n : BigInt(shoff), 40);
  buf.writeUInt16LE(64, 52);
  buf.writeUInt16LE(56, 54);
  buf.writeUInt16LE(1, 56);
  buf.writeUInt16LE(64, 58);
  buf.writeUInt16LE(opts.noSectionHeaders ? 0 : shnum, 60);
  buf.writeUInt16LE(opts.noSectionHeaders ? 0 : shnum - 1, 62);
  // PT_LOAD covering the whole file.
  buf.writeUInt32LE(1, 64);
  buf.writeUInt32LE(5, 68);
  buf.writeBigUInt64LE(0n, 72);
  buf.writeBigUInt64LE(BASE_VADDR, 80);
  buf.writeBigUInt64LE(BASE_VADDR, 88);
  buf.writeBigUInt64LE(BigInt(total), 96);
  buf.writeBigUInt64LE(BigInt(total), 104);
  buf.writeBigUInt64LE(0x1000n, 112);
  for (const p of placed) p.data.copy(buf, p.offset);
  shstrtab.copy(buf, strOffset);
  if (!opts.noSectionHeaders) {
    const sh = (i: number, type: number, offset: number, size: number, addr: bigint): void => {
      const at = shoff + i * 64;
      buf.writeUInt32LE(nameOffsets[i], at);
      buf.writeUInt32LE(type, at + 4);
      buf.writeBigUInt64LE(addr, at + 16);
      buf.writeBigUInt64LE(BigInt(offset), at + 24);
      buf.writeBigUInt64LE(BigInt(size), at + 32);
    };
    placed.forEach((p, i) => sh(i + 1, 1, p.offset, p.data.length, BASE_VADDR + BigInt(p.offset)));
    sh(shnum - 1, 3, strOffset, shstrtab.length, 0n);
  }
  return buf;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
/** The sentinels cmd/go wraps module info in. */
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function wrapModInfo(modinfo: string): Buffer {
  return modinfo ? Buffer.concat([SENTINEL_START, Buffer.from(modinfo), SENTINEL_END]) : Buffer.alloc(0);
}

/** Go ≥ 1.18 layout: flags bit 2, strings inline after the 32-byte header. */
export function goBuildInfoInline(goVersion: string, modinfo: string): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header, 0);
  header[14] = 8;
  header[15] = 2;
  const v = Buffer.from(goVersion);
  const m = wrapModInfo(modinfo);
  return Buffer.concat([header, uvarint(v.length), v, uvarint(m.length), m]);
}

/** Go 1.13–1.17 layout: two pointers to Go string headers {data, len}, little-endian, 8-byte pointers. */
export function goBuildInfoPointers(goVersion: string, modinfo: string): (vaddr: bigint) => Buffer {
  return (vaddr) => {
    const v = Buffer.from(goVersion);
    const m = wrapModInfo(modinfo);
    const buf = Buffer.alloc(64 + v.length + m.length);
    MAGIC.copy(buf, 0);
    buf[14] = 8;
    buf[15] = 0;
    buf.writeBigUInt64LE(vaddr + 32n, 16);
    buf.writeBigUInt64LE(vaddr + 48n, 24);
    buf.writeBigUInt64LE(vaddr + 64n, 32);
    buf.writeBigUInt64LE(BigInt(v.length), 40);
    buf.writeBigUInt64LE(vaddr + 64n + BigInt(v.length), 48);
    buf.writeBigUInt64LE(BigInt(m.length), 56);
    v.copy(buf, 64);
    m.copy(buf, 64 + v.length);
    return buf;
  };
}
