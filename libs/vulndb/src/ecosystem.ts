import { ecosystemName, type OsRelease, type Package } from '@lazaret/scanner';

/**
 * How advisories and packages meet: both sides are reduced to an `(ecosystem key, name key)`
 * pair. The ecosystem key keeps the release for distributions (`Debian:12`, `Alpine:v3.20`), so
 * an advisory for another release never matches; the name key applies the ecosystem's own
 * name rules (PEP 503 for PyPI, case-insensitive Composer and NuGet names).
 */

/** OSV ecosystem names (the schema's enum), by lower-case spelling. */
const CANONICAL = new Map(
  [
    'AlmaLinux', 'Alpaquita', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bioconductor', 'Bitnami',
    'Chainguard', 'CleanStart', 'ConanCenter', 'CRAN', 'crates.io', 'Debian', 'Docker Hardened Images', 'Echo', 'FreeBSD', 'GHC',
    'GitHub Actions', 'Go', 'Hackage', 'Hex', 'Julia', 'Kubernetes', 'Linux', 'Mageia', 'Maven', 'MinimOS', 'npm', 'NuGet', 'opam',
    'openEuler', 'openSUSE', 'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub', 'PyPI', 'Red Hat', 'Rocky Linux', 'Root', 'RubyGems', 'SUSE',
    'SwiftURL', 'TuxCare', 'Ubuntu', 'VSCode', 'Wolfi',
  ].map((e) => [e.toLowerCase(), e]),
);

/** The ecosystem part before the first `:` in its canonical OSV spelling (`debian` → `Debian`). */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  const base = (colon >= 0 ? ecosystem.slice(0, colon) : ecosystem).trim();
  return CANONICAL.get(base.toLowerCase()) ?? base;
}

/**
 * The key an advisory's `affected[].package.ecosystem` is indexed under.
 * `Ubuntu:22.04:LTS` → `Ubuntu:22.04` (the LTS tag is not part of the release; `Ubuntu:Pro:…`
 * stays distinct: Pro fixes are not in the public archive), `Red Hat:enterprise_linux:9::baseos`
 * → `Red Hat:9`; everything else keeps its suffix as written (`Debian:12`, `Alpine:v3.20`,
 * `Maven:https://…` for another registry).
 */
export function ecosystemKey(ecosystem: string): string {
  const base = ecosystemBase(ecosystem);
  const colon = ecosystem.indexOf(':');
  if (colon < 0) return base;
  let suffix = ecosystem.slice(colon + 1).trim();
  if (base === 'Ubuntu') suffix = suffix.replace(/:LTS$/i, '');
  if (base === 'Red Hat') {
    const m = /^enterprise_linux:(\d+)(?::|$)/.exec(suffix);
    if (m) suffix = m[1]!;
  }
  return suffix ? `${base}:${suffix}` : base;
}

/** PEP 503 normalisation, as pip and the PyPI advisories' consumers apply it. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The key a package name is indexed under, for an ecosystem (canonical base or full string). */
export function nameKey(ecosystem: string, name: string): string {
  switch (ecosystemBase(ecosystem)) {
    case 'PyPI':
      return normalizePypiName(name);
    case 'Packagist':
    case 'NuGet':
    case 'Hex':
      return name.toLowerCase();
    default:
      return name;
  }
}

const MAJOR = /^(\d+)/;
const MAJOR_MINOR = /^(\d+)\.(\d+)/;

/**
 * The OSV ecosystem (with release) of an image's OS packages, or undefined when the OS is not
 * one we know how to name. Debian `12.5` → `Debian:12`, Ubuntu `22.04` → `Ubuntu:22.04`,
 * Alpine `3.20.3` → `Alpine:v3.20`, Rocky/Alma/RHEL by major version, Wolfi and Chainguard
 * (rolling, no release).
 */
export function distroEcosystem(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  const id = os.id.toLowerCase();
  const v = os.versionId ?? '';
  switch (id) {
    case 'debian': {
      const m = MAJOR.exec(v);
      return m ? `Debian:${m[1]}` : undefined;
    }
    case 'ubuntu':
      return MAJOR_MINOR.test(v) ? `Ubuntu:${MAJOR_MINOR.exec(v)![0]}` : undefined;
    case 'alpine': {
      const m = MAJOR_MINOR.exec(v);
      return m ? `Alpine:v${m[1]}.${m[2]}` : undefined;
    }
    case 'rocky': {
      const m = MAJOR.exec(v);
      return m ? `Rocky Linux:${m[1]}` : undefined;
    }
    case 'almalinux': {
      const m = MAJOR.exec(v);
      return m ? `AlmaLinux:${m[1]}` : undefined;
    }
    case 'rhel': {
      const m = MAJOR.exec(v);
      return m ? `Red Hat:${m[1]}` : undefined;
    }
    case 'wolfi':
      return 'Wolfi';
    case 'chainguard':
      return 'Chainguard';
    default:
      return undefined;
  }
}

/** What the matcher looks up for one package. */
export interface PackageQuery {
  /** Ecosystem key (with release for distributions). */
  ecosystem: string;
  /** Name keys to look up: the source package for deb/apk, binary and source for rpm. */
  names: string[];
  /** The version compared against advisories (the source version for deb). */
  version: string;
}

const LANGUAGE_ECOSYSTEM: Partial<Record<Package['type'], string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  gem: 'RubyGems',
  cargo: 'crates.io',
  composer: 'Packagist',
};

/** The advisory-side name of a language package: the scanner's own spelling of it. */
const languageName = (pkg: Package): string => ecosystemName(pkg);

/**
 * How one package is looked up, or a reason it cannot be (`no-distro-release`: an OS package on
 * an OS we cannot name; `unsupported-type`).
 */
export function packageQuery(pkg: Package, os: OsRelease | undefined): PackageQuery | { skip: 'no-distro-release' | 'unsupported-type' } {
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') {
    const eco = distroEcosystem(os);
    if (!eco) return { skip: 'no-distro-release' };
    if (pkg.type === 'rpm') {
      const names = [...new Set([pkg.name, pkg.sourceName].filter((n): n is string => !!n))];
      return { ecosystem: eco, names: names.map((n) => nameKey(eco, n)), version: pkg.version };
    }
    // Debian and Alpine advisories name the source package; Debian fixes are source versions
    // (a binNMU `+b1` binary belongs to the same source upload).
    const name = pkg.sourceName || pkg.name;
    const version = pkg.type === 'deb' ? pkg.sourceVersion || pkg.version : pkg.version;
    return { ecosystem: eco, names: [nameKey(eco, name)], version };
  }
  const eco = LANGUAGE_ECOSYSTEM[pkg.type];
  if (!eco) return { skip: 'unsupported-type' };
  return { ecosystem: eco, names: [nameKey(eco, languageName(pkg))], version: pkg.version };
}
