import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeBase64 } from './encoding.util';
import { CryptoError } from './errors';
import type { KeyEncryptionKeyProvider, WrappedKey } from './envelope.cipher';

export interface LocalKekConfig {
  /** Id of the KEK used for new wraps. */
  currentKeyId: string;
  /** Every KEK that may still be needed to unwrap, by id: 32 bytes as base64 (std or URL) or 64 hex digits. */
  keys: Record<string, string>;
}

const KEK_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * KEKs from configuration (for one machine, CI and tests; use a KMS adapter in production). Wraps
 * a data key with AES-256-GCM under the current KEK; the wrap's AAD binds the KEK id and the
 * secret's AAD. wrappedKey = base64(iv(12) || encrypted key(32) || tag(16)).
 *
 * Key bytes live in KeyObjects inside a private field: they never show in JSON.stringify,
 * util.inspect, logs or error messages.
 */
export class LocalKekProvider implements KeyEncryptionKeyProvider {
  readonly id: string;
  readonly #keys = new Map<string, KeyObject>();

  constructor(config: LocalKekConfig) {
    if (config === null || typeof config !== 'object' || config.keys === null || typeof config.keys !== 'object') {
      throw new CryptoError('invalid-key', 'local KEK config needs currentKeyId and keys');
    }
    for (const [kekId, text] of Object.entries(config.keys)) {
      // Not echoed: a mangled config line could put key bytes where the id should be.
      if (!KEK_ID.test(kekId)) throw new CryptoError('invalid-key', 'a KEK id is not allowed (1 to 128 letters, digits, . _ : -)');
      const bytes = parseKekBytes(kekId, text);
      this.#keys.set(kekId, createSecretKey(bytes));
      bytes.fill(0);
    }
    if (!this.#keys.has(config.currentKeyId)) {
      throw new CryptoError('invalid-key', `current KEK ${JSON.stringify(String(config.currentKeyId).slice(0, 40))} is not among the configured keys`);
    }
    this.id = config.currentKeyId;
  }

  /**
   * From a config string `id=key[,id=key...]`, current KEK first; keys as base64 or hex. Example:
   * `LAZARET_KEKS="2024-06=q83v...=,2023-11=9f86d0...`" (the old key kept only to unwrap).
   */
  static fromConfigString(spec: string): LocalKekProvider {
    if (typeof spec !== 'string' || spec.trim() === '') throw new CryptoError('invalid-key', 'KEK config string is empty');
    const keys: Record<string, string> = {};
    let currentKeyId: string | undefined;
    for (const part of spec.split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new CryptoError('invalid-key', 'KEK config entries must look like id=key');
      const kekId = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      // "id=" with nothing after it is most likely a bare base64 key ending in '=': say nothing of it.
      if (value === '' || !KEK_ID.test(kekId)) throw new CryptoError('invalid-key', 'KEK config entries must look like id=key');
      if (kekId in keys) throw new CryptoError('invalid-key', `KEK id ${JSON.stringify(kekId.slice(0, 40))} appears twice`);
      keys[kekId] = value;
      currentKeyId ??= kekId;
    }
    return new LocalKekProvider({ currentKeyId: currentKeyId!, keys });
  }

  /** A new random KEK as base64, for provisioning. */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  async wrap(dataKey: Buffer, aad: Buffer): Promise<WrappedKey> {
    if (!Buffer.isBuffer(dataKey) || dataKey.length !== 32) throw new CryptoError('invalid-argument', 'data key must be 32 bytes');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.id)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(this.id, aad));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId: this.id, wrappedKey: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') };
  }

  async unwrap(w: WrappedKey, aad: Buffer): Promise<Buffer> {
    const kek = this.#keys.get(w.kekId);
    if (!kek) throw new CryptoError('unknown-kek', `no KEK with id ${JSON.stringify(String(w.kekId).slice(0, 128))} is configured`);
    const raw = decodeBase64(w.wrappedKey, 'wrapped data key', 'invalid-envelope');
    if (raw.length !== IV_BYTES + 32 + TAG_BYTES) throw new CryptoError('invalid-envelope', 'wrapped data key has the wrong length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(wrapAad(w.kekId, aad));
      decipher.setAuthTag(raw.subarray(IV_BYTES + 32));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, IV_BYTES + 32)), decipher.final()]);
    } catch {
      throw new CryptoError('decryption-failed', 'data key does not unwrap: wrong KEK, wrong AAD or tampered envelope');
    }
  }

  toJSON(): { type: string; id: string; keyIds: string[] } {
    return { type: 'LocalKekProvider', id: this.id, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `LocalKekProvider { id: ${JSON.stringify(this.id)}, keyIds: ${JSON.stringify(this.keyIds)} }`;
  }
}

function wrapAad(kekId: string, aad: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`lazaret/kek-wrap/v1\n${kekId}\n`, 'utf8'), aad]);
}

function parseKekBytes(kekId: string, text: unknown): Buffer {
  const problem = `KEK ${JSON.stringify(kekId)} must be 32 bytes given as base64 or 64 hex digits`;
  if (typeof text !== 'string') throw new CryptoError('invalid-key', problem);
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    bytes = Buffer.from(text, 'hex');
  } else {
    try {
      bytes = decodeBase64(text, 'KEK', 'invalid-key');
    } catch {
      // decodeBase64 never quotes its input, but say nothing about the value here either.
      throw new CryptoError('invalid-key', problem);
    }
  }
  if (bytes.length !== 32) throw new CryptoError('invalid-key', problem);
  return bytes;
}
