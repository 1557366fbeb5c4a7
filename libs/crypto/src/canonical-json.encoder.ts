import { CryptoError } from './errors';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - object members sorted by their names' UTF-16 code units (what Array#sort does by default);
 * - numbers in ECMAScript Number#toString form (RFC 8785 section 3.2.2.3 adopts exactly that);
 * - strings escaped as ECMAScript JSON.stringify does (only `"`, `\` and C0 controls), which is
 *   the RFC's rule; lone surrogates are rejected because JCS input must be I-JSON;
 * - no whitespace.
 *
 * Stricter than JSON.stringify on purpose, because a silently dropped or altered field would make
 * two different records hash the same: `undefined` (anywhere, including as a member value),
 * NaN/Infinity, bigint, functions, symbols, cycles, and objects that are neither plain objects
 * nor arrays (Map, Set, class instances) are rejected with code `not-canonicalizable`. Values
 * with a `toJSON` method (Date, Buffer) are replaced by its result first, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set<object>(), '$');
  return out.join('');
}

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function fail(path: string, why: string): never {
  throw new CryptoError('not-canonicalizable', `cannot canonicalise ${path}: ${why}`);
}

function write(input: unknown, out: string[], ancestors: Set<object>, path: string): void {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(path.slice(path.lastIndexOf('.') + 1));
  }
  if (typeof value === 'string') {
    out.push(quote(value, path));
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `${String(value)} is not a JSON number`);
    // Number#toString is RFC 8785's serialisation; -0 prints as "0" as the RFC requires.
    out.push(String(value));
    return;
  }
  if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
    return;
  }
  if (value === undefined) fail(path, 'undefined is not JSON');
  if (typeof value === 'bigint') fail(path, 'bigint is not a JSON number (convert it to a string or a safe number)');
  if (typeof value === 'function') fail(path, 'functions are not JSON');
  if (typeof value === 'symbol') fail(path, 'symbols are not JSON');
  if (value === null) {
    out.push('null');
    return;
  }
  const obj = value as object;
  if (ancestors.has(obj)) fail(path, 'cyclic reference');
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      // Holes in sparse arrays read as undefined and are rejected like any undefined.
      write(obj[i], out, ancestors, `${path}[${i}]`);
    }
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const ctor = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      fail(path, `${ctor} is not a plain object or array`);
    }
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(quote(key, `${path} key`), ':');
      write(record[key], out, ancestors, `${path}.${key}`);
    });
    out.push('}');
  }
  ancestors.delete(obj);
}

function quote(text: string, path: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) fail(path, `lone surrogate at index ${i}`);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      fail(path, `lone surrogate at index ${i}`);
    }
  }
  // For well-formed strings JSON.stringify applies exactly RFC 8785 section 3.2.2.2: \b \t \n \f
  // \r \" \\ as two-character escapes, other C0 controls as \u00xx (lowercase), the rest verbatim.
  return JSON.stringify(text);
}
