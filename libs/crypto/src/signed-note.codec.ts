import { createHash, type KeyObject } from 'node:crypto';
import { decodeBase64, decodeHex } from './encoding.util';
import { CryptoError } from './errors';
import { ed25519PublicKeyFromRaw, ed25519RawPublicKey, importPublicKey, keyAlgorithm, publicKeyDer, sign, verify, type KeyInput } from './signing.keys';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), the format of transparency-log checkpoints:
 *
 *     <text ending in a newline>
 *     <blank line>
 *     — <key name> base64(4-byte key ID || signature)
 *
 * Key types: Ed25519 (signature type 0x01, key ID = SHA-256(name || 0x0A || 0x01 || 32-byte
 * key)[:4], signature over the text) and ECDSA (type 0x02 as in transparency-dev/witness and
 * Rekor: key ID = SHA-256(DER SPKI)[:4], ASN.1 DER signature over SHA-256 of the text).
 */

const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface NoteVerifier {
  /** Key name as it appears on the signature line. */
  name: string;
  publicKey: KeyInput;
}

export interface OpenedNote {
  /** The note text, including its final newline. */
  text: string;
  /** Names of the trusted keys whose signatures verified. */
  verifiedNames: string[];
}

/** The 4-byte key ID of a verifier, as a big-endian uint32. */
export function noteKeyId(name: string, publicKey: KeyInput): number {
  assertKeyName(name);
  const key = importPublicKey(publicKey);
  const algorithm = keyAlgorithm(key);
  let digest: Buffer;
  if (algorithm === 'ed25519') {
    digest = createHash('sha256')
      .update(Buffer.from(`${name}\n`, 'utf8'))
      .update(Buffer.from([0x01]))
      .update(ed25519RawPublicKey(key))
      .digest();
  } else if (algorithm.startsWith('ecdsa-')) {
    digest = createHash('sha256').update(publicKeyDer(key)).digest();
  } else {
    throw new CryptoError('unsupported-algorithm', `signed notes support Ed25519 and ECDSA keys, not ${algorithm}`);
  }
  return digest.readUInt32BE(0);
}

/**
 * Verifier key string in the golang.org/x/mod/sumdb/note form `name+hex(keyID)+base64(type ||
 * key)` (type 0x01 + raw Ed25519 key, or 0x02 + DER SPKI for ECDSA).
 */
export function formatNoteVerifierKey(name: string, publicKey: KeyInput): string {
  const key = importPublicKey(publicKey);
  const id = noteKeyId(name, key).toString(16).padStart(8, '0');
  const material =
    keyAlgorithm(key) === 'ed25519'
      ? Buffer.concat([Buffer.from([0x01]), ed25519RawPublicKey(key)])
      : Buffer.concat([Buffer.from([0x02]), publicKeyDer(key)]);
  return `${name}+${id}+${material.toString('base64')}`;
}

/** Parses a `name+hash+key` verifier string and checks that the hash matches the key. */
export function parseNoteVerifierKey(vkey: string): NoteVerifier & { publicKey: KeyObject; keyId: number } {
  if (typeof vkey !== 'string') throw new CryptoError('invalid-key', 'verifier key must be a string');
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new CryptoError('invalid-key', 'verifier key must look like name+hash+key');
  const name = vkey.slice(0, first);
  const hashHex = vkey.slice(first + 1, second);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new CryptoError('invalid-key', 'verifier key hash must be 8 lowercase hex digits');
  const material = decodeBase64(vkey.slice(second + 1), 'verifier key material', 'invalid-key');
  let publicKey: KeyObject;
  if (material[0] === 0x01 && material.length === 33) {
    publicKey = ed25519PublicKeyFromRaw(material.subarray(1));
  } else if (material[0] === 0x02 && material.length > 1) {
    publicKey = importDerPublicKey(material.subarray(1));
  } else {
    throw new CryptoError('invalid-key', 'verifier key has an unknown type or wrong length');
  }
  assertKeyName(name);
  const keyId = noteKeyId(name, publicKey);
  if (keyId !== decodeHex(hashHex, 'verifier key hash', 'invalid-key').readUInt32BE(0)) {
    throw new CryptoError('invalid-key', 'verifier key hash does not match its key');
  }
  return { name, publicKey, keyId };
}

/** Signs note text (which must end with a newline) and returns the complete signed note. */
export function signNote(text: string, privateKey: KeyInput, keyName: string): string {
  assertNoteText(text);
  const id = noteKeyId(keyName, privateKey);
  const signature = sign(signedBytes(text), privateKey);
  const blob = Buffer.alloc(4 + signature.length);
  blob.writeUInt32BE(id, 0);
  signature.copy(blob, 4);
  return `${text}\n${SIG_PREFIX}${keyName} ${blob.toString('base64')}\n`;
}

/**
 * Verifies a signed note against trusted keys. Signatures from unknown keys (name or key ID not
 * matching a verifier) are ignored; a signature from a known key that fails rejects the whole
 * note; at least one known signature must verify. Throws `malformed-note` or `signature-invalid`.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (typeof note !== 'string') throw new CryptoError('malformed-note', 'note must be a string');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new CryptoError('malformed-note', 'note contains control characters');
  if (note.includes('\ufffd')) throw new CryptoError('malformed-note', 'note is not valid UTF-8');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new CryptoError('malformed-note', 'note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  if (sigBlock.length === 0 || !sigBlock.endsWith('\n')) {
    throw new CryptoError('malformed-note', 'note signatures must be newline-terminated lines');
  }
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new CryptoError('malformed-note', `note has more than ${MAX_SIGNATURES} signatures`);

  const known = verifiers.map((v) => ({ name: v.name, key: importPublicKey(v.publicKey), id: noteKeyId(v.name, v.publicKey) }));
  const verifiedNames: string[] = [];
  const message = signedBytes(text);
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new CryptoError('malformed-note', 'signature line does not start with an em dash and a space');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    if (space <= 0 || /[\s+]/u.test(name)) throw new CryptoError('malformed-note', 'signature line has an invalid key name');
    const blob = decodeBase64(rest.slice(space + 1), 'note signature', 'malformed-note');
    if (blob.length < 5) throw new CryptoError('malformed-note', 'note signature is too short');
    const id = blob.readUInt32BE(0);
    const verifier = known.find((k) => k.name === name && k.id === id);
    if (!verifier) continue;
    if (!verify(message, blob.subarray(4), verifier.key)) {
      throw new CryptoError('signature-invalid', `signature by ${name} does not verify`);
    }
    if (!verifiedNames.includes(name)) verifiedNames.push(name);
  }
  if (verifiedNames.length === 0) throw new CryptoError('signature-invalid', 'note has no signature from a trusted key');
  return { text, verifiedNames };
}

function signedBytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function assertNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw new CryptoError('malformed-note', 'note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new CryptoError('malformed-note', 'note text contains control characters');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) {
    throw new CryptoError('malformed-note', 'note text is not valid Unicode');
  }
}

function assertKeyName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || /[\s+]/u.test(name)) {
    throw new CryptoError('invalid-argument', 'key name must be non-empty without spaces or "+"');
  }
}

function importDerPublicKey(der: Buffer): KeyObject {
  const pem = `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
  return importPublicKey(pem);
}
