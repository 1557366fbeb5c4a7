import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPrivateKeyPem, exportPublicKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';

async function lazaret(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

// 127.0.0.1:9 is never contacted: every case here fails on local input first.
const IMAGE = '127.0.0.1:9/app:1';

describe('verify: usage and local input errors (no registry reached)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazaret-verify-unit-'));
    env = { HOME: dir };
    const pair = generateSigningKeyPair();
    writeFileSync(join(dir, 'cosign.pub'), exportPublicKeyPem(pair.publicKey));
    writeFileSync(join(dir, 'private.pem'), exportPrivateKeyPem(pair.privateKey));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('needs exactly one of --key and --policy', async () => {
    expect((await lazaret(['verify', IMAGE], env)).err).toEqual([expect.stringMatching(/^lazaret: usage: .*--key FILE .* or --policy FILE/)]);
    const both = await lazaret(['verify', IMAGE, '--key', join(dir, 'cosign.pub'), '--policy', join(dir, 'p.yaml')], env);
    expect(both.code).toBe(2);
    expect(both.err[0]).toMatch(/do not mix/);
  });

  it('checks --type names', async () => {
    const r = await lazaret(['verify', IMAGE, '--key', join(dir, 'cosign.pub'), '--type', 'sbomx'], env);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--type must be one of sbom, vuln, slsaprovenance/);
  });

  it('refuses a private key where a public key belongs', async () => {
    const r = await lazaret(['verify', IMAGE, '--insecure', '--key', join(dir, 'private.pem')], env);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^lazaret: invalid-key: .*cosign\.pub/)]);
  });

  it('reports every policy problem on its own line with file:line:column, exit 2', async () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, ['kind: TrustPolicy', 'defaultAction: allow', 'rules:', '  - name: r', '    images: ["x/**"]', '    signatures: { keys: [nobody] }', 'extra: 1', ''].join('\n'));
    const r = await lazaret(['verify', IMAGE, '--insecure', '--policy', file], env);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.length).toBe(2);
    expect(r.err.some((l) => l.startsWith(`lazaret: policy-invalid: ${file}:6:`) && l.includes('nobody'))).toBe(true);
    expect(r.err.some((l) => l.startsWith(`lazaret: policy-invalid: ${file}:7:`) && /:7:\d+: extra: unknown field/.test(l))).toBe(true);
  });

  it('a missing policy file is an error, not a denial', async () => {
    const r = await lazaret(['verify', IMAGE, '--policy', join(dir, 'absent.yaml')], env);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^lazaret: file-not-found: /);
  });
});
