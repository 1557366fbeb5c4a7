import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';

const SAMPLE = join(__dirname, '..', '..', '..', '..', 'libs', 'vulndb', 'data', 'sample');
const dir = mkdtempSync(join(tmpdir(), 'lazaret-scan-'));
const env = { HOME: join(dir, 'home'), LAZARET_DB: join(dir, 'vulndb.sqlite') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

/** A CycloneDX SBOM as another tool would write it: purls, an OS component, source names as properties. */
function sbom(): string {
  const deb = (name: string, version: string, src: string, srcVersion: string) => ({
    type: 'library',
    name,
    version,
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?distro=debian-12`,
    properties: [
      { name: 'aquasecurity:trivy:SrcName', value: src },
      { name: 'aquasecurity:trivy:SrcVersion', value: srcVersion },
    ],
  });
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: [
      { type: 'operating-system', name: 'debian', version: '12' },
      { type: 'library', group: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' },
      { type: 'library', name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' },
      { type: 'library', name: 'requests', version: '2.28.1', purl: 'pkg:pypi/requests@2.28.1' },
      deb('libc6', '2.36-9+deb12u1', 'glibc', '2.36-9+deb12u1'),
      deb('libwebp7', '1.2.4-0.2', 'libwebp', '1.2.4-0.2'),
      deb('tar', '1.34+dfsg-1.2+deb12u1', 'tar', '1.34+dfsg-1.2+deb12u1'),
    ],
  });
}

describe('lazaret scan --sbom (sample database)', () => {
  const file = join(dir, 'bom.json');
  beforeAll(async () => {
    writeFileSync(file, sbom());
    expect((await cli(['db', 'import', join(SAMPLE, 'osv')])).code).toBe(0);
    expect((await cli(['db', 'import', join(SAMPLE, 'enrichment', 'known_exploited_vulnerabilities.json')])).code).toBe(0);
  });

  it('reports real findings, aliases merged, backport-aware', async () => {
    const r = await cli(['scan', '--sbom', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { findings: Array<{ id: string; aliases: string[]; package: { name: string }; fixedVersions: string[]; state: string; severity: string; kev?: object }> };
    const got = doc.findings.map((f) => `${f.id} ${f.package.name} ${f.state} ${f.fixedVersions.join('|')}`).sort();
    expect(got).toEqual([
      'CVE-2005-2541 tar wont-fix ',
      'CVE-2021-44228 log4j-core fixed 2.15.0',
      'CVE-2023-32681 requests fixed 2.31.0',
      'CVE-2023-4863 libwebp7 fixed 1.2.4-0.2+deb12u1',
      'CVE-2023-4911 libc6 fixed 2.36-9+deb12u3',
      'CVE-2026-4438 libc6 fixed 2.36-9+deb12u14',
    ]);
    const glibc = doc.findings.find((f) => f.id === 'CVE-2023-4911')!;
    expect(glibc.aliases).toEqual(['DEBIAN-CVE-2023-4911', 'DSA-5514-1']);
    expect(glibc.kev).toBeDefined();
    expect(doc.findings[0]).toMatchObject({ id: 'CVE-2021-44228', severity: 'critical' });
  });

  it('filters and sets the exit code', async () => {
    expect((await cli(['scan', '--sbom', file, '--fail-on', 'critical'])).code).toBe(1);
    expect((await cli(['scan', '--sbom', file, '--fail-on', 'critical', '--severity', 'high,medium'])).code).toBe(0);
    const unfixed = JSON.parse((await cli(['scan', '--sbom', file, '--format', 'json', '--ignore-unfixed'])).out) as { findings: { state: string }[] };
    expect(unfixed.findings.every((f) => f.state === 'fixed')).toBe(true);
    expect(unfixed.findings).toHaveLength(5);
    const table = await cli(['scan', '--sbom', file]);
    expect(table.out).toMatch(/^PACKAGE\s+INSTALLED\s+FIXED\s+VULNERABILITY/);
    expect(table.out).toContain('6 findings');
  });

  it('writes --output atomically and rejects bad options', async () => {
    const out = join(dir, 'report.sarif');
    expect((await cli(['scan', '--sbom', file, '--format', 'sarif', '--output', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
    for (const argv of [['scan'], ['scan', 'img', '--sbom', file], ['scan', '--sbom', file, '--fail-on', 'severe'], ['scan', '--sbom', file, '--severity', 'bad'], ['scan', '--sbom', file, '--format', 'xml']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err[0]).toMatch(/^lazaret: usage: /);
    }
    const missing = await cli(['scan', '--sbom', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    writeFileSync(join(dir, 'notjson.json'), '{');
    const bad = await cli(['scan', '--sbom', join(dir, 'notjson.json')]);
    expect(bad).toMatchObject({ code: 2, err: [expect.stringMatching(/^lazaret: invalid-json: /)] });
  });

  it('says clearly when there is no database, or a corrupt one, and db import repairs it', async () => {
    const other = { ...env, LAZARET_DB: join(dir, 'other.sqlite') };
    const c = async (argv: string[]) => {
      const err: string[] = [];
      const code = await run(argv, { out: () => undefined, err: (s) => err.push(s) }, other);
      return { code, err };
    };
    expect(await c(['scan', '--sbom', file])).toMatchObject({ code: 2, err: [expect.stringMatching(/^lazaret: db-io: no vulnerability database .*lazaret db import/)] });
    writeFileSync(other.LAZARET_DB, 'garbage'.repeat(100));
    expect(await c(['db', 'status'])).toMatchObject({ code: 2, err: [expect.stringMatching(/^lazaret: db-corrupt: /)] });
    const repaired = await c(['db', 'import', join(SAMPLE, 'osv')]);
    expect(repaired.code).toBe(0);
    expect(repaired.err[0]).toMatch(/moved it to .*other\.sqlite\.corrupt-/);
    expect((await c(['scan', '--sbom', file, '--fail-on', 'critical'])).code).toBe(1);
  });
});
