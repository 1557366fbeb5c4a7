import { CryptoError } from './errors';
import { poly1305, poly1305Verify } from './poly1305.mac';
import { xsalsa20Xor } from './xsalsa20.cipher';

/**
 * NaCl crypto_secretbox (XSalsa20-Poly1305) in the libsodium "easy" / Go
 * golang.org/x/crypto/nacl/secretbox layout: box = tag(16) || ciphertext.
 *
 * The first 32 bytes of the XSalsa20 keystream are the one-time Poly1305 key; the message is
 * encrypted with the keystream from byte 32 on; the tag authenticates the ciphertext.
 */

export const SECRETBOX_KEY_BYTES = 32;
export const SECRETBOX_NONCE_BYTES = 24;
export const SECRETBOX_TAG_BYTES = 16;

function check(key: Uint8Array, nonce: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SECRETBOX_KEY_BYTES) throw new CryptoError('invalid-argument', 'secretbox key must be 32 bytes');
  if (!(nonce instanceof Uint8Array) || nonce.length !== SECRETBOX_NONCE_BYTES) throw new CryptoError('invalid-argument', 'secretbox nonce must be 24 bytes');
}

export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer {
  check(key, nonce);
  const padded = Buffer.alloc(32 + message.length);
  padded.set(message, 32);
  const stream = xsalsa20Xor(key, nonce, padded);
  const polyKey = stream.subarray(0, 32);
  const ciphertext = stream.subarray(32);
  const tag = poly1305(polyKey, ciphertext);
  const box = Buffer.concat([tag, ciphertext]);
  stream.fill(0);
  return box;
}

/** Opens a box; throws CryptoError `decryption-failed` if the tag does not verify. */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer {
  check(key, nonce);
  if (!(box instanceof Uint8Array) || box.length < SECRETBOX_TAG_BYTES) {
    throw new CryptoError('decryption-failed', 'secretbox is shorter than its tag');
  }
  const tag = box.subarray(0, SECRETBOX_TAG_BYTES);
  const ciphertext = box.subarray(SECRETBOX_TAG_BYTES);
  const padded = Buffer.alloc(32 + ciphertext.length);
  padded.set(ciphertext, 32);
  const stream = xsalsa20Xor(key, nonce, padded);
  try {
    if (!poly1305Verify(tag, stream.subarray(0, 32), ciphertext)) {
      throw new CryptoError('decryption-failed', 'secretbox authentication failed (wrong key or tampered data)');
    }
    return Buffer.from(stream.subarray(32));
  } finally {
    stream.fill(0);
  }
}
