import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPrivateKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { PREDICATE_TYPES } from '@lazaret/trust';
import type { Finding } from '@lazaret/vulndb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';
import { ATTESTATION_TYPES, attestationTypeOf, verdictFindings } from './attest.command';

async function lazaret(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

const IMAGE = '127.0.0.1:9/app:1';

describe('attest', () => {
  let dir: string;
  let key: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazaret-attest-unit-'));
    key = join(dir, 'key.pem');
    writeFileSync(key, exportPrivateKeyPem(generateSigningKeyPair().privateKey));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps --type names to predicate types', () => {
    expect(ATTESTATION_TYPES).toEqual({ sbom: PREDICATE_TYPES.cyclonedx, vuln: PREDICATE_TYPES.vulnVerdictV1, slsaprovenance: PREDICATE_TYPES.slsaProvenanceV1 });
    expect(attestationTypeOf('vuln')).toBe('vuln');
    expect(() => attestationTypeOf('toString')).toThrow(/--type must be one of/);
  });

  it('turns matcher findings into verdict findings (negligible counts as low, first fix)', () => {
    const f = (severity: Finding['severity'], fixedVersions: string[]): Finding =>
      ({ id: 'CVE-1', severity, installedVersion: '1.0', fixedVersions, package: { purl: 'pkg:deb/debian/a@1.0' } }) as unknown as Finding;
    expect(verdictFindings([f('negligible', []), f('high', ['1.1', '2.0'])])).toEqual([
      { id: 'CVE-1', severity: 'low', package: 'pkg:deb/debian/a@1.0', installedVersion: '1.0', fixedVersion: null },
      { id: 'CVE-1', severity: 'high', package: 'pkg:deb/debian/a@1.0', installedVersion: '1.0', fixedVersion: '1.1' },
    ]);
  });

  it('usage: --type and --key are required, slsaprovenance needs --predicate, --db only for vuln', async () => {
    expect((await lazaret(['attest', IMAGE, '--key', key], { HOME: dir })).err[0]).toMatch(/^lazaret: usage: .*--type sbom\|vuln\|slsaprovenance/);
    expect((await lazaret(['attest', IMAGE, '--type', 'sbom'], { HOME: dir })).err[0]).toMatch(/^lazaret: usage: .*--key/);
    expect((await lazaret(['attest', IMAGE, '--type', 'slsaprovenance', '--key', key], { HOME: dir })).err[0]).toMatch(/--predicate/);
    expect((await lazaret(['attest', IMAGE, '--type', 'sbom', '--key', key, '--db', 'x'], { HOME: dir })).err[0]).toMatch(/--type vuln/);
    expect((await lazaret(['attest', IMAGE, '--type', 'vuln', '--key', key, '--fail-on', 'awful'], { HOME: dir })).err[0]).toMatch(/--fail-on/);
  });

  it('a predicate file that is not JSON fails before the registry (exit 2)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    const r = await lazaret(['attest', IMAGE, '--insecure', '--type', 'sbom', '--predicate', bad, '--key', key], { HOME: dir });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^lazaret: invalid-predicate: .*not JSON/)]);
  });

  it('vuln without a database fails before the registry (exit 2)', async () => {
    const r = await lazaret(['attest', IMAGE, '--insecure', '--type', 'vuln', '--key', key, '--db', join(dir, 'none.sqlite')], { HOME: dir });
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^lazaret: [a-z-]+: /);
    expect(r.err[0]).not.toMatch(/network|registry/);
  });
});
