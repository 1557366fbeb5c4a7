import { CatalogError } from '../catalog.error';

/**
 * Minimal ELF reader: section lookup by name and virtual-address reads through PT_LOAD
 * segments. Enough for Go build info and cargo-auditable data; every offset is bounds-checked.
 */

const PT_LOAD = 1;
const SHT_NOBITS = 8;

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
}

interface Segment {
  vaddr: bigint;
  offset: number;
  filesz: number;
}

export function isElf(buf: Buffer): boolean {
  return buf.length >= 52 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

export class ElfFile {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly sections: ElfSection[] = [];
  private readonly segments: Segment[] = [];

  constructor(private readonly buf: Buffer) {
    if (!isElf(buf)) throw new CatalogError('invalid-elf', 'not an ELF file');
    const cls = buf[4];
    const data = buf[5];
    if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) throw new CatalogError('invalid-elf', `unknown ELF class ${cls} / data encoding ${data}`);
    this.is64 = cls === 2;
    this.littleEndian = data === 1;
    if (this.is64 && buf.length < 64) throw new CatalogError('invalid-elf', 'truncated ELF header');

    const phoff = this.is64 ? this.u64(0x20) : this.u32(0x1c);
    const shoff = this.is64 ? this.u64(0x28) : this.u32(0x20);
    const phentsize = this.u16(this.is64 ? 0x36 : 0x2a);
    const phnum = this.u16(this.is64 ? 0x38 : 0x2c);
    const shentsize = this.u16(this.is64 ? 0x3a : 0x2e);
    const shnum = this.u16(this.is64 ? 0x3c : 0x30);
    const shstrndx = this.u16(this.is64 ? 0x3e : 0x32);

    if (phnum > 0 && phoff + phnum * phentsize <= buf.length && phentsize >= (this.is64 ? 56 : 32)) {
      for (let i = 0; i < phnum; i++) {
        const at = phoff + i * phentsize;
        if (this.u32(at) !== PT_LOAD) continue;
        if (this.is64) this.segments.push({ offset: this.u64(at + 8), vaddr: this.big(at + 16), filesz: this.u64(at + 32) });
        else this.segments.push({ offset: this.u32(at + 4), vaddr: BigInt(this.u32(at + 8)), filesz: this.u32(at + 16) });
      }
    }
    if (shnum > 0 && shoff > 0 && shoff + shnum * shentsize <= buf.length && shentsize >= (this.is64 ? 64 : 40)) {
      const raw: (Omit<ElfSection, 'name'> & { nameOff: number })[] = [];
      for (let i = 0; i < shnum; i++) {
        const at = shoff + i * shentsize;
        raw.push(
          this.is64
            ? { nameOff: this.u32(at), type: this.u32(at + 4), addr: this.big(at + 16), offset: this.u64(at + 24), size: this.u64(at + 32) }
            : { nameOff: this.u32(at), type: this.u32(at + 4), addr: BigInt(this.u32(at + 12)), offset: this.u32(at + 16), size: this.u32(at + 20) },
        );
      }
      const strtab = raw[shstrndx];
      for (const s of raw) {
        let name = '';
        if (strtab && strtab.offset + strtab.size <= buf.length && s.nameOff < strtab.size) {
          const start = strtab.offset + s.nameOff;
          const end = buf.indexOf(0, start);
          name = buf.toString('latin1', start, end < 0 || end > strtab.offset + strtab.size ? strtab.offset + strtab.size : end);
        }
        this.sections.push({ name, type: s.type, addr: s.addr, offset: s.offset, size: s.size });
      }
    }
  }

  /** Contents of a named section, or undefined when absent, empty or outside the file. */
  section(name: string): Buffer | undefined {
    const s = this.sections.find((x) => x.name === name);
    if (!s || s.type === SHT_NOBITS || s.size === 0 || s.offset + s.size > this.buf.length) return undefined;
    return this.buf.subarray(s.offset, s.offset + s.size);
  }

  /** Bytes at a virtual address, through the loadable segments. */
  readAt(addr: bigint, size: number): Buffer | undefined {
    for (const seg of this.segments) {
      if (addr < seg.vaddr) continue;
      const rel = addr - seg.vaddr;
      if (rel + BigInt(size) > BigInt(seg.filesz)) continue;
      const off = seg.offset + Number(rel);
      if (off + size > this.buf.length) return undefined;
      return this.buf.subarray(off, off + size);
    }
    return undefined;
  }

  private u16(at: number): number {
    this.need(at, 2);
    return this.littleEndian ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  private u32(at: number): number {
    this.need(at, 4);
    return this.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  private big(at: number): bigint {
    this.need(at, 8);
    return this.littleEndian ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
  }

  private u64(at: number): number {
    const v = this.big(at);
    // Offsets and sizes beyond the file are useless anyway; clamp instead of losing precision.
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }

  private need(at: number, n: number): void {
    if (at < 0 || at + n > this.buf.length) throw new CatalogError('invalid-elf', `ELF structure at ${at} runs past the end of the file`);
  }
}
