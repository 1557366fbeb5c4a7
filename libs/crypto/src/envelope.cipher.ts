import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bytesOf, decodeBase64 } from './encoding.util';
import { CryptoError } from './errors';

/**
 * Envelope encryption of secrets at rest (signing keys, registry credentials, agent tokens).
 *
 * Each secret gets a fresh random 256-bit data key; the data is sealed with AES-256-GCM (96-bit
 * random IV, 128-bit tag) and the data key is wrapped by a key-encryption key (KEK) held by a
 * {@link KeyEncryptionKeyProvider}: the local provider (KEKs from config) or a cloud KMS adapter.
 * The caller's AAD names the secret's purpose and id (e.g. `signing-key:7f3a...`) so a ciphertext
 * copied onto another row, or used for another purpose, fails to decrypt.
 */

/** A data key wrapped by a KEK. `wrappedKey` is provider-specific and opaque (base64 text). */
export interface WrappedKey {
  kekId: string;
  wrappedKey: string;
}

/**
 * Where KEKs live. `wrap` uses the provider's current KEK; `unwrap` must find the KEK named in
 * `w.kekId` (older ones included, for rotation). Both receive the secret's AAD so that a KMS can
 * bind it too (as an encryption context). Implementations must throw CryptoError
 * `decryption-failed` / `unknown-kek` and never put key material in messages.
 */
export interface KeyEncryptionKeyProvider {
  /** The id of the KEK that `wrap` uses now. */
  id: string;
  wrap(dataKey: Buffer, aad: Buffer): Promise<WrappedKey>;
  unwrap(w: WrappedKey, aad: Buffer): Promise<Buffer>;
}

/** Self-describing, JSON-serialisable encrypted secret. All binary fields are standard base64. */
export interface SecretEnvelope {
  v: 1;
  alg: 'AES-256-GCM';
  kekId: string;
  wrappedKey: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds version and algorithm into the GCM tag, so a future v2 envelope can never be replayed as
// v1 (or the other way round) with the same key.
const DATA_AAD_PREFIX = Buffer.from('lazaret/secret/v1/AES-256-GCM\n', 'utf8');

export async function encryptSecret(
  plaintext: string | Uint8Array,
  provider: KeyEncryptionKeyProvider,
  aad: string | Uint8Array,
): Promise<SecretEnvelope> {
  const data = bytesOf(plaintext, 'plaintext');
  const aadBytes = bytesOf(aad, 'aad');
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.concat([DATA_AAD_PREFIX, aadBytes]));
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    const tag = cipher.getAuthTag();
    const wrapped = await wrapCopy(provider, dataKey, aadBytes);
    return {
      v: 1,
      alg: 'AES-256-GCM',
      kekId: wrapped.kekId,
      wrappedKey: wrapped.wrappedKey,
      iv: iv.toString('base64'),
      tag: tag.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

export async function decryptSecret(envelope: unknown, provider: KeyEncryptionKeyProvider, aad: string | Uint8Array): Promise<Buffer> {
  assertSecretEnvelope(envelope);
  const aadBytes = bytesOf(aad, 'aad');
  const iv = decodeBase64(envelope.iv, 'envelope iv', 'invalid-envelope');
  const tag = decodeBase64(envelope.tag, 'envelope tag', 'invalid-envelope');
  const ciphertext = decodeBase64(envelope.ciphertext, 'envelope ciphertext', 'invalid-envelope');
  if (iv.length !== IV_BYTES) throw new CryptoError('invalid-envelope', `envelope iv must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw new CryptoError('invalid-envelope', `envelope tag must be ${TAG_BYTES} bytes`);
  const dataKey = await unwrapDataKey(envelope, provider, aadBytes);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([DATA_AAD_PREFIX, aadBytes]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new CryptoError('decryption-failed', 'secret does not decrypt: wrong AAD or tampered envelope');
  } finally {
    dataKey.fill(0);
  }
}

/**
 * KEK rotation without touching the data: unwraps the data key with whichever KEK wrapped it and
 * wraps it again with the provider's current KEK. The ciphertext, IV and tag stay the same.
 */
export async function rewrapSecret(envelope: unknown, provider: KeyEncryptionKeyProvider, aad: string | Uint8Array): Promise<SecretEnvelope> {
  assertSecretEnvelope(envelope);
  const aadBytes = bytesOf(aad, 'aad');
  // Decrypting first proves the AAD is right before anything is rewritten under the new KEK.
  (await decryptSecret(envelope, provider, aadBytes)).fill(0);
  const dataKey = await unwrapDataKey(envelope, provider, aadBytes);
  try {
    const wrapped = await wrapCopy(provider, dataKey, aadBytes);
    return { ...envelope, kekId: wrapped.kekId, wrappedKey: wrapped.wrappedKey };
  } finally {
    dataKey.fill(0);
  }
}

/** True when the envelope was wrapped by a KEK other than the provider's current one. */
export function needsRewrap(envelope: SecretEnvelope, provider: KeyEncryptionKeyProvider): boolean {
  return envelope.kekId !== provider.id;
}

const ENVELOPE_KEYS = ['v', 'alg', 'kekId', 'wrappedKey', 'iv', 'tag', 'ciphertext'];

/** Narrows loose input (e.g. a parsed JSON column) to a v1 envelope; throws `invalid-envelope`. */
export function assertSecretEnvelope(value: unknown): asserts value is SecretEnvelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CryptoError('invalid-envelope', 'envelope must be an object');
  }
  const e = value as Record<string, unknown>;
  if (e.v !== 1) throw new CryptoError('invalid-envelope', `unsupported envelope version ${JSON.stringify(e.v) ?? 'undefined'}`);
  if (e.alg !== 'AES-256-GCM') throw new CryptoError('invalid-envelope', 'unsupported envelope algorithm (AES-256-GCM only)');
  for (const key of ['kekId', 'wrappedKey', 'iv', 'tag', 'ciphertext']) {
    if (typeof e[key] !== 'string' || (key !== 'ciphertext' && e[key] === '')) {
      throw new CryptoError('invalid-envelope', `envelope field ${key} must be a non-empty string`);
    }
  }
  const extra = Object.keys(e).filter((k) => !ENVELOPE_KEYS.includes(k));
  if (extra.length > 0) throw new CryptoError('invalid-envelope', `unknown envelope fields: ${extra.join(', ')}`);
}

/** Parses an envelope from its JSON text. */
export function parseSecretEnvelope(json: string): SecretEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CryptoError('invalid-envelope', 'envelope is not valid JSON');
  }
  assertSecretEnvelope(value);
  return value;
}

/** Hands the provider its own copy of the data key and wipes that copy afterwards. */
async function wrapCopy(provider: KeyEncryptionKeyProvider, dataKey: Buffer, aad: Buffer): Promise<WrappedKey> {
  const copy = Buffer.from(dataKey);
  try {
    const wrapped = await provider.wrap(copy, aad);
    if (typeof wrapped?.kekId !== 'string' || typeof wrapped.wrappedKey !== 'string' || wrapped.kekId === '' || wrapped.wrappedKey === '') {
      throw new CryptoError('invalid-argument', 'the KEK provider returned a malformed wrapped key');
    }
    return wrapped;
  } finally {
    copy.fill(0);
  }
}

async function unwrapDataKey(envelope: SecretEnvelope, provider: KeyEncryptionKeyProvider, aad: Buffer): Promise<Buffer> {
  let dataKey: Buffer;
  try {
    dataKey = await provider.unwrap({ kekId: envelope.kekId, wrappedKey: envelope.wrappedKey }, aad);
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError('decryption-failed', 'the KEK provider could not unwrap the data key', { cause: error });
  }
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== DATA_KEY_BYTES) {
    throw new CryptoError('decryption-failed', 'the KEK provider returned a data key of the wrong size');
  }
  return dataKey;
}
