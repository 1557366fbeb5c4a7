/**
 * Golden test: the sample advisories (real Debian facts) against the real package list of a
 * debootstrap'ed bookworm image. The expected findings are computed from facts, never from our
 * matcher: `dpkg --compare-versions` decides installed < fixed, the advisory files give the
 * fixed versions, and the packages' own Debian changelogs in the image prove the backports.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { catalogImage, defaultCatalogers, type ImageCatalog } from '@lazaret/scanner';
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPath, matchPackages, MemoryAdvisoryStore, type MatchResult, type OsvRecord } from '../src';
// Test-only reuse of libs/scanner's fixture builder (not part of its public API).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureDebianFixture, type DebianFixture } from '../../scanner/test/fixtures';

const SAMPLE = join(__dirname, '..', 'data', 'sample');
const TOOLS = ['debootstrap', 'umoci', 'skopeo', 'dpkg'];
const tools = checkTools(...TOOLS);

interface Installed {
  name: string;
  version: string;
  source: string;
  sourceVersion: string;
}

function dpkgList(rootfs: string): Installed[] {
  const out = execFileSync('dpkg-query', ['--admindir', join(rootfs, 'var/lib/dpkg'), '-W', '-f', '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Status}\n'], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f[4] === 'installed')
    .map(([name, version, source, sourceVersion]) => ({ name: name!, version: version!, source: source!, sourceVersion: sourceVersion! }));
}

/** dpkg's own ordering: the ground truth for "installed version is below the fix". */
function dpkgLt(a: string, b: string): boolean {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
    return true;
  } catch {
    return false;
  }
}

/** The version entry of a Debian changelog that first mentions a CVE. */
function changelogFixVersion(rootfs: string, pkg: string, cve: string): string | undefined {
  const text = gunzipSync(readFileSync(join(rootfs, 'usr/share/doc', pkg, 'changelog.Debian.gz'))).toString('utf8');
  let current: string | undefined;
  let first: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^\S+ \(([^)]+)\) /.exec(line);
    if (head) current = head[1];
    else if (line.includes(cve) && current) first = current; // entries are newest first: keep the last (oldest) hit
  }
  return first;
}

describe.skipIf(tools.skip)('sample advisories vs a real Debian bookworm image', () => {
  let fixture: DebianFixture;
  let catalog: ImageCatalog;
  let installed: Installed[];
  let result: MatchResult;
  const records: OsvRecord[] = readdirSync(join(SAMPLE, 'osv'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(SAMPLE, 'osv', f), 'utf8')) as OsvRecord);

  beforeAll(async () => {
    assertTools(...TOOLS);
    fixture = await ensureDebianFixture();
    catalog = await catalogImage(`oci:${fixture.ociLayoutDir}:${fixture.tag}`, { catalogers: defaultCatalogers() });
    installed = dpkgList(fixture.rootfsDir);
    const store = new MemoryAdvisoryStore();
    const r = await importPath(store, join(SAMPLE, 'osv'));
    expect(r.issues).toEqual([]);
    await importPath(store, join(SAMPLE, 'enrichment', 'known_exploited_vulnerabilities.json'));
    result = await matchPackages(store, { packages: catalog.packages, os: catalog.os });
  });

  it('finds exactly the (CVE, package) pairs that dpkg says are below the Debian fix', () => {
    const expected = new Set<string>();
    for (const rec of records) {
      for (const a of rec.affected ?? []) {
        if (a.package?.ecosystem !== 'Debian:12') continue;
        const fixed = a.ranges?.[0]?.events.find((e) => e.fixed !== undefined)?.fixed;
        for (const p of installed.filter((i) => i.source === a.package!.name)) {
          if (fixed === undefined || dpkgLt(p.sourceVersion, fixed)) expected.add(`${rec.upstream?.[0] ?? rec.id} ${p.name}`);
        }
      }
    }
    const debFindings = result.findings.filter((f) => f.package.type === 'deb');
    expect(new Set(debFindings.map((f) => `${f.id} ${f.package.name}`))).toEqual(expected);
    // Not vacuous: the unfixed issues are there, and some fixed ones are not.
    expect(expected.size).toBeGreaterThanOrEqual(3);
    expect(result.unknownOrdering).toEqual([]);
  });

  it('does not report backported fixes: the installed package carries the fix (its changelog says so)', () => {
    const cases = [
      { cve: 'CVE-2023-4911', pkg: 'libc6', source: 'glibc' },
      { cve: 'CVE-2022-48303', pkg: 'tar', source: 'tar' },
      { cve: 'CVE-2024-28085', pkg: 'libmount1', source: 'util-linux' },
      { cve: 'CVE-2024-0553', pkg: 'libgnutls30', source: 'gnutls28' },
      { cve: 'CVE-2026-4438', pkg: 'libc6', source: 'glibc' },
    ];
    for (const c of cases) {
      const fix = changelogFixVersion(fixture.rootfsDir, c.pkg, c.cve);
      const p = installed.find((i) => i.name === c.pkg)!;
      expect(fix, `${c.pkg} changelog mentions ${c.cve}`).toBeDefined();
      expect(dpkgLt(p.sourceVersion, fix!), `${c.pkg} ${p.sourceVersion} includes the ${c.cve} fix ${fix}`).toBe(false);
      // The upstream version alone (e.g. glibc 2.36 < 2.39) would say "vulnerable".
      expect(result.findings.filter((f) => f.id === c.cve), c.cve).toEqual([]);
    }
  });

  it('a package installed exactly at the fixed revision is not reported', () => {
    // tar 1.34+dfsg-1.2+deb12u1 is both bookworm's tar and the CVE-2022-48303 fix.
    const tar = installed.find((i) => i.name === 'tar')!;
    const fixed = records.find((r) => r.id === 'DEBIAN-CVE-2022-48303')!.affected![0]!.ranges![0]!.events[1]!.fixed!;
    if (tar.sourceVersion === fixed) expect(result.findings.some((f) => f.id === 'CVE-2022-48303')).toBe(false);
    else expect(dpkgLt(tar.sourceVersion, fixed)).toBe(false);
  });

  it('an advisory for another release does not match (CVE-2026-4438 is open for Debian 11, fixed for 12)', () => {
    expect(records.find((r) => r.id === 'DEBIAN-CVE-2026-4438')!.affected!.some((a) => a.package?.ecosystem === 'Debian:11' && a.ranges![0]!.events.length === 1)).toBe(true);
    expect(result.findings.some((f) => f.id === 'CVE-2026-4438')).toBe(false);
  });

  it('shows the unfixed issues as such, with the layer and file that brought the package', () => {
    const tar = result.findings.find((f) => f.id === 'CVE-2005-2541' && f.package.name === 'tar')!;
    expect(tar).toMatchObject({ state: 'wont-fix', fixAvailable: false, severity: 'negligible', severitySource: 'debian', aliases: ['DEBIAN-CVE-2005-2541'], fixedVersions: [] });
    expect(tar.layerDigest).toBe(catalog.layers[0]!.digest);
    expect(tar.locations.map((l) => l.path)).toContain('/var/lib/dpkg/status');
    const apt = result.findings.filter((f) => f.id === 'CVE-2011-3374').map((f) => f.package.name).sort();
    expect(apt).toEqual(installed.filter((i) => i.source === 'apt').map((i) => i.name).sort());
  });
});
