import type { OsRelease, Package } from '@lazaret/scanner';
import { describe, expect, it } from 'vitest';
import { importRecords } from './importer';
import { matchPackages } from './matcher';
import { MemoryAdvisoryStore } from './memory.store';
import type { OsvRecord } from './osv.model';

const M = '2024-01-01T00:00:00Z';
const DEBIAN12: OsRelease = { id: 'debian', versionId: '12', versionCodename: 'bookworm', idLike: [] };

function pkg(p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package {
  return { purl: `pkg:${p.type}/${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version}`, licenses: [], foundBy: 'test', locations: [{ path: '/x', layerDigest: 'sha256:aa' }], ...p };
}

function rec(id: string, affected: OsvRecord['affected'], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: M, affected, ...extra };
}

async function storeWith(...records: OsvRecord[]): Promise<MemoryAdvisoryStore> {
  const store = new MemoryAdvisoryStore();
  const report = await importRecords(store, [{ source: 'test', text: JSON.stringify(records) }]);
  expect(report.issues).toEqual([]);
  return store;
}

async function ids(store: MemoryAdvisoryStore, packages: Package[], os?: OsRelease): Promise<string[]> {
  const r = await matchPackages(store, { packages, os });
  return r.findings.map((f) => `${f.id}@${f.package.name}`).sort();
}

describe('OSV range evaluation through the matcher', () => {
  const range = (events: object[], type = 'ECOSYSTEM') => rec('GHSA-aaaa-bbbb-cccc', [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: type as 'ECOSYSTEM', events: events as never }] }]);
  const at = async (store: MemoryAdvisoryStore, v: string) => (await ids(store, [pkg({ type: 'npm', name: 'x', version: v })])).length === 1;

  it('introduced inclusive, fixed exclusive', async () => {
    const s = await storeWith(range([{ introduced: '1.2.0' }, { fixed: '1.4.0' }]));
    expect([await at(s, '1.1.9'), await at(s, '1.2.0'), await at(s, '1.3.5'), await at(s, '1.4.0'), await at(s, '2.0.0')]).toEqual([false, true, true, false, false]);
  });

  it('last_affected inclusive', async () => {
    const s = await storeWith(range([{ introduced: '0' }, { last_affected: '1.4.0' }]));
    expect([await at(s, '0.0.1'), await at(s, '1.4.0'), await at(s, '1.4.1')]).toEqual([true, true, false]);
  });

  it('limit bounds the range', async () => {
    const s = await storeWith(range([{ introduced: '1.0.0' }, { limit: '1.5.0' }]));
    expect([await at(s, '1.2.0'), await at(s, '1.5.0'), await at(s, '3.0.0')]).toEqual([true, false, false]);
  });

  it('unsorted events and several introduced/fixed pairs in one range', async () => {
    const s = await storeWith(range([{ fixed: '2.5.0' }, { introduced: '2.0.0' }, { fixed: '1.5.0' }, { introduced: '1.0.0' }]));
    expect([await at(s, '0.9.0'), await at(s, '1.0.0'), await at(s, '1.5.0'), await at(s, '1.9.9'), await at(s, '2.4.0'), await at(s, '2.5.0')]).toEqual([false, true, false, false, true, false]);
  });

  it('multiple ranges: any one is enough', async () => {
    const s = await storeWith(
      rec('GHSA-aaaa-bbbb-cccc', [
        {
          package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
          ranges: [
            { type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] },
            { type: 'ECOSYSTEM', events: [{ introduced: '2.4' }, { fixed: '2.12.2' }] },
          ],
        },
      ]),
    );
    const log4j = (v: string) => pkg({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: v });
    expect(await ids(s, [log4j('2.14.1'), log4j('2.12.1'), log4j('2.12.2'), log4j('2.3')])).toEqual(['GHSA-aaaa-bbbb-cccc@log4j-core', 'GHSA-aaaa-bbbb-cccc@log4j-core']);
    const r = await matchPackages(s, { packages: [log4j('2.12.1')] });
    expect(r.findings[0]!.fixedVersions).toEqual(['2.12.2']);
  });

  it('versions lists match without ranges', async () => {
    const s = await storeWith(rec('PYSEC-2020-1', [{ package: { ecosystem: 'PyPI', name: 'Foo_Bar' }, versions: ['1.0', '1.1'] }]));
    // PEP 503 name normalisation on both sides, PEP 440 equality (1.1.0 == 1.1).
    expect(await ids(s, [pkg({ type: 'pypi', name: 'foo-bar', version: '1.1.0' }), pkg({ type: 'pypi', name: 'foo.bar', version: '1.2' })])).toEqual(['PYSEC-2020-1@foo-bar']);
  });

  it('SEMVER ranges use SemVer precedence; GIT ranges are ignored', async () => {
    const s = await storeWith(
      rec('GHSA-aaaa-bbbb-cccc', [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }]),
      rec('OSV-2020-1', [{ package: { ecosystem: 'npm', name: 'y' }, ranges: [{ type: 'GIT', repo: 'https://example.com/y', events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }] }]),
    );
    expect(await ids(s, [pkg({ type: 'npm', name: 'x', version: '1.0.0-rc.1' }), pkg({ type: 'npm', name: 'y', version: '0.1.0' })])).toEqual(['GHSA-aaaa-bbbb-cccc@x']);
  });

  it('reports unparsable versions as unknown ordering, never as not affected', async () => {
    const s = await storeWith(range([{ introduced: '0' }, { fixed: '1.0.0' }]));
    const r = await matchPackages(s, { packages: [pkg({ type: 'npm', name: 'x', version: 'not-a-version' })] });
    expect(r.findings).toEqual([]);
    expect(r.unknownOrdering).toHaveLength(1);
    expect(r.unknownOrdering[0]).toMatchObject({ ecosystem: 'npm', version: 'not-a-version', advisories: ['GHSA-aaaa-bbbb-cccc'] });
    expect(r.unknownOrdering[0]!.reason).toMatch(/cannot parse/);
  });

  it('imports ecosystems without a version ordering and says so', async () => {
    const store = new MemoryAdvisoryStore();
    const r = await importRecords(store, [{ source: 't', text: JSON.stringify(rec('GHSA-aaaa-bbbb-cccc', [{ package: { ecosystem: 'Pub', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }])) }]);
    expect(r).toMatchObject({ imported: 1, unorderedEcosystems: { Pub: 1 } });
  });
});

describe('distribution packages', () => {
  const glibc = (v: string, sv = v) => pkg({ type: 'deb', name: 'libc6', version: v, sourceName: 'glibc', sourceVersion: sv, namespace: 'debian' });

  it('matches by source package within the release, never another release', async () => {
    const s = await storeWith(
      rec('DEBIAN-CVE-2026-4438', [
        { package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u14' }] }] },
        { package: { ecosystem: 'Debian:11', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
      ]),
    );
    expect(await ids(s, [glibc('2.36-9+deb12u14')], DEBIAN12)).toEqual([]);
    expect(await ids(s, [glibc('2.36-9+deb12u13')], DEBIAN12)).toEqual(['DEBIAN-CVE-2026-4438@libc6']);
    expect(await ids(s, [glibc('2.31-13+deb11u11')], { ...DEBIAN12, versionId: '11' })).toEqual(['DEBIAN-CVE-2026-4438@libc6']);
    expect(await ids(s, [glibc('2.36-9+deb12u13')], { id: 'ubuntu', versionId: '22.04', idLike: ['debian'] })).toEqual([]);
    const r = await matchPackages(s, { packages: [glibc('2.36-9+deb12u13')] });
    expect(r.skipped).toEqual([{ package: expect.objectContaining({ name: 'libc6' }), reason: 'no-distro-release' }]);
  });

  it('compares the source version (binary epochs and binNMUs do not hide a fix)', async () => {
    const s = await storeWith(rec('DEBIAN-CVE-2024-28085', [{ package: { ecosystem: 'Debian:12', name: 'util-linux' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.38.1-5+deb12u1' }] }] }]));
    const bsdutils = (v: string, sv: string) => pkg({ type: 'deb', name: 'bsdutils', version: v, sourceName: 'util-linux', sourceVersion: sv });
    expect(await ids(s, [bsdutils('1:2.38.1-5+b1', '2.38.1-5')], DEBIAN12)).toEqual(['DEBIAN-CVE-2024-28085@bsdutils']);
    expect(await ids(s, [bsdutils('1:2.38.1-5+deb12u3', '2.38.1-5+deb12u3')], DEBIAN12)).toEqual([]);
  });

  it('merges aliases into one finding and keeps every source id', async () => {
    const ev = [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }] }];
    const s = await storeWith(
      rec('DEBIAN-CVE-2023-4911', [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: ev, ecosystem_specific: { urgency: 'high' } }], {
        upstream: ['CVE-2023-4911'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' }],
      }),
      rec('DSA-5514-1', [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: ev }], { upstream: ['CVE-2023-4911'] }),
    );
    const r = await matchPackages(s, { packages: [glibc('2.36-9+deb12u1')], os: DEBIAN12 });
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f).toMatchObject({
      id: 'CVE-2023-4911',
      aliases: ['DEBIAN-CVE-2023-4911', 'DSA-5514-1'],
      advisories: ['DEBIAN-CVE-2023-4911', 'DSA-5514-1'],
      fixedVersions: ['2.36-9+deb12u3'],
      fixAvailable: true,
      state: 'fixed',
      severity: 'high',
      severitySource: 'debian',
      score: 7.8,
      installedVersion: '2.36-9+deb12u1',
      package: { matchedName: 'glibc', matchedVersion: '2.36-9+deb12u1', ecosystem: 'Debian:12' },
    });
  });

  it('shows unfixed and "won\'t fix" states', async () => {
    const s = await storeWith(
      rec('DEBIAN-CVE-2005-2541', [{ package: { ecosystem: 'Debian:12', name: 'tar' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'unimportant' } }], { upstream: ['CVE-2005-2541'] }),
      rec('DEBIAN-CVE-2099-0001', [{ package: { ecosystem: 'Debian:12', name: 'tar' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'low' } }], { upstream: ['CVE-2099-0001'] }),
    );
    const r = await matchPackages(s, { packages: [pkg({ type: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1' })], os: DEBIAN12 });
    expect(r.findings.map((f) => [f.id, f.state, f.fixAvailable, f.severity])).toEqual([
      ['CVE-2099-0001', 'unfixed', false, 'low'],
      ['CVE-2005-2541', 'wont-fix', false, 'negligible'],
    ]);
  });

  it('Alpine matches the origin package in its release', async () => {
    const s = await storeWith(rec('ALPINE-CVE-2023-4408', [{ package: { ecosystem: 'Alpine:v3.16', name: 'bind' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.16.48-r0' }] }] }], { upstream: ['CVE-2023-4408'] }));
    const libs = (v: string) => pkg({ type: 'apk', name: 'bind-libs', version: v, sourceName: 'bind' });
    const alpine = (v: string): OsRelease => ({ id: 'alpine', versionId: v, idLike: [] });
    expect(await ids(s, [libs('9.16.45-r0')], alpine('3.16.9'))).toEqual(['CVE-2023-4408@bind-libs']);
    expect(await ids(s, [libs('9.16.48-r0')], alpine('3.16.9'))).toEqual([]);
    expect(await ids(s, [libs('9.16.45-r0')], alpine('3.17.1'))).toEqual([]);
  });
});

describe('advisory lifecycle and enrichment', () => {
  it('withdrawn records remove their matches; a re-import only applies newer records', async () => {
    const s = new MemoryAdvisoryStore();
    const r1 = rec('GHSA-aaaa-bbbb-cccc', [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }]);
    await importRecords(s, [{ source: 'a', text: JSON.stringify(r1) }]);
    const x = pkg({ type: 'npm', name: 'x', version: '1.0.0' });
    expect(await ids(s, [x])).toHaveLength(1);
    const stale = await importRecords(s, [{ source: 'b', text: JSON.stringify({ ...r1, withdrawn: '2023-06-01T00:00:00Z', modified: '2023-06-01T00:00:00Z' }) }]);
    expect(stale).toMatchObject({ imported: 0, unchanged: 1 });
    expect(await ids(s, [x])).toHaveLength(1);
    const newer = await importRecords(s, [{ source: 'c', text: JSON.stringify({ ...r1, withdrawn: '2024-06-01T00:00:00Z', modified: '2024-06-01T00:00:00Z' }) }]);
    expect(newer).toMatchObject({ imported: 1, withdrawn: 1 });
    expect(await ids(s, [x])).toEqual([]);
    expect((await s.status()).withdrawn).toBe(1);
  });

  it('carries KEV and EPSS facts onto the finding through any alias', async () => {
    const s = await storeWith(
      rec('GHSA-jfh8-c2jp-5v3q', [{ package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }] }], {
        aliases: ['CVE-2021-44228'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }],
        database_specific: { severity: 'CRITICAL' },
      }),
    );
    await s.replaceKev([{ cveId: 'CVE-2021-44228', dateAdded: '2021-12-10' }], { version: 'test' });
    await s.replaceEpss([{ cveId: 'CVE-2021-44228', score: 0.9, percentile: 0.99 }], { date: '2024-01-01' });
    const r = await matchPackages(s, { packages: [pkg({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1', layerDigest: 'sha256:bb' })] });
    expect(r.findings[0]).toMatchObject({
      id: 'CVE-2021-44228',
      aliases: ['GHSA-jfh8-c2jp-5v3q'],
      severity: 'critical',
      severitySource: 'cvss:3.1',
      score: 10,
      kev: { cveId: 'CVE-2021-44228', dateAdded: '2021-12-10' },
      epss: { score: 0.9, percentile: 0.99, date: '2024-01-01' },
      layerDigest: 'sha256:bb',
      locations: [{ path: '/x', layerDigest: 'sha256:aa' }],
    });
  });
});
