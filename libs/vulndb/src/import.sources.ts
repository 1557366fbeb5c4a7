import { createReadStream } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { VulnDbError } from './errors';
import { ZipReader, type ZipLimits } from './zip.reader';

/** One JSON document to import, or a failure to read it (reported, never fatal). */
export type SourceItem = { source: string; text: string } | { source: string; error: string; code: 'read-error' | 'too-large' };

export type InputKind = 'osv-directory' | 'osv-zip' | 'osv-json' | 'kev-json' | 'epss-csv';

/** Largest single JSON file read from a directory or given directly. */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What a path holds, told by what is on disk and by magic bytes (not by its name). */
export async function detectInput(path: string): Promise<InputKind> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new VulnDbError('unsupported-input', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  if (st.isDirectory()) return 'osv-directory';
  if (!st.isFile()) throw new VulnDbError('unsupported-input', `${path}: not a file or directory`);
  let start = await head(path, 4096);
  if (start.length >= 4 && start[0] === 0x50 && start[1] === 0x4b) return 'osv-zip';
  if (start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b) {
    start = await gunzipHead(path, 4096);
    const text = start.toString('utf8').trimStart();
    if (isEpssHeader(text)) return 'epss-csv';
    throw new VulnDbError('unsupported-input', `${path}: a gzip file that is not an EPSS CSV`);
  }
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (isEpssHeader(text)) return 'epss-csv';
  if (text.startsWith('[')) return 'osv-json';
  if (text.startsWith('{')) {
    // The KEV catalog starts with its title/catalogVersion; an OSV record has id/modified.
    if (/"catalogVersion"\s*:/.test(text) || (/"vulnerabilities"\s*:/.test(text) && /"cveID"\s*:/.test(text))) return 'kev-json';
    return 'osv-json';
  }
  throw new VulnDbError('unsupported-input', `${path}: not an OSV directory, zip or JSON file, a KEV catalog (JSON) or an EPSS CSV`);
}

function isEpssHeader(text: string): boolean {
  return text.startsWith('#model_version') || /^cve,epss,percentile/i.test(text);
}

async function gunzipHead(path: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      got += (c as Buffer).length;
      if (got >= n) break;
    }
  } catch {
    // a truncated gzip still tells us its first bytes
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** Every `*.json` below a directory, in a stable (sorted) order, one file at a time. */
export async function* directoryItems(dir: string, maxBytes = MAX_JSON_FILE_BYTES): AsyncGenerator<SourceItem> {
  const names: string[] = [];
  const subdirs: string[] = [];
  const d = await opendir(dir);
  for await (const ent of d) {
    if (ent.isDirectory()) subdirs.push(ent.name);
    else if (ent.isFile() && ent.name.toLowerCase().endsWith('.json')) names.push(ent.name);
  }
  names.sort();
  subdirs.sort();
  for (const name of names) {
    const p = join(dir, name);
    try {
      const st = await stat(p);
      if (st.size > maxBytes) {
        yield { source: p, code: 'too-large', error: `${st.size} bytes, over the ${maxBytes}-byte limit` };
        continue;
      }
      const fh = await open(p, 'r');
      try {
        yield { source: p, text: (await fh.readFile()).toString('utf8') };
      } finally {
        await fh.close();
      }
    } catch (err) {
      yield { source: p, code: 'read-error', error: err instanceof Error ? err.message : String(err) };
    }
  }
  for (const s of subdirs) yield* directoryItems(join(dir, s), maxBytes);
}

/** Every `*.json` entry of a zip (osv.dev `all.zip` and friends), one entry at a time. */
export async function* zipItems(path: string, limits?: Partial<ZipLimits>): AsyncGenerator<SourceItem> {
  const zip = await ZipReader.open(path, limits);
  try {
    for await (const e of zip.entries()) {
      if (e.name.endsWith('/') || !e.name.toLowerCase().endsWith('.json')) continue;
      const source = `${path}!/${e.name}`;
      try {
        yield { source, text: (await zip.read(e)).toString('utf8') };
      } catch (err) {
        if (err instanceof VulnDbError && err.code === 'too-large') yield { source, code: 'too-large', error: err.message };
        else yield { source, code: 'read-error', error: err instanceof Error ? err.message : String(err) };
      }
    }
  } finally {
    await zip.close();
  }
}

/** A JSON file holding one record or an array of them. */
export async function* jsonFileItems(path: string, maxBytes = MAX_JSON_FILE_BYTES): AsyncGenerator<SourceItem> {
  const st = await stat(path);
  if (st.size > maxBytes) {
    throw new VulnDbError('too-large', `${path}: ${st.size} bytes, over the ${maxBytes}-byte limit for one JSON file (use a zip or a directory of records)`);
  }
  const fh = await open(path, 'r');
  try {
    yield { source: path, text: (await fh.readFile()).toString('utf8') };
  } finally {
    await fh.close();
  }
}
