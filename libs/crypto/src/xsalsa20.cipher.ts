import { CryptoError } from './errors';

/**
 * Salsa20/20, HSalsa20 and XSalsa20 (D. J. Bernstein, "Extending the Salsa20 nonce"), as used
 * by NaCl's crypto_secretbox. node:crypto (OpenSSL) has ChaCha20 but no Salsa20, and cosign's
 * encrypted private keys are sealed with NaCl secretbox, so this small implementation exists
 * only to read and write those keys. Words are little-endian; additions are mod 2^32.
 */

// "expand 32-byte k"
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** The 20 rounds on a 16-word state, in place. */
function rounds(x: Uint32Array): void {
  for (let i = 0; i < 10; i++) {
    // Column round: quarter-rounds down the columns (diagonal-first word order).
    x[4]! ^= rotl((x[0]! + x[12]!) | 0, 7);
    x[8]! ^= rotl((x[4]! + x[0]!) | 0, 9);
    x[12]! ^= rotl((x[8]! + x[4]!) | 0, 13);
    x[0]! ^= rotl((x[12]! + x[8]!) | 0, 18);
    x[9]! ^= rotl((x[5]! + x[1]!) | 0, 7);
    x[13]! ^= rotl((x[9]! + x[5]!) | 0, 9);
    x[1]! ^= rotl((x[13]! + x[9]!) | 0, 13);
    x[5]! ^= rotl((x[1]! + x[13]!) | 0, 18);
    x[14]! ^= rotl((x[10]! + x[6]!) | 0, 7);
    x[2]! ^= rotl((x[14]! + x[10]!) | 0, 9);
    x[6]! ^= rotl((x[2]! + x[14]!) | 0, 13);
    x[10]! ^= rotl((x[6]! + x[2]!) | 0, 18);
    x[3]! ^= rotl((x[15]! + x[11]!) | 0, 7);
    x[7]! ^= rotl((x[3]! + x[15]!) | 0, 9);
    x[11]! ^= rotl((x[7]! + x[3]!) | 0, 13);
    x[15]! ^= rotl((x[11]! + x[7]!) | 0, 18);
    // Row round.
    x[1]! ^= rotl((x[0]! + x[3]!) | 0, 7);
    x[2]! ^= rotl((x[1]! + x[0]!) | 0, 9);
    x[3]! ^= rotl((x[2]! + x[1]!) | 0, 13);
    x[0]! ^= rotl((x[3]! + x[2]!) | 0, 18);
    x[6]! ^= rotl((x[5]! + x[4]!) | 0, 7);
    x[7]! ^= rotl((x[6]! + x[5]!) | 0, 9);
    x[4]! ^= rotl((x[7]! + x[6]!) | 0, 13);
    x[5]! ^= rotl((x[4]! + x[7]!) | 0, 18);
    x[11]! ^= rotl((x[10]! + x[9]!) | 0, 7);
    x[8]! ^= rotl((x[11]! + x[10]!) | 0, 9);
    x[9]! ^= rotl((x[8]! + x[11]!) | 0, 13);
    x[10]! ^= rotl((x[9]! + x[8]!) | 0, 18);
    x[12]! ^= rotl((x[15]! + x[14]!) | 0, 7);
    x[13]! ^= rotl((x[12]! + x[15]!) | 0, 9);
    x[14]! ^= rotl((x[13]! + x[12]!) | 0, 13);
    x[15]! ^= rotl((x[14]! + x[13]!) | 0, 18);
  }
}

function word(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Initial state: constants on the diagonal, key around them, 16 input bytes (nonce||counter) in the middle. */
function initialState(key: Uint8Array, input16: Uint8Array): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = SIGMA[0];
  s[5] = SIGMA[1];
  s[10] = SIGMA[2];
  s[15] = SIGMA[3];
  for (let i = 0; i < 4; i++) {
    s[1 + i] = word(key, 4 * i);
    s[11 + i] = word(key, 16 + 4 * i);
    s[6 + i] = word(input16, 4 * i);
  }
  return s;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new CryptoError('invalid-argument', 'Salsa20 key must be 32 bytes');
}

/** HSalsa20: 32 bytes derived from a key and a 16-byte input (no feed-forward). */
export function hsalsa20(key: Uint8Array, input16: Uint8Array): Buffer {
  checkKey(key);
  if (!(input16 instanceof Uint8Array) || input16.length !== 16) throw new CryptoError('invalid-argument', 'HSalsa20 input must be 16 bytes');
  const x = initialState(key, input16);
  rounds(x);
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => out.writeUInt32LE(x[w]!, 4 * i));
  x.fill(0);
  return out;
}

/** XORs `data` with the Salsa20/20 keystream for (key, 8-byte nonce), starting at block 0. */
export function salsa20Xor(key: Uint8Array, nonce8: Uint8Array, data: Uint8Array): Buffer {
  checkKey(key);
  if (!(nonce8 instanceof Uint8Array) || nonce8.length !== 8) throw new CryptoError('invalid-argument', 'Salsa20 nonce must be 8 bytes');
  const input = new Uint8Array(16);
  input.set(nonce8, 0);
  const state = initialState(key, input);
  const x = new Uint32Array(16);
  const block = Buffer.alloc(64);
  const out = Buffer.alloc(data.length);
  let counter = 0;
  for (let offset = 0; offset < data.length; offset += 64) {
    state[8] = counter % 0x100000000;
    state[9] = Math.floor(counter / 0x100000000);
    x.set(state);
    rounds(x);
    for (let i = 0; i < 16; i++) block.writeUInt32LE((x[i]! + state[i]!) >>> 0, 4 * i);
    const n = Math.min(64, data.length - offset);
    for (let i = 0; i < n; i++) out[offset + i] = data[offset + i]! ^ block[i]!;
    counter++;
  }
  state.fill(0);
  x.fill(0);
  block.fill(0);
  return out;
}

/** XSalsa20: Salsa20 under HSalsa20(key, nonce[0..16]) with nonce[16..24]; XORs `data` with its keystream. */
export function xsalsa20Xor(key: Uint8Array, nonce24: Uint8Array, data: Uint8Array): Buffer {
  checkKey(key);
  if (!(nonce24 instanceof Uint8Array) || nonce24.length !== 24) throw new CryptoError('invalid-argument', 'XSalsa20 nonce must be 24 bytes');
  const subkey = hsalsa20(key, nonce24.subarray(0, 16));
  try {
    return salsa20Xor(subkey, nonce24.subarray(16, 24), data);
  } finally {
    subkey.fill(0);
  }
}
