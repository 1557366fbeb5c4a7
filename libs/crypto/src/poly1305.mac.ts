import { timingSafeEqual } from 'node:crypto';
import { CryptoError } from './errors';

/**
 * Poly1305 one-time authenticator (RFC 8439 section 2.5), as needed by NaCl secretbox.
 *
 * Numbers mod 2^130 - 5 are kept in ten 13-bit limbs held in ordinary JS numbers, so every
 * product (< 2^29) and every column sum (< 2^34) is exact in a double; carries use division,
 * never 32-bit bit operators. No data-dependent branches on secret values.
 */

const LIMBS = 10;
const BITS = 13;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/** Little-endian bytes (with an optional extra top byte) -> ten 13-bit limbs. */
function toLimbs(bytes: Uint8Array, top: number): Float64Array {
  const t = new Uint8Array(19);
  t.set(bytes.subarray(0, 16));
  t[16] = top;
  const limbs = new Float64Array(LIMBS);
  for (let i = 0; i < LIMBS; i++) {
    const bit = BITS * i;
    const b = bit >> 3;
    const v = t[b]! | (t[b + 1]! << 8) | (t[b + 2]! << 16);
    limbs[i] = (v >>> (bit & 7)) & MASK;
  }
  t.fill(0);
  return limbs;
}

function multiplyMod(h: Float64Array, r: Float64Array, r5: Float64Array): void {
  const d = new Float64Array(LIMBS);
  let carry = 0;
  for (let i = 0; i < LIMBS; i++) {
    let sum = carry;
    for (let j = 0; j <= i; j++) sum += h[j]! * r[i - j]!;
    // 2^130 = 5 (mod p): products landing past limb 9 wrap around multiplied by 5.
    for (let j = i + 1; j < LIMBS; j++) sum += h[j]! * r5[i - j + LIMBS]!;
    carry = Math.floor(sum / RADIX);
    d[i] = sum - carry * RADIX;
  }
  d[0] = d[0]! + carry * 5;
  carry = Math.floor(d[0] / RADIX);
  d[0] = d[0] - carry * RADIX;
  d[1] = d[1]! + carry;
  h.set(d);
  d.fill(0);
}

export function poly1305(key: Uint8Array, message: Uint8Array): Buffer {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new CryptoError('invalid-argument', 'Poly1305 key must be 32 bytes');
  if (!(message instanceof Uint8Array)) throw new CryptoError('invalid-argument', 'Poly1305 message must be bytes');
  const rBytes = Uint8Array.from(key.subarray(0, 16));
  // Clamp r.
  rBytes[3]! &= 15;
  rBytes[7]! &= 15;
  rBytes[11]! &= 15;
  rBytes[15]! &= 15;
  rBytes[4]! &= 252;
  rBytes[8]! &= 252;
  rBytes[12]! &= 252;
  const r = toLimbs(rBytes, 0);
  const r5 = r.map((x) => x * 5);
  const h = new Float64Array(LIMBS);

  const block = new Uint8Array(16);
  for (let offset = 0; offset < message.length; offset += 16) {
    const n = Math.min(16, message.length - offset);
    block.fill(0);
    block.set(message.subarray(offset, offset + n));
    let top = 1; // 2^128 for a full block
    if (n < 16) {
      block[n] = 1; // a short last block is padded with a single 1 byte instead
      top = 0;
    }
    const m = toLimbs(block, top);
    for (let i = 0; i < LIMBS; i++) h[i] = h[i]! + m[i]!;
    multiplyMod(h, r, r5);
  }

  // Fully carry, then subtract p once if h >= p (selected by mask, not by branch).
  for (let pass = 0; pass < 2; pass++) {
    let carry = 0;
    for (let i = 0; i < LIMBS; i++) {
      const v = h[i]! + carry;
      carry = Math.floor(v / RADIX);
      h[i] = v - carry * RADIX;
    }
    h[0] = h[0]! + carry * 5;
  }
  const g = new Int32Array(LIMBS);
  let carry = 5;
  for (let i = 0; i < LIMBS; i++) {
    const v = h[i]! + carry;
    carry = v >> BITS;
    g[i] = v & MASK;
  }
  // h + 5 - 2^130 >= 0  <=>  the carry out of the top limb is 1.
  const keepG = -carry; // all ones when h >= p, else zero
  const final = new Int32Array(LIMBS);
  for (let i = 0; i < LIMBS; i++) final[i] = (g[i]! & keepG) | (h[i]! & ~keepG);

  // 130-bit limbs -> 128-bit little-endian number, plus s, mod 2^128.
  const out = Buffer.alloc(16);
  let acc = 0;
  let accBits = 0;
  let byte = 0;
  for (let i = 0; i < LIMBS && byte < 16; i++) {
    acc += final[i]! * 2 ** accBits;
    accBits += BITS;
    while (accBits >= 8 && byte < 16) {
      out[byte++] = acc % 256;
      acc = Math.floor(acc / 256);
      accBits -= 8;
    }
  }
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const v = out[i]! + key[16 + i]! + c;
    out[i] = v & 0xff;
    c = v >> 8;
  }
  h.fill(0);
  r.fill(0);
  r5.fill(0);
  rBytes.fill(0);
  g.fill(0);
  final.fill(0);
  return out;
}

/** Constant-time tag comparison. */
export function poly1305Verify(tag: Uint8Array, key: Uint8Array, message: Uint8Array): boolean {
  if (!(tag instanceof Uint8Array) || tag.length !== 16) return false;
  return timingSafeEqual(poly1305(key, message), tag);
}
