import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cataloger, CatalogResult, FileInfo, FileType, LayerRef } from '../../src/model';

export const LAYER: LayerRef = { digest: `sha256:${'0'.repeat(64)}`, index: 0 };

/** Runs one cataloger over one file the way an image reader would: `required` first, then `analyze`. */
export async function runCataloger(
  cataloger: Cataloger,
  path: string,
  content: Buffer | string,
  opts: { mode?: number; type?: FileType } = {},
): Promise<CatalogResult> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const info: FileInfo = { path, type: opts.type ?? 'file', size: buf.length, mode: opts.mode ?? 0o644 };
  if (!cataloger.required(info)) throw new Error(`${cataloger.id} does not want ${path}`);
  if (buf.length > cataloger.maxFileSize) throw new Error(`${path} is above ${cataloger.id}'s maxFileSize`);
  return cataloger.analyze({ info, content: buf, layer: LAYER });
}

/** Reads `<specDir>/testdata/<name>`. */
export function testdata(specDir: string, name: string): Buffer {
  return readFileSync(join(specDir, 'testdata', name));
}

export function nameVersions(r: CatalogResult): string[] {
  return r.packages.map((p) => `${p.namespace ? p.namespace + '/' : ''}${p.name}@${p.version}`).sort();
}

export function noteCodes(r: CatalogResult): string[] {
  return (r.notes ?? []).map((n) => n.code).sort();
}

/**
 * Feeds every regular file under `root` to the catalogers that want it, the way an image reader
 * would (path inside the "image" = path relative to root). Symlinks are not followed.
 */
export async function catalogTree(root: string, catalogers: Cataloger[], prefix = ''): Promise<CatalogResult & { notes: NonNullable<CatalogResult['notes']> }> {
  const { lstatSync, readdirSync } = await import('node:fs');
  const out: CatalogResult & { notes: NonNullable<CatalogResult['notes']> } = { packages: [], notes: [] };
  const walk = async (dir: string): Promise<void> => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!st.isFile()) continue;
      const info: FileInfo = { path: prefix + full.slice(root.length), type: 'file', size: st.size, mode: st.mode & 0o7777 };
      for (const c of catalogers) {
        if (!c.required(info) || st.size > c.maxFileSize) continue;
        const r = await c.analyze({ info, content: readFileSync(full), layer: LAYER });
        out.packages.push(...r.packages);
        out.notes.push(...(r.notes ?? []));
        if (r.os) out.os = r.os;
      }
    }
  };
  await walk(root);
  return out;
}
