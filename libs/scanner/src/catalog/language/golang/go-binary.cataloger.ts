import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { ElfFile, isElf } from '../../internal/elf.reader';
import { makePackage } from '../../internal/package.builder';
import { readGoBuildInfo, type GoModule } from './go-buildinfo.parser';

const MODULE_PATH_RE = /^[A-Za-z0-9._~+/-]{1,512}$/;
const VERSION_RE = /^[A-Za-z0-9._~+()-]{1,256}$/;

/** `github.com/a/b` → namespace `github.com/a`, name `b` (the purl spelling). */
export function splitModulePath(path: string): { namespace?: string; name: string } {
  const i = path.lastIndexOf('/');
  return i > 0 ? { namespace: path.slice(0, i), name: path.slice(i + 1) } : { name: path };
}

/** Executables that may be Go or Rust binaries: regular files with an exec bit, not tiny. */
export function isCandidateExecutable(info: FileInfo): boolean {
  return info.type === 'file' && (info.mode & 0o111) !== 0 && info.size >= 1024;
}

/**
 * Go binaries: main module, dependency modules (with `=>` replacements) and the Go toolchain
 * as the `stdlib` package (Go's vulnerability database files standard library issues under
 * that name). Replaced modules are reported under the replacement when it is a module (it is
 * what was compiled in); a replacement by a local directory keeps the original path/version.
 */
export class GoBinaryCataloger implements Cataloger {
  readonly id = 'go-binary';
  readonly version = 1;
  readonly maxFileSize = 512 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return isCandidateExecutable(info);
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    if (!isElf(content)) return { packages: [] };
    let build;
    try {
      build = readGoBuildInfo(new ElfFile(content), content);
    } catch (err) {
      return { packages: [], notes: [{ level: 'info', code: 'go-binary-unreadable', message: `${info.path}: ${errorMessage(err)}`, path: info.path }] };
    }
    if (!build) return { packages: [] };
    const notes: ScanNote[] = [];
    const packages: Package[] = [];
    const common: Record<string, string> = { goVersion: build.goVersion };
    const moduleOf = (m: GoModule, main: boolean): Package | undefined => {
      // A replacement by a local directory (`=> ../lib (devel)`) compiled in the original module's
      // code as far as anyone downstream can tell; a module replacement compiled in the replacement.
      const localReplace = !!m.replace && (!m.replace.version || m.replace.version === '(devel)' || /^(\.{1,2}\/|\/)/.test(m.replace.path));
      const effective = m.replace && !localReplace ? m.replace : m;
      if (!MODULE_PATH_RE.test(effective.path) || (effective.version && !VERSION_RE.test(effective.version))) return undefined;
      const { namespace, name } = splitModulePath(effective.path);
      const metadata: Record<string, string | boolean> = { ...common };
      if (main) metadata.mainModule = true;
      if (effective.sum) metadata.h1Digest = effective.sum.slice(0, 128);
      if (m.replace && effective === m) metadata.replacedBy = m.replace.path.slice(0, 512);
      else if (m.replace) metadata.replaces = `${m.path}@${m.version}`.slice(0, 512);
      const devel = effective.version === '(devel)' || effective.version === '';
      return makePackage(
        { type: 'golang', namespace, name, version: effective.version || '(devel)', purlVersion: devel ? '' : effective.version, metadata },
        this.id,
        input,
      );
    };
    const main = build.main ? moduleOf(build.main, true) : undefined;
    if (main) packages.push(main);
    let bad = 0;
    for (const dep of build.deps) {
      const p = moduleOf(dep, false);
      if (p) packages.push(p);
      else bad++;
    }
    const goVer = /^go(\d+(?:\.\d+)*)/.exec(build.goVersion)?.[1];
    if (goVer) {
      packages.push(makePackage({ type: 'golang', name: 'stdlib', version: goVer, metadata: { ...common } }, this.id, input));
    }
    if (main) {
      const deps = packages.filter((p) => p !== main).map((p) => p.purl);
      if (deps.length) main.metadata = { ...(main.metadata ?? {}), dependsOn: deps.sort() };
    }
    for (const [k, v] of Object.entries(build.settings)) {
      if (['-ldflags', 'vcs.revision', 'vcs.time', 'vcs.modified', 'CGO_ENABLED', 'GOOS', 'GOARCH', '-tags'].includes(k) && main) {
        main.metadata = { ...(main.metadata ?? {}), [`build:${k}`]: v };
      }
    }
    if (bad) notes.push({ level: 'warning', code: 'go-binary-invalid-modules', message: `${bad} module line(s) in ${info.path} have an invalid path or version`, path: info.path });
    return notes.length ? { packages, notes } : { packages };
  }
}
