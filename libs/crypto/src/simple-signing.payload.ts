import { canonicalJson } from './canonical-json.encoder';
import { CryptoError } from './errors';

/**
 * cosign "simple signing" payloads (the containers/image signature format cosign signs for
 * `cosign sign`): {"critical":{"identity":{"docker-reference":R},"image":
 * {"docker-manifest-digest":D},"type":"cosign container image signature"},"optional":{...}|null}.
 */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

export interface SimpleSigningPayload {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional: Record<string, unknown> | null;
}

const DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/**
 * The payload bytes exactly as cosign (Go encoding/json) writes them: fixed field order, sorted
 * annotation keys, no whitespace, and Go's HTML-safe escaping of <, > and & (and U+2028/2029).
 * `dockerReference` is the repository without tag or digest, e.g. `registry.example/team/app`.
 */
export function buildSimpleSigningPayload(dockerReference: string, manifestDigest: string, annotations?: Record<string, unknown>): Buffer {
  if (typeof dockerReference !== 'string' || dockerReference === '' || /[\s@]/.test(dockerReference)) {
    throw new CryptoError('invalid-argument', 'docker reference must be a repository name without spaces or @digest');
  }
  if (typeof manifestDigest !== 'string' || !DIGEST.test(manifestDigest)) {
    throw new CryptoError('invalid-argument', 'manifest digest must look like sha256:<64 lowercase hex>');
  }
  if (annotations !== undefined && (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations))) {
    throw new CryptoError('invalid-argument', 'annotations must be an object');
  }
  const critical =
    `{"identity":{"docker-reference":${goString(dockerReference)}},` +
    `"image":{"docker-manifest-digest":${goString(manifestDigest)}},` +
    `"type":${goString(COSIGN_SIGNATURE_TYPE)}}`;
  const optional = annotations === undefined ? 'null' : goEscape(canonicalJson(annotations));
  return Buffer.from(`{"critical":${critical},"optional":${optional}}`, 'utf8');
}

/** Parses and checks a simple-signing payload. Throws `malformed-payload`. */
export function parseSimpleSigningPayload(payload: string | Uint8Array): SimpleSigningPayload {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    throw new CryptoError('malformed-payload', 'simple signing payload is not valid JSON');
  }
  const fail = (why: string): never => {
    throw new CryptoError('malformed-payload', `simple signing payload: ${why}`);
  };
  const obj = (v: unknown, name: string): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${name} must be an object`);
    return v as Record<string, unknown>;
  };
  const root = obj(value, 'payload');
  const critical = obj(root.critical, 'critical');
  const identity = obj(critical.identity, 'critical.identity');
  const image = obj(critical.image, 'critical.image');
  if (critical.type !== COSIGN_SIGNATURE_TYPE) fail(`critical.type must be ${JSON.stringify(COSIGN_SIGNATURE_TYPE)}`);
  const ref = identity['docker-reference'];
  const digest = image['docker-manifest-digest'];
  if (typeof ref !== 'string' || ref === '') fail('critical.identity.docker-reference must be a non-empty string');
  if (typeof digest !== 'string' || !DIGEST.test(digest)) fail('critical.image.docker-manifest-digest must be a sha256/384/512 digest');
  const optional = root.optional === undefined || root.optional === null ? null : obj(root.optional, 'optional');
  return {
    critical: { identity: { 'docker-reference': ref as string }, image: { 'docker-manifest-digest': digest as string }, type: COSIGN_SIGNATURE_TYPE },
    optional,
  };
}

function goString(s: string): string {
  return goEscape(canonicalJson(s));
}

// Go's json.Marshal escapes these for safe embedding in HTML; cosign's payloads carry them so.
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
