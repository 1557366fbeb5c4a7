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
