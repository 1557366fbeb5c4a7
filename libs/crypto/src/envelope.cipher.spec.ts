import { createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  assertSecretEnvelope,
  decryptSecret,
  encryptSecret,
  needsRewrap,
  parseSecretEnvelope,
  rewrapSecret,
  type KeyEncryptionKeyProvider,
  type SecretEnvelope,
} from './envelope.cipher';
import { CryptoError } from './errors';
import { LocalKekProvider } from './local-kek.provider';

const KEK_A = randomBytes(32);
const KEK_B = randomBytes(32);
const AAD = 'signing-key:0b6f1c2e';

async function code(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

function provider(current = 'kek-a'): LocalKekProvider {
  return new LocalKekProvider({ currentKeyId: current, keys: { 'kek-a': KEK_A.toString('base64'), 'kek-b': KEK_B.toString('hex') } });
}

function mutateBase64(text: string): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[bytes.length - 1]! ^= 0x01;
  return bytes.toString('base64');
}

describe('envelope encryption', () => {
  it('round-trips and produces a self-describing JSON envelope', async () => {
    const p = provider();
    const env = await encryptSecret('registry password: hunter2', p, AAD);
    expect(Object.keys(env)).toEqual(['v', 'alg', 'kekId', 'wrappedKey', 'iv', 'tag', 'ciphertext']);
    expect(env).toMatchObject({ v: 1, alg: 'AES-256-GCM', kekId: 'kek-a' });
    expect(Buffer.from(env.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(env.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(env.wrappedKey, 'base64')).toHaveLength(60);
    expect(JSON.stringify(env)).not.toContain('hunter2');
    const again = parseSecretEnvelope(JSON.stringify(env));
    expect((await decryptSecret(again, p, AAD)).toString()).toBe('registry password: hunter2');
    expect((await decryptSecret(await encryptSecret(Buffer.alloc(0), p, AAD), p, AAD)).length).toBe(0);
  });

  it('uses a fresh data key and IV per secret', async () => {
    const p = provider();
    const a = await encryptSecret('same', p, AAD);
    const b = await encryptSecret('same', p, AAD);
    expect(a.iv).not.toBe(b.iv);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('is plain AES-256-GCM underneath: decrypting by hand with the documented layout works', async () => {
    const p = provider();
    const env = await encryptSecret('by hand', p, AAD);
    const wrapped = Buffer.from(env.wrappedKey, 'base64');
    const unwrap = createDecipheriv('aes-256-gcm', KEK_A, wrapped.subarray(0, 12));
    unwrap.setAAD(Buffer.from(`lazaret/kek-wrap/v1\nkek-a\n${AAD}`));
    unwrap.setAuthTag(wrapped.subarray(44));
    const dataKey = Buffer.concat([unwrap.update(wrapped.subarray(12, 44)), unwrap.final()]);
    const d = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(env.iv, 'base64'));
    d.setAAD(Buffer.from(`lazaret/secret/v1/AES-256-GCM\n${AAD}`));
    d.setAuthTag(Buffer.from(env.tag, 'base64'));
    expect(Buffer.concat([d.update(Buffer.from(env.ciphertext, 'base64')), d.final()]).toString()).toBe('by hand');
  });

  it('fails with decryption-failed on a wrong AAD or any tampered field', async () => {
    const p = provider();
    const env = await encryptSecret('top secret value', p, AAD);
    expect(await code(() => decryptSecret(env, p, 'signing-key:other'))).toBe('decryption-failed');
    expect(await code(() => decryptSecret(env, p, ''))).toBe('decryption-failed');
    for (const field of ['wrappedKey', 'iv', 'tag', 'ciphertext'] as const) {
      const tampered = { ...env, [field]: mutateBase64(env[field]) };
      expect(await code(() => decryptSecret(tampered, p, AAD)), field).toBe('decryption-failed');
    }
    // Every bit of the ciphertext is covered by the tag.
    const ct = Buffer.from(env.ciphertext, 'base64');
    for (let bit = 0; bit < ct.length * 8; bit += 13) {
      const c = Buffer.from(ct);
      c[bit >> 3]! ^= 1 << (bit & 7);
      expect(await code(() => decryptSecret({ ...env, ciphertext: c.toString('base64') }, p, AAD))).toBe('decryption-failed');
    }
    // Pointing the envelope at another configured KEK does not help.
    expect(await code(() => decryptSecret({ ...env, kekId: 'kek-b' }, p, AAD))).toBe('decryption-failed');
  });

  it('fails with typed errors on malformed envelopes and unknown KEKs', async () => {
    const p = provider();
    const env = await encryptSecret('x', p, AAD);
    expect(await code(() => decryptSecret({ ...env, kekId: 'kek-z' }, p, AAD))).toBe('unknown-kek');
    expect(await code(() => decryptSecret({ ...env, v: 2 }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, alg: 'AES-128-GCM' }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, iv: Buffer.alloc(16).toString('base64') }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, tag: env.tag.slice(0, 8) }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, ciphertext: '%%%' }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, wrappedKey: Buffer.alloc(59).toString('base64') }, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret({ ...env, extra: 1 }, p, AAD))).toBe('invalid-envelope');
    const { tag: _tag, ...missing } = env;
    expect(await code(() => decryptSecret(missing, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret(null, p, AAD))).toBe('invalid-envelope');
    expect(await code(() => decryptSecret('{}', p, AAD))).toBe('invalid-envelope');
    expect(() => parseSecretEnvelope('{not json')).toThrow(expect.objectContaining({ code: 'invalid-envelope' }));
    expect(() => assertSecretEnvelope([])).toThrow(CryptoError);
  });

  it('rotates: decrypts with the old KEK, encrypts with the current, rewraps without re-encrypting', async () => {
    const old = provider('kek-a');
    const env = await encryptSecret('rotate me', old, AAD);
    const rotated = provider('kek-b');
    expect(needsRewrap(env, rotated)).toBe(true);
    expect((await decryptSecret(env, rotated, AAD)).toString()).toBe('rotate me');
    expect((await encryptSecret('new', rotated, AAD)).kekId).toBe('kek-b');
    const rewrapped = await rewrapSecret(env, rotated, AAD);
    expect(rewrapped.kekId).toBe('kek-b');
    expect(needsRewrap(rewrapped, rotated)).toBe(false);
    expect(rewrapped.ciphertext).toBe(env.ciphertext);
    expect(rewrapped.wrappedKey).not.toBe(env.wrappedKey);
    expect((await decryptSecret(rewrapped, rotated, AAD)).toString()).toBe('rotate me');
    // Once kek-a is retired, only the rewrapped envelope still opens.
    const retired = new LocalKekProvider({ currentKeyId: 'kek-b', keys: { 'kek-b': KEK_B.toString('base64url').replace(/=+$/, '') } });
    expect((await decryptSecret(rewrapped, retired, AAD)).toString()).toBe('rotate me');
    expect(await code(() => decryptSecret(env, retired, AAD))).toBe('unknown-kek');
    expect(await code(() => rewrapSecret(env, rotated, 'wrong-aad'))).toBe('decryption-failed');
  });

  it('reads KEKs from a config string, current first, in base64 or hex', async () => {
    const p = LocalKekProvider.fromConfigString(`kek-b=${KEK_B.toString('hex')}, kek-a=${KEK_A.toString('base64')}`);
    expect(p.id).toBe('kek-b');
    expect(p.keyIds).toEqual(['kek-b', 'kek-a']);
    const env = await encryptSecret('cfg', p, AAD);
    expect((await decryptSecret(env, provider('kek-a'), AAD)).toString()).toBe('cfg');
    expect(Buffer.from(LocalKekProvider.generateKey(), 'base64')).toHaveLength(32);
  });

  it('never reveals KEK material: not in errors, JSON, or inspection', async () => {
    const secretB64 = KEK_A.toString('base64');
    const secretHex = KEK_B.toString('hex');
    const p = provider();
    expect(JSON.stringify(p)).not.toContain(secretB64);
    expect(inspect(p, { depth: 10, showHidden: true })).not.toContain(secretB64);
    expect(inspect(p, { depth: 10, showHidden: true })).not.toContain(secretHex);
    const badKeys: Array<[string, string]> = [
      ['short', secretB64.slice(0, 40)],
      ['long', secretB64 + 'AAAA'],
      ['hexish', secretHex.slice(0, 62) + 'zz'],
      ['junk', `${secretB64}!`],
    ];
    for (const [label, value] of badKeys) {
      let caught: unknown;
      try {
        new LocalKekProvider({ currentKeyId: 'k', keys: { k: value } });
      } catch (error) {
        caught = error;
      }
      expect(caught, label).toBeInstanceOf(CryptoError);
      const err = caught as CryptoError;
      expect(err.code).toBe('invalid-key');
      const everything = `${err.message} ${inspect(err)} ${String(err.cause ?? '')}`;
      expect(everything).not.toContain(value.slice(0, 16));
    }
    expect(() => new LocalKekProvider({ currentKeyId: 'missing', keys: { k: secretB64 } })).toThrow(/current KEK/);
    expect(() => new LocalKekProvider({ currentKeyId: 'bad id', keys: { 'bad id': secretB64 } })).toThrow(/not allowed/);
    expect(() => LocalKekProvider.fromConfigString(`k=${secretB64},k=${secretB64}`)).toThrow(/twice/);
    for (const spec of [secretB64, 'A'.repeat(43) + '=', `k=${secretB64},${secretB64}`]) {
      let message = '';
      try {
        LocalKekProvider.fromConfigString(spec);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/id=key/);
      expect(message).not.toContain(spec.slice(0, 12));
    }
  });

  it('accepts any KEK provider, e.g. a KMS adapter, and maps its failures to decryption-failed', async () => {
    class FakeKms implements KeyEncryptionKeyProvider {
      id = 'kms:projects/p/keys/k1';
      async wrap(dataKey: Buffer, aad: Buffer) {
        return { kekId: this.id, wrappedKey: Buffer.concat([Buffer.from([aad.length]), dataKey.map((b) => b ^ 0x5a)]).toString('base64') };
      }
      async unwrap(w: { kekId: string; wrappedKey: string }, aad: Buffer) {
        const raw = Buffer.from(w.wrappedKey, 'base64');
        if (raw[0] !== aad.length) throw new Error('KMS: InvalidCiphertextException');
        return Buffer.from(raw.subarray(1).map((b) => b ^ 0x5a));
      }
    }
    const kms = new FakeKms();
    const env: SecretEnvelope = await encryptSecret('via kms', kms, AAD);
    expect(env.kekId).toBe('kms:projects/p/keys/k1');
    expect((await decryptSecret(env, kms, AAD)).toString()).toBe('via kms');
    expect(await code(() => decryptSecret(env, kms, 'x'))).toBe('decryption-failed');
  });
});
