import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCosignPrivateKey, importPublicKey, keyId } from '@lazaret/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';

async function lazaret(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

describe('keygen', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazaret-keygen-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an encrypted cosign.key (0600) and the matching cosign.pub', async () => {
    const prefix = join(dir, 'k1');
    const r = await lazaret(['keygen', '--output-key-prefix', prefix, '--format', 'json'], { COSIGN_PASSWORD: 'pw' });
    expect(r.code, r.err.join('\n')).toBe(0);
    const printed = JSON.parse(r.out) as { keyId: string; algorithm: string };
    const key = importCosignPrivateKey(readFileSync(`${prefix}.key`, 'utf8'), 'pw');
    expect(key.keyId).toBe(printed.keyId);
    expect(key.algorithm).toBe('ecdsa-p256');
    expect(keyId(importPublicKey(readFileSync(`${prefix}.pub`, 'utf8')))).toBe(key.keyId);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const prefix = join(dir, 'k2');
    writeFileSync(`${prefix}.pub`, 'keep me');
    const r = await lazaret(['keygen', '--output-key-prefix', prefix], { LAZARET_KEY_PASSWORD: 'pw' });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^lazaret: file-exists: .*k2\.pub/)]);
    expect(readFileSync(`${prefix}.pub`, 'utf8')).toBe('keep me');
    expect(() => statSync(`${prefix}.key`)).toThrow();
    expect((await lazaret(['keygen', '--output-key-prefix', prefix, '--force'], { LAZARET_KEY_PASSWORD: 'pw' })).code).toBe(0);
    expect(readFileSync(`${prefix}.pub`, 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
  });

  it('needs a password and no arguments', async () => {
    const none = await lazaret(['keygen', '--output-key-prefix', join(dir, 'k3')], {});
    expect(none.code).toBe(2);
    expect(none.err).toEqual([expect.stringMatching(/^lazaret: password-required: /)]);
    expect((await lazaret(['keygen', 'extra'], { COSIGN_PASSWORD: 'pw' })).err[0]).toMatch(/^lazaret: usage: /);
  });
});
