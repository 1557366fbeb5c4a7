import { describe, expect, it } from 'vitest';
import { DpkgComparator } from './dpkg.comparator';
import { VersionError } from './errors';
import { ComparatorRegistry, builtinComparators, compareVersions, ecosystemKey, getComparator } from './registry';

describe('registry', () => {
  it('resolves OSV ecosystem names, case-insensitively, ignoring ":release" suffixes', () => {
    const cases: Record<string, string> = {
      Debian: 'Debian',
      'Debian:12': 'Debian',
      'debian:sid': 'Debian',
      'Ubuntu:22.04:LTS': 'Debian',
      'Ubuntu:Pro:18.04:LTS': 'Debian',
      'Alpine:v3.19': 'Alpine',
      'Red Hat:rhel_aus:8.4::appstream': 'Red Hat',
      'Rocky Linux:9': 'Red Hat',
      'AlmaLinux:8': 'Red Hat',
      'openSUSE:Leap 15.5': 'Red Hat',
      'SUSE:Linux Enterprise Server 15 SP5': 'Red Hat',
      PyPI: 'PyPI',
      pypi: 'PyPI',
      Maven: 'Maven',
      'Maven:https://maven.google.com': 'Maven',
      npm: 'npm',
      NPM: 'npm',
      Go: 'Go',
      RubyGems: 'RubyGems',
      NuGet: 'NuGet',
      Packagist: 'Packagist',
      'Packagist:https://packages.drupal.org/8': 'Packagist',
      'crates.io': 'crates.io',
      Hex: 'Hex',
      SEMVER: 'SEMVER',
    };
    for (const [name, expected] of Object.entries(cases)) expect(getComparator(name)?.ecosystem, name).toBe(expected);
    expect(ecosystemKey(' Debian :12')).toBe('debian');
  });

  it('returns undefined for unknown ecosystems, and compareVersions throws unknown-ecosystem', () => {
    expect(getComparator('CRAN')).toBeUndefined();
    expect(() => compareVersions('CRAN', '1', '2')).toThrow(VersionError);
    try {
      compareVersions('CRAN', '1', '2');
    } catch (err) {
      expect((err as VersionError).code).toBe('unknown-ecosystem');
    }
  });

  it('compareVersions orders and rejects', () => {
    expect(compareVersions('Debian:12', '1.0~rc1', '1.0')).toBe(-1);
    expect(compareVersions('npm', '1.0.0+build', '1.0.0')).toBe(0);
    try {
      compareVersions('PyPI', 'french toast', '1.0');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(VersionError);
      expect((err as VersionError).code).toBe('unparsable-version');
      expect((err as VersionError).message).toContain('french toast');
    }
  });

  it('refuses duplicate ecosystem names', () => {
    expect(() => new ComparatorRegistry([new DpkgComparator(), new DpkgComparator()])).toThrow(/claimed by both/);
    try {
      new ComparatorRegistry([...builtinComparators(), new DpkgComparator()]);
    } catch (err) {
      expect((err as VersionError).code).toBe('duplicate-comparator');
    }
  });

  it('every comparator rejects the empty string and names its reference', () => {
    for (const c of builtinComparators()) {
      expect(c.isValid(''), c.ecosystem).toBe(false);
      expect(c.reference.length).toBeGreaterThan(0);
      expect(c.version).toBeGreaterThanOrEqual(1);
    }
  });
});
