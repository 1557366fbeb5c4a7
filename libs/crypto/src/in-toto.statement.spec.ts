import { describe, expect, it } from 'vitest';
import { keySigner, signDsse } from './dsse.envelope';
import { CryptoError } from './errors';
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  makeStatement,
  parseStatement,
  signStatement,
  statementPayload,
  verifyStatement,
} from './in-toto.statement';
import { generateSigningKeyPair } from './signing.keys';

const DIGEST = 'a'.repeat(64);
const subject = { name: 'registry.example/team/app', digest: { sha256: DIGEST } };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('in-toto Statement v1', () => {
  it('builds a statement with the v1 type and serialises it canonically', () => {
    const st = makeStatement([subject], 'https://cyclonedx.org/bom', { bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(st).toEqual({
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: [subject],
      predicateType: 'https://cyclonedx.org/bom',
      predicate: { bomFormat: 'CycloneDX', specVersion: '1.6' },
    });
    expect(statementPayload(st).toString()).toBe(
      `{"_type":"https://in-toto.io/Statement/v1","predicate":{"bomFormat":"CycloneDX","specVersion":"1.6"},"predicateType":"https://cyclonedx.org/bom","subject":[{"digest":{"sha256":"${DIGEST}"},"name":"registry.example/team/app"}]}`,
    );
    expect(parseStatement(statementPayload(st))).toEqual(st);
    expect(makeStatement([subject], 'https://example.com/p')).not.toHaveProperty('predicate');
  });

  it('rejects invalid statements', () => {
    expect(code(() => makeStatement([], 'x'))).toBe('invalid-argument');
    expect(code(() => makeStatement([{ digest: {} }], 'x'))).toBe('invalid-argument');
    expect(code(() => makeStatement([{ name: 'a', digest: { sha256: 'ABC' } }], 'x'))).toBe('invalid-argument');
    expect(code(() => makeStatement([{ name: 'a', digest: { sha256: DIGEST.toUpperCase() } }], 'x'))).toBe('invalid-argument');
    expect(code(() => makeStatement([{ name: 'a', digest: { sha512: DIGEST } }], 'x'))).toBe('invalid-argument');
    expect(code(() => makeStatement([subject], ''))).toBe('invalid-argument');
    expect(code(() => makeStatement([subject], 'x', [1, 2]))).toBe('invalid-argument');
    expect(makeStatement([{ digest: { customAlg: 'anything' } }], 'x').subject).toHaveLength(1);
    expect(code(() => parseStatement('{"_type":"https://in-toto.io/Statement/v0.1","subject":[],"predicateType":"x"}'))).toBe('malformed-payload');
    expect(code(() => parseStatement('{'))).toBe('malformed-payload');
  });

  it('signs as DSSE with the in-toto payload type and verifies', async () => {
    const pair = generateSigningKeyPair();
    const st = makeStatement([subject], 'https://lazaret.dev/scan-verdict/v1', { verdict: 'pass', critical: 0 });
    const env = await signStatement(st, [keySigner(pair.privateKey)]);
    expect(env.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const { statement, verifiedKeyIds } = verifyStatement(env, [{ keyid: 'ci', publicKey: pair.publicKey }]);
    expect(statement).toEqual(st);
    expect(verifiedKeyIds).toEqual(['ci']);
    expect(code(() => verifyStatement(env, [{ keyid: 'x', publicKey: generateSigningKeyPair().publicKey }]))).toBe('signature-invalid');
    // A correctly signed envelope of another type is not an attestation.
    const other = await signDsse(statementPayload(st), 'application/json', [keySigner(pair.privateKey)]);
    expect(code(() => verifyStatement(other, [{ keyid: 'ci', publicKey: pair.publicKey }]))).toBe('signature-invalid');
    // A correctly signed but invalid statement is reported as such.
    const junk = await signDsse('{"_type":"nope"}', IN_TOTO_PAYLOAD_TYPE, [keySigner(pair.privateKey)]);
    expect(code(() => verifyStatement(junk, [{ keyid: 'ci', publicKey: pair.publicKey }]))).toBe('malformed-payload');
  });
});
