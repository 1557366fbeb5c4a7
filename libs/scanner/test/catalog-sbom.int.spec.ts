import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Test-only import: the scanner's Nx tag (type:scanner) has no constraint allowing type:testing yet.
 
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogers, DpkgCataloger, OsReleaseCataloger } from '../src/catalog';
import type { Package } from '../src/model';
import { cycloneDxJson, readSbom, spdxJson, type SbomInput } from '../src/sbom';
import { cachedFixture, run } from './catalog-fixtures/fixture-cache';
import { catalogTree, LAYER, runCataloger } from './catalog-fixtures/harness';
import { cycloneDxValidator, errorsOf, spdxValidator } from './catalog-fixtures/sbom-validators';

const tools = checkTools('apt-get', 'dpkg-deb', 'dpkg-query');

describe.skipIf(tools.skip)('SBOMs of real package data', () => {
  let input: SbomInput;
  let packages: Package[];

  beforeAll(async () => {
    assertTools('apt-get', 'dpkg-deb', 'dpkg-query');
    const fx = cachedFixture('catalog-debian', 'build-debian-packages.sh');
    const tree = await catalogTree(join(fx, 'root'), defaultCatalogers());
    const dpkg = await runCataloger(new DpkgCataloger(), '/var/lib/dpkg/status', readFileSync(join(fx, 'dpkg/status')));
    const os = await runCataloger(new OsReleaseCataloger(), '/etc/os-release', readFileSync(join(fx, 'os-release')));
    packages = [...dpkg.packages, ...tree.packages].map((p) => ({ ...p, layerDigest: LAYER.digest }));
    input = {
      image: { name: 'localhost/fixture:1', repository: 'localhost/fixture', tag: '1', manifestDigest: `sha256:${'e'.repeat(64)}`, configDigest: `sha256:${'f'.repeat(64)}`, platform: { os: 'linux', architecture: 'amd64' }, layers: [{ ...LAYER }] },
      os: os.os,
      packages,
      tool: { name: 'lazaret', version: '0.0.0-test' },
      timestamp: new Date('2026-01-01T00:00:00Z'),
    };
  }, 600_000);

  it('has every ecosystem of the fixture', () => {
    expect(new Set(packages.map((p) => p.type))).toEqual(new Set(['deb', 'pypi', 'maven', 'golang', 'gem']));
  });

  it('CycloneDX 1.6 output validates against the official schema and reads back', () => {
    const text = cycloneDxJson(input);
    const v = cycloneDxValidator();
    expect(v(JSON.parse(text)), errorsOf(v)).toBe(true);
    const back = readSbom(text);
    expect(new Set(back.packages.map((p) => p.purl))).toEqual(new Set(packages.map((p) => p.purl)));
  });

  it('SPDX 2.3 output validates against the official schema and reads back', () => {
    const text = spdxJson(input);
    const v = spdxValidator();
    expect(v(JSON.parse(text)), errorsOf(v)).toBe(true);
    const back = readSbom(text);
    expect(new Set(back.packages.map((p) => p.purl))).toEqual(new Set(packages.map((p) => p.purl)));
  });

  it('deb source packages survive the round trip as dpkg-query states them', () => {
    const truth = new Map(
      run('dpkg-query', ['--admindir', join(cachedFixture('catalog-debian', 'build-debian-packages.sh'), 'dpkg'), '-W', '-f', '${Package}:${Architecture}|${source:Package}|${source:Version}\n'])
        .trim()
        .split('\n')
        .map((l) => {
          const [k, sn, sv] = l.split('|');
          return [k, `${sn}|${sv}`];
        }),
    );
    for (const format of [cycloneDxJson, spdxJson]) {
      const back = readSbom(format(input)).packages.filter((p) => p.type === 'deb');
      expect(back.length).toBeGreaterThan(50);
      for (const p of back) expect(`${p.sourceName}|${p.sourceVersion}`, p.purl).toBe(truth.get(`${p.name}:${p.arch}`));
    }
  });
});
