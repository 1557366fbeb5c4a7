import { inflateSync } from 'node:zlib';
import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { ElfFile, isElf } from '../../internal/elf.reader';
import { makePackage } from '../../internal/package.builder';
import { isCandidateExecutable } from '../golang/go-binary.cataloger';
import { CRATE_NAME_RE, CRATE_VERSION_RE } from './cargo-lock.cataloger';

const MAX_JSON = 16 * 1024 * 1024;

interface AuditablePackage {
  name: string;
  version: string;
  source: string;
  kind: string;
  dependencies: number[];
  root: boolean;
}

/** Validates cargo-auditable's JSON (`{"packages":[{name, version, source, kind?, dependencies?, root?}]}`). */
export function parseAuditableJson(text: string): AuditablePackage[] {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { packages?: unknown }).packages)) throw new Error('no "packages" array');
  const list = (doc as { packages: unknown[] }).packages;
  return list.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw new Error(`package #${i} is not an object`);
    const r = raw as Record<string, unknown>;
    if (typeof r.name !== 'string' || typeof r.version !== 'string') throw new Error(`package #${i} has no name/version`);
    const deps = Array.isArray(r.dependencies) ? r.dependencies.filter((d): d is number => Number.isInteger(d) && d >= 0 && d < list.length) : [];
    return {
      name: r.name,
      version: r.version,
      source: typeof r.source === 'string' ? r.source : 'unknown',
      kind: typeof r.kind === 'string' ? r.kind : 'runtime',
      dependencies: deps,
      root: r.root === true,
    };
  });
}

/**
 * Rust binaries built with cargo-auditable: the `.dep-v0` ELF section holds zlib-compressed
 * JSON listing every crate compiled in. Build-time-only crates (`kind: build`) are not in the
 * binary and are skipped.
 */
export class RustBinaryCataloger implements Cataloger {
  readonly id = 'rust-binary';
  readonly version = 1;
  readonly maxFileSize = 512 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return isCandidateExecutable(info);
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    if (!isElf(content)) return { packages: [] };
    let list: AuditablePackage[];
    try {
      const section = new ElfFile(content).section('.dep-v0');
      if (!section) return { packages: [] };
      const json = inflateSync(section, { maxOutputLength: MAX_JSON });
      list = parseAuditableJson(json.toString('utf8'));
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'rust-audit-data-invalid', message: `${info.path}: cargo-auditable data unreadable: ${errorMessage(err)}`, path: info.path }] };
    }
    const pkgs: (Package | undefined)[] = list.map((p) => {
      if (p.kind === 'build' || !CRATE_NAME_RE.test(p.name) || !CRATE_VERSION_RE.test(p.version)) return undefined;
      const metadata: Record<string, string | boolean> = { source: p.source.slice(0, 32) };
      if (p.root) metadata.root = true;
      return makePackage({ type: 'cargo', name: p.name, version: p.version, metadata }, this.id, input);
    });
    list.forEach((p, i) => {
      const pkg = pkgs[i];
      if (!pkg) return;
      const deps = p.dependencies.map((d) => pkgs[d]?.purl).filter((x): x is string => !!x && x !== pkg.purl);
      if (deps.length) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...new Set(deps)].sort() };
    });
    return { packages: pkgs.filter((p): p is Package => p !== undefined) };
  }
}
