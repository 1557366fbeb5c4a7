import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { makePackage } from '../../internal/package.builder';
import { basename, clip, decodeText, Headers, looksBinary, paragraphs, parseHeaderLines } from '../../internal/text';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';

/** Debian package names: lower-case alphanumerics and `+-.`, at least two characters. */
const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION_RE = /^[A-Za-z0-9.+~:-]+$/;

/** `libfoo (>= 1.2), bar | baz` → names; alternatives and versions are dropped. */
export function parseDependsNames(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(',')
    .map((clause) =>
      clause
        .split('|')
        .map((alt) => alt.trim().split(/[\s(:[<]/)[0])
        .filter((n) => NAME_RE.test(n)),
    )
    .filter((alts) => alts.length > 0);
}

/**
 * dpkg database: `/var/lib/dpkg/status` (one paragraph per package) and distroless's
 * `/var/lib/dpkg/status.d/<name>` (one control paragraph per file). Only packages whose Status
 * says `installed` are reported; status.d files often carry no Status field and count as installed.
 */
export class DpkgCataloger implements Cataloger {
  readonly id = 'dpkg-db';
  readonly version = 1;
  readonly maxFileSize = 64 * 1024 * 1024;

  required(info: FileInfo): boolean {
    if (info.type !== 'file') return false;
    if (info.path === STATUS) return true;
    if (!info.path.startsWith(STATUS_D)) return false;
    const name = info.path.slice(STATUS_D.length);
    return name.length > 0 && !name.includes('/') && !name.endsWith('.md5sums');
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    const notes: ScanNote[] = [];
    if (looksBinary(content)) {
      return { packages: [], notes: [{ level: 'warning', code: 'dpkg-unreadable', message: `${info.path} is binary, not a dpkg status file`, path: info.path }] };
    }
    const inStatusD = info.path.startsWith(STATUS_D);
    const found: { pkg: Package; depends: string[][] }[] = [];
    let skippedInvalid = 0;
    for (const para of paragraphs(decodeText(content))) {
      const h = new Headers(parseHeaderLines(para.lines));
      const name = h.get('Package');
      const version = h.get('Version');
      const status = h.get('Status');
      if (!name && !version) continue;
      if (status !== undefined) {
        // "want flag status": only the third word says whether it is on disk.
        const words = status.split(/\s+/);
        if (words[2] !== 'installed') continue;
      } else if (!inStatusD) {
        continue;
      }
      if (!name || !version || !NAME_RE.test(name) || !VERSION_RE.test(version) || name.length > 256 || version.length > 256) {
        skippedInvalid++;
        continue;
      }
      const arch = h.get('Architecture');
      const { sourceName, sourceVersion } = parseSource(h.get('Source'), name, version);
      const metadata: Record<string, string> = {};
      const multiArch = h.get('Multi-Arch');
      if (multiArch) metadata.multiArch = clip(multiArch, 32);
      const maintainer = h.get('Maintainer');
      if (maintainer) metadata.maintainer = clip(maintainer);
      const pkg = makePackage(
        {
          type: 'deb',
          namespace: 'debian',
          name,
          version,
          qualifiers: { arch: arch && /^[a-z0-9-]+$/.test(arch) ? arch : undefined },
          sourceName,
          sourceVersion,
          arch: arch ? clip(arch, 32) : undefined,
          metadata,
        },
        this.id,
        input,
      );
      found.push({ pkg, depends: [...parseDependsNames(h.get('Depends')), ...parseDependsNames(h.get('Pre-Depends'))] });
    }
    if (skippedInvalid > 0) {
      notes.push({ level: 'warning', code: 'dpkg-invalid-entries', message: `${skippedInvalid} paragraph(s) in ${info.path} have no valid Package/Version and were skipped`, path: info.path });
    }
    resolveDepends(found);
    if (found.length === 0 && !inStatusD && notes.length === 0) {
      notes.push({ level: 'info', code: 'dpkg-empty', message: `no installed package in ${basename(info.path)}`, path: info.path });
    }
    return notes.length ? { packages: found.map((f) => f.pkg), notes } : { packages: found.map((f) => f.pkg) };
  }
}

/** `Source: glibc` or `Source: glibc (2.36-9)`; absent means the binary package is its own source. */
export function parseSource(field: string | undefined, name: string, version: string): { sourceName: string; sourceVersion: string } {
  if (!field) return { sourceName: name, sourceVersion: version };
  const m = /^([a-z0-9][a-z0-9+.-]*)\s*(?:\(([^)\s]+)\))?\s*$/.exec(field.trim());
  if (!m) return { sourceName: name, sourceVersion: version };
  return { sourceName: m[1], sourceVersion: m[2] ?? version };
}

/** Dependencies are resolved within the same status file, by name (same arch preferred). */
function resolveDepends(found: { pkg: Package; depends: string[][] }[]): void {
  const byName = new Map<string, Package[]>();
  for (const { pkg } of found) {
    const list = byName.get(pkg.name) ?? [];
    list.push(pkg);
    byName.set(pkg.name, list);
  }
  for (const { pkg, depends } of found) {
    const deps = new Set<string>();
    for (const alts of depends) {
      for (const alt of alts) {
        const cands = byName.get(alt);
        if (!cands) continue;
        const pick = cands.find((c) => c.arch === pkg.arch) ?? cands.find((c) => c.arch === 'all') ?? cands[0];
        if (pick !== pkg) deps.add(pick.purl);
        break;
      }
    }
    if (deps.size > 0) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...deps].sort() };
  }
}
