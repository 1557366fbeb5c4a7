import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCosignPrivateKey, exportPrivateKeyPem, exportPublicKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';
import type { CommandContext } from '../command';
import { loadPrivateKey, resolveImage } from './sign.command';

async function lazaret(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

function ctx(env: NodeJS.ProcessEnv, values: CommandContext['values'] = {}): CommandContext {
  return { args: [], values, env, io: { out: () => {}, err: () => {} }, api: () => { throw new Error('no api'); } };
}

describe('sign: key files and usage', () => {
  let dir: string;
  const pair = generateSigningKeyPair('ecdsa-p256');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sign-unit-'));
    // scrypt N=2^15 is the smallest cosign accepts: keeps the unit test fast.
    writeFileSync(join(dir, 'cosign.key'), exportCosignPrivateKey(pair.privateKey, 'pw', { scryptN: 32768 }));
    writeFileSync(join(dir, 'pkcs8.pem'), exportPrivateKeyPem(pair.privateKey));
    writeFileSync(join(dir, 'cosign.pub'), exportPublicKeyPem(pair.publicKey));
    writeFileSync(join(dir, 'junk.pem'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a cosign key with LAZARET_KEY_PASSWORD, then COSIGN_PASSWORD', async () => {
    expect((await loadPrivateKey(ctx({ LAZARET_KEY_PASSWORD: 'pw' }), join(dir, 'cosign.key'))).keyId).toBe(pair.keyId);
    expect((await loadPrivateKey(ctx({ COSIGN_PASSWORD: 'pw' }), join(dir, 'cosign.key'))).keyId).toBe(pair.keyId);
    // LAZARET_KEY_PASSWORD wins when both are set.
    await expect(loadPrivateKey(ctx({ LAZARET_KEY_PASSWORD: 'no', COSIGN_PASSWORD: 'pw' }), join(dir, 'cosign.key'))).rejects.toMatchObject({ code: 'wrong-password' });
  });

  it('reads a PKCS#8 PEM without a password', async () => {
    expect((await loadPrivateKey(ctx({}), join(dir, 'pkcs8.pem'))).keyId).toBe(pair.keyId);
  });

  it('names what is wrong with a key file', async () => {
    await expect(loadPrivateKey(ctx({}), join(dir, 'cosign.key'))).rejects.toMatchObject({ code: 'password-required' });
    await expect(loadPrivateKey(ctx({}), join(dir, 'cosign.pub'))).rejects.toMatchObject({ code: 'invalid-key' });
    await expect(loadPrivateKey(ctx({}), join(dir, 'junk.pem'))).rejects.toMatchObject({ code: 'invalid-key' });
    await expect(loadPrivateKey(ctx({}), join(dir, 'absent.key'))).rejects.toMatchObject({ code: 'file-not-found' });
  });

  it('refuses local image sources and malformed references before any network', async () => {
    await expect(resolveImage(ctx({ HOME: dir }), 'oci:/tmp/layout')).rejects.toMatchObject({ code: 'usage' });
    await expect(resolveImage(ctx({ HOME: dir }), 'UPPER/Case::bad')).rejects.toMatchObject({ code: 'invalid-image' });
  });

  it('usage errors exit 2 with one line', async () => {
    const noKey = await lazaret(['sign', 'registry.example/app:1'], { HOME: dir });
    expect(noKey.code).toBe(2);
    expect(noKey.err).toEqual([expect.stringMatching(/^lazaret: usage: .*--key/)]);
    expect((await lazaret(['sign', '--key', 'k'], { HOME: dir })).err[0]).toMatch(/^lazaret: usage: name an image/);
    expect((await lazaret(['sign', 'a/b:1', 'c/d:1', '--key', 'k'], { HOME: dir })).err[0]).toMatch(/one image at a time/);
    expect((await lazaret(['sign', 'a/b:1', '--key', 'k', '-a', 'novalue'], { HOME: dir })).err[0]).toMatch(/KEY=VALUE/);
    expect((await lazaret(['sign', 'a/b:1', '--key', 'k', '--format', 'xml'], { HOME: dir })).err[0]).toMatch(/--format must be one of table, json/);
    const both = await lazaret(['sign', 'a/b:1', '--key', 'k', '--password-stdin', '--registry-password-stdin', '--username', 'u'], { HOME: dir });
    expect(both.err[0]).toMatch(/both want stdin/);
  });

  it('a wrong password fails before the registry is contacted (exit 2)', async () => {
    // 127.0.0.1:9 (discard) would give a network error if the registry were tried first.
    const r = await lazaret(['sign', '127.0.0.1:9/app:1', '--insecure', '--key', join(dir, 'cosign.key')], { HOME: dir, LAZARET_KEY_PASSWORD: 'wrong' });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^lazaret: wrong-password: /)]);
    expect(readFileSync(join(dir, 'cosign.key'), 'utf8')).toMatch(/ENCRYPTED SIGSTORE PRIVATE KEY/);
  });
});
