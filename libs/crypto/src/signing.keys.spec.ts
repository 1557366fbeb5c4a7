import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyFromRaw,
  ed25519RawPublicKey,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateSigningKeyPair,
  importPrivateKey,
  importPublicKey,
  keyAlgorithm,
  keyId,
  sign,
  signingKeyPair,
  verify,
} from './signing.keys';

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function bigToBytes(decimal: string): Buffer {
  return Buffer.from(BigInt(decimal).toString(16).padStart(64, '0'), 'hex');
}

describe('signing keys', () => {
  it.each(['ecdsa-p256', 'ed25519'] as const)('generates %s pairs exported as SPKI / PKCS#8 PEM', (algorithm) => {
    const pair = generateSigningKeyPair(algorithm);
    expect(pair.algorithm).toBe(algorithm);
    const pub = exportPublicKeyPem(pair.publicKey);
    const priv = exportPrivateKeyPem(pair.privateKey);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(priv).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    // Key id: SHA-256 over the DER inside the PEM, computed independently here.
    expect(pair.keyId).toBe(createHash('sha256').update(pemBody(pub)).digest('hex'));
    expect(keyId(pub)).toBe(pair.keyId);
    expect(keyId(priv)).toBe(pair.keyId);
    // Round trip through PEM signs and verifies across the halves.
    const sig = sign('hello', importPrivateKey(priv));
    expect(verify('hello', sig, importPublicKey(pub))).toBe(true);
    expect(signingKeyPair(priv).keyId).toBe(pair.keyId);
  });

  it('defaults to ECDSA P-256 with DER signatures and SHA-256', () => {
    const pair = generateSigningKeyPair();
    expect(pair.algorithm).toBe('ecdsa-p256');
    const sig = sign(Buffer.from('payload'), pair.privateKey);
    expect(sig[0]).toBe(0x30); // ASN.1 SEQUENCE
    expect(sig.length).toBeGreaterThanOrEqual(8);
    expect(sig.length).toBeLessThanOrEqual(72);
    expect(verify('payload', sig, pair.publicKey)).toBe(true);
  });

  it('rejects tampered data, tampered signatures and other keys', () => {
    for (const algorithm of ['ecdsa-p256', 'ed25519'] as const) {
      const pair = generateSigningKeyPair(algorithm);
      const other = generateSigningKeyPair(algorithm);
      const data = Buffer.from('the image digest sha256:0123');
      const sig = sign(data, pair.privateKey);
      expect(verify(data, sig, pair.publicKey)).toBe(true);
      expect(verify(Buffer.concat([data, Buffer.from('x')]), sig, pair.publicKey)).toBe(false);
      expect(verify(data, sig, other.publicKey)).toBe(false);
      for (let i = 0; i < sig.length; i += 7) {
        const bad = Buffer.from(sig);
        bad[i] ^= 0x01;
        expect(verify(data, bad, pair.publicKey)).toBe(false);
      }
      expect(verify(data, sig.subarray(0, sig.length - 1), pair.publicKey)).toBe(false);
      expect(verify(data, Buffer.alloc(0), pair.publicKey)).toBe(false);
    }
  });

  it('signs Ed25519 purely: RFC 8032 section 7.1 TEST 1 and TEST 2', () => {
    const vectors = [
      {
        seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        msg: '',
        sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      },
      {
        seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        msg: '72',
        sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      },
    ];
    for (const v of vectors) {
      const priv = ed25519PrivateKeyFromSeed(Buffer.from(v.seed, 'hex'));
      expect(ed25519RawPublicKey(priv).toString('hex')).toBe(v.pub);
      expect(sign(Buffer.from(v.msg, 'hex'), priv).toString('hex')).toBe(v.sig);
      expect(verify(Buffer.from(v.msg, 'hex'), Buffer.from(v.sig, 'hex'), ed25519PublicKeyFromRaw(Buffer.from(v.pub, 'hex')))).toBe(true);
    }
  });

  it('verifies the DSSE protocol.md ECDSA P-256 example (raw r||s) with ieee-p1363 encoding', () => {
    const x = bigToBytes('46950820868899156662930047687818585632848591499744589407958293238635476079160');
    const y = bigToBytes('5640078356564379163099075877009565129882514886557779369047442380624545832820');
    const pub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' });
    const pae = Buffer.from('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    const sig = Buffer.from('A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==', 'base64');
    expect(verify(pae, sig, pub, { dsaEncoding: 'ieee-p1363' })).toBe(true);
    expect(verify(pae, sig, pub)).toBe(false); // not DER
    expect(verify(Buffer.from('DSSEv1 29 http://example.com/HelloWorld 11 hello worle'), sig, pub, { dsaEncoding: 'ieee-p1363' })).toBe(false);
  });

  it('accepts imported RSA and P-384 keys with cosign-compatible digests', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(keyAlgorithm(rsa.privateKey)).toBe('rsa-pkcs1v15-sha256');
    expect(verify('m', sign('m', rsa.privateKey), rsa.publicKey)).toBe(true);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(keyAlgorithm(p384.publicKey)).toBe('ecdsa-p384');
    expect(verify('m', sign('m', p384.privateKey), p384.publicKey)).toBe(true);
    // SEC1 "EC PRIVATE KEY" PEM imports too.
    const sec1 = p384.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(keyId(importPrivateKey(sec1))).toBe(keyId(p384.publicKey));
  });

  it('rejects unsupported and malformed keys with typed errors that do not echo the key', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => sign('m', small.privateKey)).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => keyAlgorithm(k1.publicKey)).toThrow(/secp256k1/);
    const x25519 = generateKeyPairSync('x25519');
    expect(() => sign('m', x25519.privateKey)).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
    expect(() => generateSigningKeyPair('rsa' as never)).toThrow(CryptoError);

    const secretPem = exportPrivateKeyPem(generateSigningKeyPair().privateKey);
    const broken = secretPem.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    let caught: unknown;
    try {
      importPrivateKey(broken.slice(0, 120) + '\n-----END PRIVATE KEY-----\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CryptoError);
    expect((caught as CryptoError).code).toBe('invalid-key');
    expect(String((caught as Error).message)).not.toContain(secretPem.split('\n')[1]!.slice(0, 20));
    expect((caught as Error).cause).toBeUndefined();

    expect(() => importPublicKey('not a pem')).toThrow(expect.objectContaining({ code: 'invalid-key' }));
    expect(() => importPrivateKey('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n')).toThrow(/importCosignPrivateKey/);
    expect(() => importPrivateKey(createPublicKey(generateSigningKeyPair().privateKey))).toThrow(/not a private key/);
    expect(() => ed25519PrivateKeyFromSeed(Buffer.alloc(31))).toThrow(/32 bytes/);
    expect(() => ed25519RawPublicKey(generateSigningKeyPair().publicKey)).toThrow(/Ed25519/);
    expect(() => verify('m', 'sig' as unknown as Buffer, generateSigningKeyPair().publicKey)).toThrow(/bytes/);
  });
});
