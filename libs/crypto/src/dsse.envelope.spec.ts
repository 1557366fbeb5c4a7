import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keySigner, pae, parseDsseEnvelope, signDsse, verifyDsse, type DsseEnvelope, type DsseTrustedKey } from './dsse.envelope';
import { CryptoError } from './errors';
import { ed25519PrivateKeyFromSeed, ed25519PublicKeyFromRaw, generateSigningKeyPair, keyId } from './signing.keys';
import vectorFile from './testdata/dsse/vectors.json';

// Vectors: secure-systems-lab/dsse testvectors/vectors.json (commit 82043adf; see
// testdata/dsse/SOURCE.md). Each case names its upstream id.
interface Vector {
  id: string;
  envelope: DsseEnvelope;
  trustedKeys: string[];
  threshold: number;
  supportedPayloadTypes: string[];
  pae: string;
  expect: 'accept' | 'reject';
}
const vectors = vectorFile.vectors as Vector[];
const keys = vectorFile.keys as Record<string, { seed: string; public: string }>;

function trusted(names: string[]): DsseTrustedKey[] {
  return names.map((name) => ({ keyid: name, publicKey: ed25519PublicKeyFromRaw(Buffer.from(keys[name]!.public, 'hex')) }));
}

function base64Decode(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('DSSE', () => {
  describe('upstream test vectors (secure-systems-lab/dsse testvectors/vectors.json)', () => {
    it.each(vectors)('$id: PAE is byte-exact', (v) => {
      // The vector's pae is PAE of what was signed; for accepted vectors that is the envelope's
      // own type and body.
      if (v.expect === 'accept') {
        expect(pae(v.envelope.payloadType, base64Decode(v.envelope.payload)).toString('hex')).toBe(v.pae);
      }
    });

    it.each(vectors)('$id: verifier says $expect', (v) => {
      const result = verifyDsse(v.envelope, trusted(v.trustedKeys), {
        threshold: v.threshold,
        supportedPayloadTypes: v.supportedPayloadTypes,
      });
      expect(result.ok ? 'accept' : 'reject').toBe(v.expect);
    });

    it('single-signature: reports which key verified and returns the payload', () => {
      const v = vectors.find((x) => x.id === 'single-signature')!;
      const result = verifyDsse(v.envelope, trusted(['A', 'B']));
      expect(result).toMatchObject({ ok: true, verifiedKeyIds: ['A'], payloadType: 'application/vnd.in-toto+json' });
      expect(result.payload.toString()).toBe('{"_type":"https://in-toto.io/Statement/v1"}');
    });

    it('threshold-two-one-key-twice: fails for the threshold, not the signatures', () => {
      const v = vectors.find((x) => x.id === 'threshold-two-one-key-twice')!;
      expect(verifyDsse(v.envelope, trusted(v.trustedKeys), { threshold: 2 })).toMatchObject({
        ok: false,
        reason: 'threshold-not-met',
        verifiedKeyIds: ['A'],
      });
    });

    it('empty-payload-type: the signature is valid but the type is not supported', () => {
      const v = vectors.find((x) => x.id === 'empty-payload-type')!;
      expect(verifyDsse(v.envelope, trusted(['A']), { supportedPayloadTypes: v.supportedPayloadTypes })).toMatchObject({
        ok: false,
        reason: 'unsupported-payload-type',
        verifiedKeyIds: ['A'],
      });
    });

    it('signing with the RFC 8032 keys reproduces the upstream envelopes exactly', async () => {
      const signer = (name: string, keyid?: string) => {
        const s = keySigner(ed25519PrivateKeyFromSeed(Buffer.from(keys[name]!.seed, 'hex')), keyid);
        return keyid === undefined ? { sign: s.sign } : s; // upstream omits keyid in some vectors
      };
      for (const id of ['single-signature', 'threshold-two-distinct-keys', 'threshold-two-without-keyids', 'empty-payload', 'non-ascii-payload-type']) {
        const v = vectors.find((x) => x.id === id)!;
        const names = v.envelope.signatures.map((s, i) => s.keyid ?? ['A', 'B'][i]!);
        const signers = names.map((n, i) => signer(n, v.envelope.signatures[i]!.keyid));
        const env = await signDsse(Buffer.from(v.envelope.payload, 'base64'), v.envelope.payloadType, signers);
        expect(env, id).toEqual(v.envelope);
      }
    });
  });

  it('PAE follows the spec example and counts bytes, not characters', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(pae('', Buffer.alloc(0)).toString()).toBe('DSSEv1 0  0 ');
    expect(pae('é', Buffer.from('ü')).toString('hex')).toBe(Buffer.concat([Buffer.from('DSSEv1 2 '), Buffer.from('é'), Buffer.from(' 2 '), Buffer.from('ü')]).toString('hex'));
  });

  it('verifies the protocol.md ECDSA example (raw r||s) when the key says so', () => {
    const big = (d: string) => Buffer.from(BigInt(d).toString(16).padStart(64, '0'), 'hex').toString('base64url');
    const publicKey = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: big('46950820868899156662930047687818585632848591499744589407958293238635476079160'),
        y: big('5640078356564379163099075877009565129882514886557779369047442380624545832820'),
      },
      format: 'jwk',
    });
    const envelope = {
      payload: 'aGVsbG8gd29ybGQ=',
      payloadType: 'http://example.com/HelloWorld',
      signatures: [{ sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==' }],
    };
    expect(verifyDsse(envelope, [{ keyid: 'spec', publicKey, dsaEncoding: 'ieee-p1363' }]).ok).toBe(true);
    expect(verifyDsse(envelope, [{ keyid: 'spec', publicKey }]).ok).toBe(false);
  });

  it('signs with ECDSA P-256 (DER, as cosign) and Ed25519, with key ids from the SPKI', async () => {
    const ec = generateSigningKeyPair('ecdsa-p256');
    const ed = generateSigningKeyPair('ed25519');
    const env = await signDsse('{"x":1}', 'application/vnd.in-toto+json', [keySigner(ec.privateKey), keySigner(ed.privateKey)]);
    expect(env.signatures.map((s) => s.keyid)).toEqual([keyId(ec.publicKey), keyId(ed.publicKey)]);
    const result = verifyDsse(env, [
      { keyid: 'ed', publicKey: ed.publicKey },
      { keyid: 'ec', publicKey: ec.publicKey },
    ], { threshold: 2 });
    expect(result).toMatchObject({ ok: true, verifiedKeyIds: ['ed', 'ec'] });
  });

  it('rejects tampered payloads, types and signatures', async () => {
    const pair = generateSigningKeyPair('ecdsa-p256');
    const env = await signDsse('{"predicate":"ok"}', 'application/vnd.in-toto+json', [keySigner(pair.privateKey)]);
    const keysA = [{ keyid: 'k', publicKey: pair.publicKey }];
    expect(verifyDsse(env, keysA).ok).toBe(true);
    expect(verifyDsse({ ...env, payload: Buffer.from('{"predicate":"no"}').toString('base64') }, keysA).ok).toBe(false);
    expect(verifyDsse({ ...env, payloadType: 'application/json' }, keysA).ok).toBe(false);
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    sig[sig.length - 1]! ^= 1;
    expect(verifyDsse({ ...env, signatures: [{ sig: sig.toString('base64') }] }, keysA).ok).toBe(false);
    expect(verifyDsse(env, [{ keyid: 'other', publicKey: generateSigningKeyPair().publicKey }]).ok).toBe(false);
    expect(verifyDsse(env, []).ok).toBe(false);
  });

  it('throws malformed-dsse for malformed or truncated envelopes', async () => {
    const pair = generateSigningKeyPair('ed25519');
    const env = await signDsse('body', 'text/plain', [keySigner(pair.privateKey)]);
    const json = JSON.stringify(env);
    const k = [{ keyid: 'k', publicKey: pair.publicKey }];
    for (let cut = 1; cut < json.length; cut += 9) {
      expect(code(() => parseDsseEnvelope(json.slice(0, cut))), `cut at ${cut}`).toBe('malformed-dsse');
    }
    const bad: unknown[] = [
      null,
      'string',
      [],
      { payloadType: 'x', signatures: env.signatures },
      { payload: env.payload, signatures: env.signatures },
      { ...env, signatures: [] },
      { ...env, signatures: 'sig' },
      { ...env, signatures: [null] },
      { ...env, signatures: [{ keyid: 'k' }] },
      { ...env, signatures: [{ sig: '' }] },
      { ...env, signatures: [{ sig: env.signatures[0]!.sig, keyid: 5 }] },
      { ...env, payload: 'not base64!' },
      { ...env, payload: env.payload.slice(0, 5) },
      { ...env, signatures: [{ sig: env.signatures[0]!.sig.slice(0, 5) }] },
    ];
    for (const b of bad) expect(code(() => verifyDsse(b, k)), JSON.stringify(b)).toBe('malformed-dsse');
    expect(parseDsseEnvelope(Buffer.from(json))).toEqual(env);
    expect(code(() => verifyDsse(env, k, { threshold: 0 }))).toBe('invalid-argument');
    expect(code(() => verifyDsse(env, [...k, ...k]))).toBe('invalid-argument');
  });

  it('accepts asynchronous signers (KMS-style)', async () => {
    const pair = generateSigningKeyPair('ecdsa-p256');
    const local = keySigner(pair.privateKey, 'kms-key-1');
    const remote = { keyid: 'kms-key-1', sign: async (data: Buffer) => local.sign(data) };
    const env = await signDsse(Buffer.from([0, 1, 2]), 'application/octet-stream', [remote]);
    expect(verifyDsse(env, [{ keyid: 'kms-key-1', publicKey: pair.publicKey }]).ok).toBe(true);
    await expect(signDsse('x', 'text/plain', [])).rejects.toThrow(CryptoError);
    await expect(signDsse('x', 'text/plain', [{ sign: () => Buffer.alloc(0) }])).rejects.toThrow(/no signature/);
  });
});
