import { createPrivateKey, createPublicKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './encoding.util';
import { CryptoError } from './errors';
import { secretboxOpen, secretboxSeal } from './secretbox.cipher';
import { exportPublicKeyPem, importPrivateKey, keyAlgorithm, keyId, type KeyInput, type SigningKeyPair } from './signing.keys';

/**
 * cosign / sigstore encrypted private keys (`cosign generate-key-pair`, `cosign import-key-pair`).
 *
 * The PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` (older: `ENCRYPTED COSIGN PRIVATE KEY`) holds
 * the JSON produced by go-securesystemslib's `encrypted` package:
 *
 *     {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<b64>"},
 *      "cipher":{"name":"nacl/secretbox","nonce":"<b64, 24 bytes>"},
 *      "ciphertext":"<b64: secretbox(tag || encrypted PKCS#8 DER)>"}
 *
 * The secretbox key is scrypt(password, salt, N, r, p, 32 bytes). cosign accepts N = 2^15
 * (legacy), 2^16 (its default) or 2^17 with r = 8, p = 1; this reader accepts a slightly wider
 * but still bounded range (see {@link SCRYPT_LIMITS}) so a hostile file cannot demand gigabytes.
 */

export const SIGSTORE_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
export type CosignPemType = typeof SIGSTORE_PEM_TYPE | typeof COSIGN_PEM_TYPE;

/** The scrypt cost parameters cosign itself can decrypt. */
export type CosignScryptN = 32768 | 65536 | 131072;

export const SCRYPT_LIMITS = { minLog2N: 10, maxLog2N: 17, maxR: 16, maxP: 4, maxNr: 2 ** 20 } as const;

export interface CosignKeyExportOptions {
  /** scrypt N; default 65536 as current cosign. */
  scryptN?: CosignScryptN;
  /** PEM label; default the current SIGSTORE one. */
  pemType?: CosignPemType;
}

export interface CosignKeyPairPem {
  /** `cosign.key`: the encrypted private key PEM. */
  privateKeyPem: string;
  /** `cosign.pub`: the SPKI public key PEM. */
  publicKeyPem: string;
}

export type ImportedCosignKey = SigningKeyPair & { pemType: CosignPemType };

/** Decrypts a cosign / sigstore encrypted private key. Throws `malformed-cosign-key` or `decryption-failed`. */
export function importCosignPrivateKey(pem: string, password: string | Uint8Array): ImportedCosignKey {
  const { type, body } = readPem(pem);
  const der = decryptCosignPayload(body, password);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    try {
      // cosign itself only takes PKCS#8 here; a SEC1 EC key (seen in cosign's own test data) is
      // harmless to accept.
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'sec1' });
    } catch {
      throw new CryptoError('malformed-cosign-key', 'decrypted cosign key is not a PKCS#8 (or SEC1) private key');
    } finally {
      der.fill(0);
    }
  }
  der.fill(0);
  const publicKey = createPublicKey(privateKey);
  return { algorithm: keyAlgorithm(privateKey), privateKey, publicKey, keyId: keyId(publicKey), pemType: type };
}

/** Encrypts a private key in cosign's format (`cosign.key`), readable by `cosign sign --key`. */
export function exportCosignPrivateKey(privateKey: KeyInput, password: string | Uint8Array, options: CosignKeyExportOptions = {}): string {
  const key = importPrivateKey(privateKey);
  keyAlgorithm(key); // refuse key types cosign cannot use
  const n = options.scryptN ?? 65536;
  if (![32768, 65536, 131072].includes(n)) throw new CryptoError('invalid-argument', 'scryptN must be 32768, 65536 or 131072 (what cosign accepts)');
  const pemType = options.pemType ?? SIGSTORE_PEM_TYPE;
  if (pemType !== SIGSTORE_PEM_TYPE && pemType !== COSIGN_PEM_TYPE) throw new CryptoError('invalid-argument', 'unknown cosign PEM type');
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const boxKey = deriveKey(password, salt, n, 8, 1);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const box = secretboxSeal(der, nonce, boxKey);
  der.fill(0);
  boxKey.fill(0);
  // Field order and names as Go's encoding/json writes go-securesystemslib's structs.
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: n, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: box.toString('base64'),
  });
  return writePem(pemType, Buffer.from(json, 'utf8'));
}

/** `cosign.key` and `cosign.pub` for a private key. */
export function exportCosignKeyPair(privateKey: KeyInput, password: string | Uint8Array, options: CosignKeyExportOptions = {}): CosignKeyPairPem {
  return { privateKeyPem: exportCosignPrivateKey(privateKey, password, options), publicKeyPem: exportPublicKeyPem(privateKey) };
}

// --- internals -------------------------------------------------------------------------------

function readPem(pem: string): { type: CosignPemType; body: Buffer } {
  if (typeof pem !== 'string') throw new CryptoError('malformed-cosign-key', 'cosign key must be PEM text');
  const match = /-----BEGIN ([A-Z ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/.exec(pem);
  if (!match) throw new CryptoError('malformed-cosign-key', 'no PEM block found in cosign key');
  const type = match[1]!;
  if (type !== SIGSTORE_PEM_TYPE && type !== COSIGN_PEM_TYPE) {
    throw new CryptoError('malformed-cosign-key', `unsupported PEM type ${JSON.stringify(type)} (want ${SIGSTORE_PEM_TYPE} or ${COSIGN_PEM_TYPE})`);
  }
  return { type, body: decodeBase64(match[2]!.replace(/\r?\n/g, ''), 'cosign PEM body', 'malformed-cosign-key') };
}

function writePem(type: string, body: Buffer): string {
  const b64 = body.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

function field(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CryptoError('malformed-cosign-key', `cosign key JSON: ${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function decryptCosignPayload(body: Buffer, password: string | Uint8Array): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CryptoError('malformed-cosign-key', 'cosign key body is not JSON');
  }
  const root = field(parsed, 'the document');
  const kdf = field(root.kdf, 'kdf');
  const params = field(kdf.params, 'kdf.params');
  const cipher = field(root.cipher, 'cipher');
  if (kdf.name !== 'scrypt') throw new CryptoError('malformed-cosign-key', 'cosign key kdf must be scrypt');
  if (cipher.name !== 'nacl/secretbox') throw new CryptoError('malformed-cosign-key', 'cosign key cipher must be nacl/secretbox');
  const { N, r, p } = params;
  if (!isInt(N) || !isInt(r) || !isInt(p)) throw new CryptoError('malformed-cosign-key', 'scrypt N, r and p must be integers');
  const log2N = Math.log2(N);
  if (!Number.isInteger(log2N) || log2N < SCRYPT_LIMITS.minLog2N || log2N > SCRYPT_LIMITS.maxLog2N) {
    throw new CryptoError('malformed-cosign-key', `scrypt N must be a power of two from 2^${SCRYPT_LIMITS.minLog2N} to 2^${SCRYPT_LIMITS.maxLog2N}`);
  }
  if (r < 1 || r > SCRYPT_LIMITS.maxR || p < 1 || p > SCRYPT_LIMITS.maxP || N * r > SCRYPT_LIMITS.maxNr) {
    throw new CryptoError('malformed-cosign-key', 'scrypt r or p out of the accepted range');
  }
  if (typeof kdf.salt !== 'string' || typeof cipher.nonce !== 'string' || typeof root.ciphertext !== 'string') {
    throw new CryptoError('malformed-cosign-key', 'cosign key salt, nonce and ciphertext must be base64 strings');
  }
  const salt = decodeBase64(kdf.salt, 'scrypt salt', 'malformed-cosign-key');
  const nonce = decodeBase64(cipher.nonce, 'secretbox nonce', 'malformed-cosign-key');
  const box = decodeBase64(root.ciphertext, 'cosign ciphertext', 'malformed-cosign-key');
  if (salt.length < 8 || salt.length > 64) throw new CryptoError('malformed-cosign-key', 'scrypt salt must be 8 to 64 bytes');
  if (nonce.length !== 24) throw new CryptoError('malformed-cosign-key', 'secretbox nonce must be 24 bytes');
  const key = deriveKey(password, salt, N, r, p);
  try {
    return secretboxOpen(box, nonce, key);
  } catch (error) {
    if (error instanceof CryptoError && error.code === 'decryption-failed') {
      throw new CryptoError('decryption-failed', 'cosign key does not decrypt: wrong password or corrupted key');
    }
    throw error;
  } finally {
    key.fill(0);
  }
}

function deriveKey(password: string | Uint8Array, salt: Buffer, N: number, r: number, p: number): Buffer {
  if (typeof password !== 'string' && !(password instanceof Uint8Array)) {
    throw new CryptoError('invalid-argument', 'password must be a string or bytes');
  }
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  try {
    return scryptSync(pw, salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
  } finally {
    pw.fill(0);
  }
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
