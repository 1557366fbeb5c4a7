import { ElfFile } from '../../internal/elf.reader';

/**
 * Go embeds build information in `.go.buildinfo` (debug/buildinfo in the Go source is the
 * reference). A 32-byte header starts with "\xff Go buildinf:", then pointer size and flags.
 *  - flags & 2 (Go ≥ 1.18): version and module info follow inline as uvarint-prefixed strings.
 *  - otherwise (Go 1.13–1.17): two pointers to Go string headers {data, len} in the data segment.
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const MAX_STRING = 4 * 1024 * 1024;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

function uvarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i + 1 };
    shift += 7;
  }
  return undefined;
}

function readInline(buf: Buffer, at: number): { s: string; next: number } | undefined {
  const len = uvarint(buf, at);
  if (!len || len.value > MAX_STRING || len.next + len.value > buf.length) return undefined;
  return { s: buf.toString('utf8', len.next, len.next + len.value), next: len.next + len.value };
}

function readPointerString(elf: ElfFile, ptrAddr: bigint, ptrSize: number, bigEndian: boolean): string | undefined {
  const ptr = (b: Buffer | undefined): bigint | undefined => {
    if (!b) return undefined;
    if (ptrSize === 8) return bigEndian ? b.readBigUInt64BE(0) : b.readBigUInt64LE(0);
    return BigInt(bigEndian ? b.readUInt32BE(0) : b.readUInt32LE(0));
  };
  const header = elf.readAt(ptrAddr, ptrSize);
  const strHeaderAddr = ptr(header);
  if (strHeaderAddr === undefined) return undefined;
  const dataAddr = ptr(elf.readAt(strHeaderAddr, ptrSize));
  const len = ptr(elf.readAt(strHeaderAddr + BigInt(ptrSize), ptrSize));
  if (dataAddr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
  if (len === 0n) return '';
  return elf.readAt(dataAddr, Number(len))?.toString('utf8');
}

/** Finds and decodes the build info of an ELF Go binary; undefined when it is not one. */
export function readGoBuildInfo(elf: ElfFile, whole: Buffer): GoBuildInfo | undefined {
  let data = elf.section('.go.buildinfo');
  let dataAddr = elf.sections.find((s) => s.name === '.go.buildinfo')?.addr;
  if (!data) {
    // Section headers stripped: look for the magic in the file itself.
    const at = whole.indexOf(MAGIC);
    if (at < 0) return undefined;
    data = whole.subarray(at, Math.min(whole.length, at + 64 * 1024));
    dataAddr = undefined;
  }
  let at = data.indexOf(MAGIC);
  if (at < 0 || at + 32 > data.length) return undefined;
  data = data.subarray(at);
  const ptrSize = data[14];
  const flags = data[15];
  let version: string | undefined;
  let mod: string | undefined;
  if ((flags & 2) !== 0) {
    const v = readInline(data, 32);
    if (!v) return undefined;
    const m = readInline(data, v.next);
    version = v.s;
    mod = m?.s ?? '';
  } else {
    if ((ptrSize !== 4 && ptrSize !== 8) || dataAddr === undefined) return undefined;
    const base = dataAddr + BigInt(at);
    const bigEndian = (flags & 1) !== 0;
    version = readPointerString(elf, base + 16n, ptrSize, bigEndian);
    mod = readPointerString(elf, base + 16n + BigInt(ptrSize), ptrSize, bigEndian) ?? '';
  }
  at = 0;
  if (!version || !/^go\d/.test(version) && !/^devel/.test(version)) return undefined;
  // Module info is wrapped in 16-byte sentinels (cmd/go/internal/modload's infoStart/infoEnd).
  if (mod.length >= 33 && mod[mod.length - 17] === '\n') mod = mod.slice(16, mod.length - 16);
  return { goVersion: version, ...parseModInfo(mod) };
}

export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const info: Omit<GoBuildInfo, 'goVersion'> = { deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        info.path = f[1];
        break;
      case 'mod':
        if (f[1]) {
          info.main = { path: f[1], version: f[2] ?? '', sum: f[3] || undefined };
          last = info.main;
        }
        break;
      case 'dep':
        if (f[1]) {
          last = { path: f[1], version: f[2] ?? '', sum: f[3] || undefined };
          info.deps.push(last);
        }
        break;
      case '=>':
        if (last && f[1]) last.replace = { path: f[1], version: f[2] ?? '', sum: f[3] || undefined };
        break;
      case 'build': {
        const kv = f.slice(1).join('\t');
        const eq = kv.indexOf('=');
        if (eq > 0 && Object.keys(info.settings).length < 64) info.settings[kv.slice(0, eq)] = kv.slice(eq + 1).slice(0, 512);
        break;
      }
    }
  }
  return info;
}
