import { canonicalJsonBytes } from './canonical-json.encoder';
import { signDsse, verifyDsse, type DsseEnvelope, type DsseSigner, type DsseTrustedKey, type DsseVerifyOptions } from './dsse.envelope';
import { CryptoError } from './errors';

/** in-toto Attestation Framework, Statement layer v1 (github.com/in-toto/attestation spec/v1). */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** DSSE payloadType of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A ResourceDescriptor used as a subject: what the attestation is about. */
export interface StatementSubject {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface Statement<P = unknown> {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: StatementSubject[];
  predicateType: string;
  predicate?: P;
}

// Hex lengths of the digest algorithms the in-toto spec lists (digest_set.md); other algorithm
// names are allowed with any non-empty value.
const HEX_LENGTHS: Record<string, number> = {
  sha256: 64,
  sha224: 56,
  sha384: 96,
  sha512: 128,
  sha512_224: 56,
  sha512_256: 64,
  sha3_224: 56,
  sha3_256: 64,
  sha3_384: 96,
  sha3_512: 128,
  sha1: 40,
  md5: 32,
  gitCommit: 40,
  gitTree: 40,
  gitBlob: 40,
};

export function makeStatement<P>(subjects: StatementSubject[], predicateType: string, predicate?: P): Statement<P> {
  const statement: Statement<P> = { _type: IN_TOTO_STATEMENT_TYPE, subject: subjects, predicateType };
  if (predicate !== undefined) statement.predicate = predicate;
  assertStatement(statement, 'invalid-argument');
  return statement;
}

/** Canonical JSON bytes of a statement (the DSSE payload). */
export function statementPayload(statement: Statement): Buffer {
  assertStatement(statement, 'invalid-argument');
  return canonicalJsonBytes(statement);
}

export function parseStatement(payload: string | Uint8Array): Statement {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    throw new CryptoError('malformed-payload', 'in-toto statement is not valid JSON');
  }
  assertStatement(value, 'malformed-payload');
  return value;
}

export function signStatement(statement: Statement, signers: readonly DsseSigner[]): Promise<DsseEnvelope> {
  return signDsse(statementPayload(statement), IN_TOTO_PAYLOAD_TYPE, signers);
}

/**
 * Verifies a DSSE envelope holding an in-toto statement and parses it. Throws `signature-invalid`
 * when the envelope does not verify (or is not an in-toto payload), `malformed-payload` when the
 * signed statement is invalid.
 */
export function verifyStatement(
  envelope: unknown,
  trustedKeys: readonly DsseTrustedKey[],
  options: Omit<DsseVerifyOptions, 'supportedPayloadTypes'> = {},
): { statement: Statement; verifiedKeyIds: string[] } {
  const result = verifyDsse(envelope, trustedKeys, { ...options, supportedPayloadTypes: [IN_TOTO_PAYLOAD_TYPE] });
  if (!result.ok) throw new CryptoError('signature-invalid', `attestation rejected: ${result.reason ?? 'not verified'}`);
  return { statement: parseStatement(result.payload), verifiedKeyIds: result.verifiedKeyIds };
}

function assertStatement(value: unknown, code: 'invalid-argument' | 'malformed-payload'): asserts value is Statement {
  const fail = (why: string): never => {
    throw new CryptoError(code, `in-toto statement: ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('must be an object');
  const s = value as Record<string, unknown>;
  if (s._type !== IN_TOTO_STATEMENT_TYPE) fail(`_type must be ${IN_TOTO_STATEMENT_TYPE}`);
  if (typeof s.predicateType !== 'string' || s.predicateType === '') fail('predicateType must be a non-empty string');
  if (s.predicate !== undefined && (s.predicate === null || typeof s.predicate !== 'object' || Array.isArray(s.predicate))) {
    fail('predicate must be an object');
  }
  if (!Array.isArray(s.subject) || s.subject.length === 0) fail('subject must be a non-empty array');
  (s.subject as unknown[]).forEach((subject, i) => {
    if (subject === null || typeof subject !== 'object' || Array.isArray(subject)) fail(`subject[${i}] must be an object`);
    const sub = subject as Record<string, unknown>;
    if (sub.name !== undefined && typeof sub.name !== 'string') fail(`subject[${i}].name must be a string`);
    const digest = sub.digest;
    if (digest === null || typeof digest !== 'object' || Array.isArray(digest) || Object.keys(digest).length === 0) {
      fail(`subject[${i}].digest must be a non-empty object`);
    }
    for (const [alg, val] of Object.entries(digest as Record<string, unknown>)) {
      if (typeof val !== 'string' || val === '') fail(`subject[${i}].digest.${alg} must be a non-empty string`);
      const len = HEX_LENGTHS[alg];
      if (len !== undefined && !new RegExp(`^[0-9a-f]{${len}}$`).test(val as string)) {
        fail(`subject[${i}].digest.${alg} must be ${len} lowercase hex digits`);
      }
    }
  });
}
