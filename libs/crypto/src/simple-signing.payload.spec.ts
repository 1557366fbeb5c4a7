import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { buildSimpleSigningPayload, COSIGN_SIGNATURE_TYPE, parseSimpleSigningPayload } from './simple-signing.payload';
import { generateSigningKeyPair, sign, verify } from './signing.keys';

// Expected bytes from sigstore/sigstore pkg/signature/payload/payload_test.go (TestMarshalCosign).
const DIGEST = 'sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('cosign simple signing payload', () => {
  it('matches sigstore "no claims"', () => {
    expect(buildSimpleSigningPayload('example.com/test/image', DIGEST).toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"example.com/test/image"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":null}`,
    );
  });

  it('matches sigstore "standard atomic signature"', () => {
    expect(buildSimpleSigningPayload('example.com/atomic/test/image', DIGEST, { creator: 'atomic', timestamp: 1458239713 }).toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"example.com/atomic/test/image"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"creator":"atomic","timestamp":1458239713}}`,
    );
  });

  it('matches sigstore "arbitrary claims" (sorted nested keys, null, floats)', () => {
    const payload = buildSimpleSigningPayload('example.com/cosign/test/image', DIGEST, {
      creator: 'anyone',
      some_struct: { foo: 'bar', false: true, nothing: null },
      'CamelCase WithSpace': 8.314,
    });
    expect(payload.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"example.com/cosign/test/image"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"CamelCase WithSpace":8.314,"creator":"anyone","some_struct":{"false":true,"foo":"bar","nothing":null}}}`,
    );
  });

  it('escapes <, > and & as Go does', () => {
    expect(buildSimpleSigningPayload('r/x', DIGEST, { note: 'a<b>&c' }).toString()).toContain('"note":"a\\u003cb\\u003e\\u0026c"');
  });

  it('parses payloads (sigstore TestUnmarshalCosign cases)', () => {
    const parsed = parseSimpleSigningPayload(
      `{"critical":{"identity":{"docker-reference":"example.com/cosign/test/image"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"CamelCase WithSpace":8.314,"creator":"anyone","some_struct":{"false":true,"foo":"bar","nothing":null}}}`,
    );
    expect(parsed.critical).toEqual({
      identity: { 'docker-reference': 'example.com/cosign/test/image' },
      image: { 'docker-manifest-digest': DIGEST },
      type: COSIGN_SIGNATURE_TYPE,
    });
    expect(parsed.optional).toEqual({ creator: 'anyone', some_struct: { foo: 'bar', false: true, nothing: null }, 'CamelCase WithSpace': 8.314 });
    expect(parseSimpleSigningPayload(buildSimpleSigningPayload('example.com/test/image', DIGEST)).optional).toBeNull();
    // "unknown type" must fail.
    expect(
      code(() =>
        parseSimpleSigningPayload(
          `{"critical":{"identity":{"docker-reference":"example.com/atomic/test/image"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{}}`,
        ),
      ),
    ).toBe('malformed-payload');
  });

  it('rejects malformed payloads and bad inputs', () => {
    for (const bad of ['{', '[]', '{"critical":{}}', `{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:xyz"},"type":"${COSIGN_SIGNATURE_TYPE}"}}`]) {
      expect(code(() => parseSimpleSigningPayload(bad)), bad).toBe('malformed-payload');
    }
    expect(code(() => buildSimpleSigningPayload('r@sha256:aa', DIGEST))).toBe('invalid-argument');
    expect(code(() => buildSimpleSigningPayload('r', 'sha256:ABC'))).toBe('invalid-argument');
    expect(code(() => buildSimpleSigningPayload('r', DIGEST, [] as never))).toBe('invalid-argument');
  });

  it('signs the payload as cosign does (ECDSA P-256 over the raw bytes)', () => {
    const pair = generateSigningKeyPair();
    const payload = buildSimpleSigningPayload('registry.example/team/app', DIGEST);
    const sig = sign(payload, pair.privateKey);
    expect(verify(payload, sig, pair.publicKey)).toBe(true);
    expect(verify(Buffer.from(payload.toString().replace('team', 'evil')), sig, pair.publicKey)).toBe(false);
  });
});
