import { ByteReader } from './byte-reader';
import { ImageError } from './errors';

/**
 * A streaming tar reader: ustar/POSIX, GNU long names and link names (`L`/`K`), PAX extended
 * (`x`) and global (`g`) headers with `path`, `linkpath` and `size`. It never buffers a body
 * unless asked to, and every size it trusts comes with a cap.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarHeader {
  /** Name exactly as stored (after PAX / GNU long-name overrides), not normalised. */
  name: string;
  type: TarEntryType;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkName: string;
  /** Offset of the entry's data in the (uncompressed) tar stream. */
  dataOffset: number;
}

export interface TarEntry {
  header: TarHeader;
  /** The body in chunks; may be called once. Unread bodies are skipped automatically. */
  chunks(): AsyncGenerator<Buffer>;
  /** The whole body in one buffer; refuses bodies above `maxBytes`. */
  readAll(maxBytes: number): Promise<Buffer>;
}

export interface TarReadOptions {
  /** Used in error messages: which layer or archive this is. */
  what: string;
  maxEntries: number;
  maxPathLength: number;
  maxPaxHeaderBytes: number;
  /** Called for every header, before the entry is yielded (counts against image-wide caps). */
  onEntry?: (count: number) => void;
}

const BLOCK = 512;

/** Go's archive/tar (and GNU tar) store no data after these, whatever the size field says. */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return (nul === -1 ? field : field.subarray(0, nul)).toString('utf8');
}

function parseNumber(block: Buffer, start: number, length: number, field: string, what: string): number {
  const raw = block.subarray(start, start + length);
  if (raw[0] & 0x80) {
    // GNU base-256: big-endian, first byte's top bit is the marker; 0xff means negative.
    if (raw[0] === 0xff) throw new ImageError('malformed-tar', `${what}: negative ${field} in tar header`);
    let value = raw[0] & 0x7f;
    for (let i = 1; i < raw.length; i++) {
      value = value * 256 + raw[i];
      if (value > Number.MAX_SAFE_INTEGER) throw new ImageError('malformed-tar', `${what}: ${field} too large in tar header`);
    }
    return value;
  }
  const text = raw.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[ \0]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new ImageError('malformed-tar', `${what}: ${field} field is not octal: ${JSON.stringify(text.slice(0, 20))}`);
  }
  const value = parseInt(text, 8);
  if (!Number.isSafeInteger(value)) throw new ImageError('malformed-tar', `${what}: ${field} too large in tar header`);
  return value;
}

function checksumOk(block: Buffer, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function typeOf(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
    case 'S':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
    case 'D':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

/** Parses PAX records: `"<len> <key>=<value>\n"` repeated, where len counts the whole record. */
export function parsePaxRecords(data: Buffer, what: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers pad with NULs
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw new ImageError('malformed-tar', `${what}: malformed PAX record length`);
    const lenText = data.toString('latin1', pos, space);
    if (!/^[0-9]+$/.test(lenText)) throw new ImageError('malformed-tar', `${what}: malformed PAX record length`);
    const len = parseInt(lenText, 10);
    if (len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new ImageError('malformed-tar', `${what}: PAX record overruns its header`);
    }
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new ImageError('malformed-tar', `${what}: PAX record without a key`);
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function paxSize(value: string, what: string): number {
  if (!/^[0-9]+$/.test(value)) throw new ImageError('malformed-tar', `${what}: PAX size is not a number`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ImageError('malformed-tar', `${what}: PAX size too large`);
  return n;
}

/**
 * Reads tar entries from a stream of chunks. Consumes the input up to the end-of-archive
 * marker; the caller decides whether to drain what follows (digest verification needs it).
 */
export async function* readTar(reader: ByteReader, opts: TarReadOptions): AsyncGenerator<TarEntry> {
  const what = opts.what;
  const globalPax = new Map<string, string>();
  let count = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;

  for (;;) {
    const block = await reader.readExact(BLOCK);
    if (block === null) {
      // Missing end-of-archive blocks: tolerated (many writers omit them), unless metadata was pending.
      if (longName !== undefined || longLink !== undefined || pax !== undefined) {
        throw new ImageError('truncated', `${what}: tar ends after an extended header`);
      }
      return;
    }
    if (isZeroBlock(block)) {
      // End of archive; the second zero block is optional in practice.
      const next = await reader.readExact(BLOCK).catch((err: unknown) => {
        if (err instanceof ImageError && err.code === 'truncated') return null;
        throw err;
      });
      if (next !== null && !isZeroBlock(next)) {
        throw new ImageError('malformed-tar', `${what}: data after a zero block at offset ${reader.position - 2 * BLOCK}`);
      }
      return;
    }

    count++;
    if (count > opts.maxEntries) {
      throw new ImageError('too-many-entries', `${what}: more than ${opts.maxEntries} tar entries`);
    }
    opts.onEntry?.(count);

    const storedSum = parseNumber(block, 148, 8, 'checksum', what);
    if (!checksumOk(block, storedSum)) {
      throw new ImageError('malformed-tar', `${what}: bad tar header checksum at offset ${reader.position - BLOCK}`);
    }
    const typeflag = String.fromCharCode(block[156]);
    let size = parseNumber(block, 124, 12, 'size', what);
    const magic = block.toString('latin1', 257, 263);

    // Extended headers: read their body, remember, continue with the next header.
    if (typeflag === 'L' || typeflag === 'K') {
      if (size > opts.maxPathLength) {
        throw new ImageError('malformed-tar', `${what}: GNU long ${typeflag === 'L' ? 'name' : 'link'} of ${size} bytes exceeds ${opts.maxPathLength}`);
      }
      const body = await readBody(reader, size, what);
      const nul = body.indexOf(0);
      const text = (nul === -1 ? body : body.subarray(0, nul)).toString('utf8');
      if (typeflag === 'L') longName = text;
      else longLink = text;
      continue;
    }
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'X') {
      if (size > opts.maxPaxHeaderBytes) {
        throw new ImageError('malformed-tar', `${what}: PAX header of ${size} bytes exceeds ${opts.maxPaxHeaderBytes}`);
      }
      const records = parsePaxRecords(await readBody(reader, size, what), what);
      if (typeflag === 'g') {
        for (const [k, v] of records) globalPax.set(k, v);
      } else {
        pax = records;
      }
      continue;
    }
    if (typeflag === 'V') {
      await reader.skip(padded(size));
      continue;
    }
    if (typeflag === 'M') {
      throw new ImageError('malformed-tar', `${what}: multi-volume tar archives are not supported`);
    }

    let name = cString(block, 0, 100);
    if (magic === 'ustar\0') {
      const prefix = cString(block, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    let linkName = cString(block, 157, 100);
    const records = new Map([...globalPax, ...(pax ?? [])]);
    if (longName !== undefined) name = longName;
    if (longLink !== undefined) linkName = longLink;
    const paxPath = records.get('path');
    if (paxPath !== undefined) name = paxPath;
    const paxLink = records.get('linkpath');
    if (paxLink !== undefined) linkName = paxLink;
    const paxSizeValue = records.get('size');
    if (paxSizeValue !== undefined) size = paxSize(paxSizeValue, what);
    longName = undefined;
    longLink = undefined;
    pax = undefined;
    if (name.length > opts.maxPathLength || linkName.length > opts.maxPathLength) {
      throw new ImageError('malformed-tar', `${what}: path longer than ${opts.maxPathLength} characters`);
    }

    const dataSize = HEADER_ONLY.has(typeflag) ? 0 : size;
    const header: TarHeader = {
      name,
      type: typeOf(typeflag),
      typeflag,
      size: dataSize,
      mode: parseNumber(block, 100, 8, 'mode', what) & 0o7777,
      uid: parseNumber(block, 108, 8, 'uid', what),
      gid: parseNumber(block, 116, 8, 'gid', what),
      mtime: parseNumber(block, 136, 12, 'mtime', what),
      linkName,
      dataOffset: reader.position,
    };

    let consumed = false;
    const entry: TarEntry = {
      header,
      chunks: () => {
        if (consumed) throw new Error('tar entry body already consumed');
        consumed = true;
        return reader.chunks(dataSize);
      },
      readAll: async (maxBytes: number) => {
        if (dataSize > maxBytes) {
          throw new ImageError('malformed-tar', `${what}: entry ${name} is ${dataSize} bytes, more than ${maxBytes}`);
        }
        if (consumed) throw new Error('tar entry body already consumed');
        consumed = true;
        return readBody(reader, dataSize, what, false);
      },
    };
    const start = reader.position;
    yield entry;
    // Skip whatever the consumer left unread, then the padding to the next block.
    const read = reader.position - start;
    if (read > dataSize) throw new Error('tar reader: body over-read');
    await reader.skip(dataSize - read + (padded(dataSize) - dataSize));
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

async function readBody(reader: ByteReader, size: number, what: string, withPadding = true): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of reader.chunks(size)) parts.push(chunk);
  if (withPadding) await reader.skip(padded(size) - size);
  const out = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts, size);
  if (out.length !== size) throw new ImageError('truncated', `${what}: short tar body`);
  return out;
}
