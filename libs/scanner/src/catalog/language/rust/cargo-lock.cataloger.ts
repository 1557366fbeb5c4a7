import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { basename, decodeText, looksBinary } from '../../internal/text';
import { parseCargoLock } from './cargo-lock.parser';

export const CRATE_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
export const CRATE_VERSION_RE = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/;

/** `registry+https://github.com/rust-lang/crates.io-index` → `crates.io`; paths → `local`. */
export function cargoSourceKind(source: string | undefined): string {
  if (!source) return 'local';
  if (source === 'registry+https://github.com/rust-lang/crates.io-index' || source === 'sparse+https://index.crates.io/') return 'crates.io';
  if (source.startsWith('git+')) return 'git';
  return 'registry';
}

/**
 * Cargo.lock: every locked crate, including the workspace's own (source-less, marked
 * `source: local`). Dependencies resolve by "name", "name version" or "name version (source)".
 */
export class CargoLockCataloger implements Cataloger {
  readonly id = 'cargo-lock';
  readonly version = 1;
  readonly maxFileSize = 32 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return info.type === 'file' && basename(info.path) === 'Cargo.lock';
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    if (looksBinary(content)) return { packages: [], notes: [{ level: 'warning', code: 'cargo-lock-invalid', message: `${info.path} is binary`, path: info.path }] };
    let lock;
    try {
      lock = parseCargoLock(decodeText(content));
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'cargo-lock-invalid', message: `${info.path}: ${errorMessage(err)}`, path: info.path }] };
    }
    const packages: Package[] = [];
    const byName = new Map<string, Package[]>();
    const entries: { pkg: Package; deps: string[]; source?: string }[] = [];
    let invalid = 0;
    for (const e of lock.packages) {
      if (!CRATE_NAME_RE.test(e.name) || !CRATE_VERSION_RE.test(e.version)) {
        invalid++;
        continue;
      }
      const metadata: Record<string, string> = { source: cargoSourceKind(e.source) };
      if (e.checksum && /^[0-9a-f]{64}$/.test(e.checksum)) metadata.checksum = `sha256:${e.checksum}`;
      const pkg = makePackage({ type: 'cargo', name: e.name, version: e.version, metadata }, this.id, input);
      packages.push(pkg);
      byName.set(e.name, [...(byName.get(e.name) ?? []), pkg]);
      entries.push({ pkg, deps: e.dependencies });
    }
    for (const { pkg, deps } of entries) {
      const out = new Set<string>();
      for (const d of deps) {
        const [name, version] = d.split(' ');
        const cands = byName.get(name) ?? [];
        const hit = version ? cands.find((c) => c.version === version) : cands[0];
        if (hit) out.add(hit.purl);
      }
      if (out.size) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...out].sort() };
    }
    const notes = invalid ? [{ level: 'warning' as const, code: 'cargo-lock-invalid-entries', message: `${invalid} crate(s) in ${info.path} have an invalid name or version`, path: info.path }] : undefined;
    return notes ? { packages, notes } : { packages };
  }
}
