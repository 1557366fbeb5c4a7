import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { makePackage } from '../../internal/package.builder';
import { clip, decodeText, looksBinary, paragraphs } from '../../internal/text';

const DB = '/lib/apk/db/installed';
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const VERSION_RE = /^[A-Za-z0-9_.+~-]+$/;

interface ApkRecord {
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  commit?: string;
  depends: string[];
  provides: string[];
}

/**
 * Alpine/Wolfi installed database: one paragraph per package of single-letter `X:value` lines
 * (P name, V version, A arch, o origin, L license, D depends, p provides, F/R files).
 */
export class ApkCataloger implements Cataloger {
  readonly id = 'apk-db';
  readonly version = 1;
  readonly maxFileSize = 64 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return info.type === 'file' && info.path === DB;
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    if (looksBinary(content)) {
      return { packages: [], notes: [{ level: 'warning', code: 'apk-unreadable', message: `${info.path} is binary, not an apk database`, path: info.path }] };
    }
    const notes: ScanNote[] = [];
    const found: { pkg: Package; rec: ApkRecord }[] = [];
    let invalid = 0;
    for (const para of paragraphs(decodeText(content))) {
      const rec: ApkRecord = { depends: [], provides: [] };
      for (const line of para.lines) {
        if (line.length < 2 || line[1] !== ':') continue;
        const v = line.slice(2).trim();
        switch (line[0]) {
          case 'P': rec.name = v; break;
          case 'V': rec.version = v; break;
          case 'A': rec.arch = v; break;
          case 'o': rec.origin = v; break;
          case 'L': rec.license = v; break;
          case 'm': rec.maintainer = v; break;
          case 'c': rec.commit = v; break;
          case 'D': rec.depends = v.split(/\s+/).filter(Boolean); break;
          case 'p': rec.provides = v.split(/\s+/).filter(Boolean); break;
        }
      }
      if (rec.name === undefined && rec.version === undefined) continue;
      if (!rec.name || !rec.version || !NAME_RE.test(rec.name) || !VERSION_RE.test(rec.version) || rec.name.length > 256 || rec.version.length > 128) {
        invalid++;
        continue;
      }
      const metadata: Record<string, string> = {};
      if (rec.maintainer) metadata.maintainer = clip(rec.maintainer);
      if (rec.commit) metadata.commit = clip(rec.commit, 64);
      const origin = rec.origin && NAME_RE.test(rec.origin) ? rec.origin : rec.name;
      const pkg = makePackage(
        {
          type: 'apk',
          namespace: 'alpine',
          name: rec.name,
          version: rec.version,
          qualifiers: { arch: rec.arch && /^[a-z0-9_]+$/.test(rec.arch) ? rec.arch : undefined },
          // Alpine's license field is usually an SPDX expression written with spaces, e.g. "MIT AND BSD-2-Clause".
          licenses: rec.license ? [rec.license] : [],
          sourceName: origin,
          sourceVersion: rec.version,
          arch: rec.arch ? clip(rec.arch, 32) : undefined,
          metadata,
        },
        this.id,
        input,
      );
      found.push({ pkg, rec });
    }
    if (invalid > 0) notes.push({ level: 'warning', code: 'apk-invalid-entries', message: `${invalid} record(s) in ${info.path} have no valid P:/V: and were skipped`, path: info.path });
    resolveDepends(found);
    return notes.length ? { packages: found.map((f) => f.pkg), notes } : { packages: found.map((f) => f.pkg) };
  }
}

/** `D:` lists names, `so:libc.musl-x86_64.so.1` or `cmd:sh`; resolve through `P:` and `p:` of the same db. */
function resolveDepends(found: { pkg: Package; rec: ApkRecord }[]): void {
  const provider = new Map<string, Package>();
  for (const { pkg, rec } of found) {
    provider.set(pkg.name, pkg);
    for (const p of rec.provides) {
      const key = p.split('=')[0];
      if (!provider.has(key)) provider.set(key, pkg);
    }
  }
  for (const { pkg, rec } of found) {
    const deps = new Set<string>();
    for (const d of rec.depends) {
      if (d.startsWith('!')) continue;
      const key = d.split(/[<>=~]/)[0];
      const p = provider.get(key);
      if (p && p !== pkg) deps.add(p.purl);
    }
    if (deps.size) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...deps].sort() };
  }
}
