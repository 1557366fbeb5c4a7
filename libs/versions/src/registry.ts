import { ApkComparator } from './apk.comparator';
import type { Ordering, ParsedVersion, VersionComparator } from './comparator';
import { ComposerComparator } from './composer.comparator';
import { DpkgComparator } from './dpkg.comparator';
import { VersionError } from './errors';
import { GoComparator } from './go.comparator';
import { MavenComparator } from './maven.comparator';
import { NuGetComparator } from './nuget.comparator';
import { Pep440Comparator } from './pep440.comparator';
import { RpmComparator } from './rpm.comparator';
import { RubyGemsComparator } from './rubygems.comparator';
import { CratesComparator, HexComparator, NpmComparator, SemverComparator } from './semver.comparator';

/**
 * The OSV ecosystem part that selects the ordering: "Debian:12" -> "debian",
 * "Red Hat:rhel_aus:8.4::appstream" -> "red hat", "Maven:https://maven.google.com" -> "maven".
 */
export function ecosystemKey(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon >= 0 ? ecosystem.slice(0, colon) : ecosystem).trim().toLowerCase();
}

/** Comparators by OSV ecosystem name, built from an explicit list (duplicate names throw). */
export class ComparatorRegistry {
  private readonly byKey = new Map<string, VersionComparator>();

  constructor(comparators: readonly VersionComparator[]) {
    for (const c of comparators) {
      for (const name of [c.ecosystem, ...c.aliases]) {
        const key = ecosystemKey(name);
        const existing = this.byKey.get(key);
        if (existing) {
          throw new VersionError('duplicate-comparator', `ecosystem ${JSON.stringify(name)} is claimed by both ${existing.ecosystem} and ${c.ecosystem}`);
        }
        this.byKey.set(key, c);
      }
    }
  }

  /** The comparator for an OSV ecosystem string (case-insensitive, ":release" suffix ignored). */
  get(ecosystem: string): VersionComparator | undefined {
    return this.byKey.get(ecosystemKey(ecosystem));
  }

  /** Like get(), but throws VersionError('unknown-ecosystem'). */
  require(ecosystem: string): VersionComparator {
    const c = this.get(ecosystem);
    if (!c) throw new VersionError('unknown-ecosystem', `no version comparator for ecosystem ${JSON.stringify(ecosystem)}`);
    return c;
  }

  /** Every registered comparator once. */
  list(): VersionComparator[] {
    return [...new Set(this.byKey.values())];
  }

  /** Every accepted ecosystem name (canonical names and aliases). */
  ecosystems(): string[] {
    return this.list().flatMap((c) => [c.ecosystem, ...c.aliases]);
  }
}

/** The comparators this library ships, in one explicit list. */
export function builtinComparators(): VersionComparator<ParsedVersion>[] {
  return [
    new DpkgComparator(),
    new ApkComparator(),
    new RpmComparator(),
    new Pep440Comparator(),
    new MavenComparator(),
    new NpmComparator(),
    new GoComparator(),
    new RubyGemsComparator(),
    new NuGetComparator(),
    new ComposerComparator(),
    new CratesComparator(),
    new HexComparator(),
    new SemverComparator(),
  ] as VersionComparator<ParsedVersion>[];
}

export const defaultRegistry = new ComparatorRegistry(builtinComparators());

/** The comparator for an OSV ecosystem name ("Debian:12", "pypi", "SEMVER"), if any. */
export function getComparator(ecosystem: string): VersionComparator | undefined {
  return defaultRegistry.get(ecosystem);
}

/** Orders two versions of an ecosystem; throws VersionError (unknown-ecosystem, unparsable-version). */
export function compareVersions(ecosystem: string, a: string, b: string): Ordering {
  return defaultRegistry.require(ecosystem).compare(a, b);
}
