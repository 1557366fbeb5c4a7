const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 decode (invalid bytes become U+FFFD), BOM stripped, CRLF normalised. */
export function decodeText(content: Buffer | Uint8Array): string {
  let s = decoder.decode(content);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** Heuristic for binary junk handed to a text parser: NUL bytes in the first 8 KiB. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

export interface HeaderField {
  key: string;
  value: string;
}

/**
 * RFC 822 style header block (`Key: value`, continuation lines start with whitespace), as used
 * by dpkg's status file and Python's METADATA. Keys keep their spelling; compare lower-cased.
 */
export function parseHeaderLines(lines: string[]): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      const last = fields[fields.length - 1];
      // A lone " ." marks an empty line inside a multi-line dpkg field.
      last.value += '\n' + (line.trim() === '.' ? '' : line.replace(/^[ \t]/, ''));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export class Headers {
  private readonly map = new Map<string, string[]>();

  constructor(fields: HeaderField[]) {
    for (const f of fields) {
      const k = f.key.toLowerCase();
      const list = this.map.get(k);
      if (list) list.push(f.value);
      else this.map.set(k, [f.value]);
    }
  }

  get(key: string): string | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  all(key: string): string[] {
    return this.map.get(key.toLowerCase()) ?? [];
  }
}

/** Splits text into blank-line separated paragraphs, each as its lines. */
export function paragraphs(text: string): { lines: string[]; startLine: number }[] {
  const out: { lines: string[]; startLine: number }[] = [];
  let cur: string[] = [];
  let start = 1;
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === '') {
      if (cur.length) out.push({ lines: cur, startLine: start });
      cur = [];
      start = i + 2;
    } else {
      cur.push(line);
    }
  }
  if (cur.length) out.push({ lines: cur, startLine: start });
  return out;
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : '/';
}

/** Clips a field to a sane length so hostile input cannot blow up downstream output. */
export function clip(s: string, max = 256): string {
  return s.length > max ? s.slice(0, max) : s;
}
