import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Test-only import: the scanner's Nx tag (type:scanner) has no constraint allowing type:testing yet.
 
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { DpkgCataloger, OsReleaseCataloger, RpmCataloger } from '../src/catalog';
import { cachedFixture, run } from './catalog-fixtures/fixture-cache';
import { runCataloger } from './catalog-fixtures/harness';

// Ground truth comes from dpkg-query, rpm and the shell, never from our own output.
const tools = checkTools('dpkg-query', 'rpm', 'rpmbuild', 'sh', 'apt-get', 'dpkg-deb');

describe.skipIf(tools.skip)('OS catalogers against real package databases', () => {
  let deb: string;
  let rpmdb: string;

  beforeAll(() => {
    assertTools('dpkg-query', 'rpm', 'rpmbuild', 'sh', 'apt-get', 'dpkg-deb');
    deb = cachedFixture('catalog-debian', 'build-debian-packages.sh');
    rpmdb = cachedFixture('catalog-rpmdb', 'build-rpmdb.sh');
  });

  it('dpkg: every installed package of a real status file, as dpkg-query lists it', async () => {
    const admindir = join(deb, 'dpkg');
    const truth = run('dpkg-query', ['--admindir', admindir, '-W', '-f', '${db:Status-Abbrev}|${Package}|${Architecture}|${Version}|${source:Package}|${source:Version}\n'])
      .split('\n')
      .filter((l) => /^[a-z]i/.test(l))
      .map((l) => l.split('|').slice(1).join('|'))
      .sort();
    expect(truth.length).toBeGreaterThan(50);
    const r = await runCataloger(new DpkgCataloger(), '/var/lib/dpkg/status', readFileSync(join(admindir, 'status')));
    const ours = r.packages.map((p) => [p.name, p.arch, p.version, p.sourceName, p.sourceVersion].join('|')).sort();
    expect(ours).toEqual(truth);
    expect(r.notes).toBeUndefined();
  });

  it('dpkg: distroless status.d files, as dpkg-deb reads the control data of the same packages', async () => {
    const { readdirSync } = await import('node:fs');
    const debs = readdirSync(join(deb, 'debs')).filter((f) => f.endsWith('.deb'));
    const truth = debs
      .map((f) => {
        const fields = run('dpkg-deb', ['-f', join(deb, 'debs', f), 'Package', 'Version', 'Architecture', 'Source']);
        const get = (k: string): string | undefined => new RegExp(`^${k}: (.*)$`, 'm').exec(fields)?.[1];
        const source = get('Source');
        const m = source ? /^(\S+)(?: \((.+)\))?$/.exec(source) : null;
        return [get('Package'), get('Architecture'), get('Version'), m?.[1] ?? get('Package'), m?.[2] ?? get('Version')].join('|');
      })
      .sort();
    const c = new DpkgCataloger();
    const ours: string[] = [];
    for (const name of readdirSync(join(deb, 'status.d'))) {
      const r = await runCataloger(c, `/var/lib/dpkg/status.d/${name}`, readFileSync(join(deb, 'status.d', name)));
      ours.push(...r.packages.map((p) => [p.name, p.arch, p.version, p.sourceName, p.sourceVersion].join('|')));
    }
    expect(truth.length).toBe(11);
    expect(ours.sort()).toEqual(truth);
  });

  it('os-release: the fields the shell sees', async () => {
    const file = join(deb, 'os-release');
    const [id, versionId, codename] = run('sh', ['-c', '. "$1"; printf "%s|%s|%s" "$ID" "$VERSION_ID" "$VERSION_CODENAME"', 'sh', file]).split('|');
    const r = await runCataloger(new OsReleaseCataloger(), '/etc/os-release', readFileSync(file));
    expect(r.os).toMatchObject({ id, ...(versionId ? { versionId } : {}), ...(codename ? { versionCodename: codename } : {}) });
  });

  it('rpm: the sqlite rpmdb written by rpm 4.18, as rpm -qa lists it', async () => {
    const dbpath = join(rpmdb, 'sqlite');
    const truth = run('rpm', ['-qa', '--dbpath', dbpath, '--qf', '%{NAME}|%{EPOCHNUM}|%{VERSION}-%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}\n'])
      .trim()
      .split('\n')
      .map((l) => {
        const [name, epoch, vr, arch, srpm, license] = l.split('|');
        return { name, version: epoch === '0' ? vr : `${epoch}:${vr}`, arch, srcName: srpm.replace(/-[^-]+-[^-]+\.src\.rpm$/, ''), license };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(truth).toHaveLength(3);
    const r = await runCataloger(new RpmCataloger(), '/var/lib/rpm/rpmdb.sqlite', readFileSync(join(dbpath, 'rpmdb.sqlite')));
    expect(r.notes).toBeUndefined();
    const ours = r.packages
      .map((p) => ({ name: p.name, version: p.version, arch: p.arch, srcName: p.sourceName, license: p.licenses }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(ours.map(({ license: _l, ...x }) => x)).toEqual(truth.map(({ license: _l, ...x }) => x));
    // Licenses are the declared text mapped to SPDX where it maps: compare through the mapping table's intent.
    expect(ours.map((p) => p.license)).toEqual([['Apache-2.0'], ['GPL-3.0-or-later'], ['MIT and BSD']]);
    expect(truth.map((t) => t.license)).toEqual(['ASL 2.0', 'GPL-3.0-or-later', 'MIT and BSD']);
  });
});
