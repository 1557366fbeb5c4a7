import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { poly1305, poly1305Verify } from './poly1305.mac';
import { secretboxOpen, secretboxSeal } from './secretbox.cipher';
import { hsalsa20, xsalsa20Xor } from './xsalsa20.cipher';
import { CryptoError } from './errors';

/**
 * Published test vectors for the NaCl primitives (test data, not code under test). Sources:
 * - libsodium test/default/core1.c, core2.c, core3.c, stream.c + stream.exp, secretbox.c +
 *   secretbox_easy.exp (the classic NaCl "firstkey / nonce / 131-byte message" vectors);
 * - RFC 8439 section 2.5.2 and Appendix A.3 (Poly1305).
 */
const NACL = {
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  firstkey: '1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389',
  nonce: '69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37',
  secondkey: 'dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4',
  /** SHA-256 of the first 4,194,304 bytes of XSalsa20(firstkey, nonce) (stream.exp, first line). */
  stream4MiBSha256: '662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2',
  /** One-time Poly1305 key = first 32 keystream bytes (stream.exp, its 33rd line shows them). */
  polyKey: 'eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880',
  message:
    'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705',
  box:
    'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5',
} as const;

const IETF =
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an "IETF Contribution". Such statements include oral statements in IETF sessions, as well as written and electronic communications made at any time or place, which are addressed to';
const JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";

const POLY1305_RFC8439: Array<{ name: string; key: string; msg: Buffer; tag: string }> = [
  {
    name: '2.5.2',
    key: '85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b',
    msg: Buffer.from('Cryptographic Forum Research Group'),
    tag: 'a8061dc1305136c6c22b8baf0c0127a9',
  },
  { name: 'A.3 #1', key: '00'.repeat(32), msg: Buffer.alloc(64), tag: '00'.repeat(16) },
  { name: 'A.3 #2', key: '00'.repeat(16) + '36e5f6b5c5e06070f0efca96227a863e', msg: Buffer.from(IETF), tag: '36e5f6b5c5e06070f0efca96227a863e' },
  { name: 'A.3 #3', key: '36e5f6b5c5e06070f0efca96227a863e' + '00'.repeat(16), msg: Buffer.from(IETF), tag: 'f3477e7cd95417af89a6b8794c310cf0' },
  {
    name: 'A.3 #4',
    key: '1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0',
    msg: Buffer.from(JABBERWOCKY),
    tag: '4541669a7eaaee61e708dc7cbcc5eb62',
  },
  { name: 'A.3 #5', key: '02' + '00'.repeat(31), msg: Buffer.from('ff'.repeat(16), 'hex'), tag: '03' + '00'.repeat(15) },
  {
    name: 'A.3 #6',
    key: '02' + '00'.repeat(15) + 'ff'.repeat(16),
    msg: Buffer.from('02' + '00'.repeat(15), 'hex'),
    tag: '03' + '00'.repeat(15),
  },
  {
    name: 'A.3 #7',
    key: '01' + '00'.repeat(31),
    msg: Buffer.from('ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15), 'hex'),
    tag: '05' + '00'.repeat(15),
  },
  {
    name: 'A.3 #8',
    key: '01' + '00'.repeat(31),
    msg: Buffer.from('ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), 'hex'),
    tag: '00'.repeat(16),
  },
  { name: 'A.3 #9', key: '02' + '00'.repeat(31), msg: Buffer.from('fd' + 'ff'.repeat(15), 'hex'), tag: 'fa' + 'ff'.repeat(15) },
  {
    name: 'A.3 #10',
    key: '01' + '00'.repeat(7) + '04' + '00'.repeat(23),
    msg: Buffer.from(
      'e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000',
      'hex',
    ),
    tag: '14000000000000005500000000000000',
  },
  {
    name: 'A.3 #11',
    key: '01' + '00'.repeat(7) + '04' + '00'.repeat(23),
    msg: Buffer.from('e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000', 'hex'),
    tag: '13000000000000000000000000000000',
  },
];

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('XSalsa20', () => {
  it('HSalsa20 derives firstkey from the shared secret (libsodium core1)', () => {
    expect(hsalsa20(hex(NACL.shared), Buffer.alloc(16)).toString('hex')).toBe(NACL.firstkey);
  });

  it('HSalsa20 derives secondkey from firstkey and the nonce prefix (libsodium core2/core3)', () => {
    expect(hsalsa20(hex(NACL.firstkey), hex(NACL.nonce).subarray(0, 16)).toString('hex')).toBe(NACL.secondkey);
  });

  it('produces the published 4 MiB keystream (libsodium stream.c / stream.exp)', () => {
    const stream = xsalsa20Xor(hex(NACL.firstkey), hex(NACL.nonce), Buffer.alloc(4194304));
    expect(stream.subarray(0, 32).toString('hex')).toBe(NACL.polyKey);
    expect(createHash('sha256').update(stream).digest('hex')).toBe(NACL.stream4MiBSha256);
  });

  it('is its own inverse and rejects bad sizes', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const data = randomBytes(1000);
    expect(xsalsa20Xor(key, nonce, xsalsa20Xor(key, nonce, data))).toEqual(data);
    expect(() => xsalsa20Xor(key.subarray(1), nonce, data)).toThrow(CryptoError);
    expect(() => xsalsa20Xor(key, nonce.subarray(1), data)).toThrow(CryptoError);
  });
});

describe('Poly1305', () => {
  it.each(POLY1305_RFC8439)('RFC 8439 $name', ({ key, msg, tag }) => {
    expect(poly1305(hex(key), msg).toString('hex')).toBe(tag);
    expect(poly1305Verify(hex(tag), hex(key), msg)).toBe(true);
  });

  it('NaCl onetimeauth vector: the secretbox tag over its ciphertext', () => {
    const box = hex(NACL.box);
    expect(poly1305(hex(NACL.polyKey), box.subarray(16)).toString('hex')).toBe(box.subarray(0, 16).toString('hex'));
  });

  it('agrees with OpenSSL ChaCha20-Poly1305 tags for random inputs of every length up to 300', () => {
    // The AEAD tag is Poly1305 under the first 32 bytes of the ChaCha20 block 0 keystream over
    // aad || pad16 || ciphertext || pad16 || le64(len aad) || le64(len ciphertext) (RFC 8439 2.8).
    const pad16 = (n: number) => Buffer.alloc((16 - (n % 16)) % 16);
    for (let len = 0; len <= 300; len++) {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const aad = randomBytes(len % 37);
      const plaintext = randomBytes(len);
      const aead = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      aead.setAAD(aad, { plaintextLength: len });
      const ciphertext = Buffer.concat([aead.update(plaintext), aead.final()]);
      const tag = aead.getAuthTag();
      const chacha = createCipheriv('chacha20', key, Buffer.concat([Buffer.alloc(4), nonce]));
      const otk = chacha.update(Buffer.alloc(32));
      const lengths = Buffer.alloc(16);
      lengths.writeBigUInt64LE(BigInt(aad.length), 0);
      lengths.writeBigUInt64LE(BigInt(len), 8);
      const macData = Buffer.concat([aad, pad16(aad.length), ciphertext, pad16(len), lengths]);
      expect(poly1305(otk, macData).toString('hex'), `length ${len}`).toBe(tag.toString('hex'));
    }
  });

  it('rejects altered tags, messages and keys', () => {
    const { key, msg, tag } = POLY1305_RFC8439[0]!;
    const bad = hex(tag);
    bad[15]! ^= 0x80;
    expect(poly1305Verify(bad, hex(key), msg)).toBe(false);
    expect(poly1305Verify(hex(tag), hex(key), Buffer.concat([msg, Buffer.from([0])]))).toBe(false);
    expect(poly1305Verify(hex(tag).subarray(1), hex(key), msg)).toBe(false);
    expect(() => poly1305(hex(key).subarray(1), msg)).toThrow(CryptoError);
  });
});

describe('secretbox (XSalsa20-Poly1305)', () => {
  it('seals the classic NaCl vector to the published box (libsodium secretbox / secretbox_easy)', () => {
    const box = secretboxSeal(hex(NACL.message), hex(NACL.nonce), hex(NACL.firstkey));
    expect(box.toString('hex')).toBe(NACL.box);
    expect(secretboxOpen(box, hex(NACL.nonce), hex(NACL.firstkey)).toString('hex')).toBe(NACL.message);
  });

  it('round-trips every length from 0 to 200', () => {
    for (let len = 0; len <= 200; len++) {
      const key = randomBytes(32);
      const nonce = randomBytes(24);
      const msg = randomBytes(len);
      const box = secretboxSeal(msg, nonce, key);
      expect(box.length).toBe(len + 16);
      expect(secretboxOpen(box, nonce, key)).toEqual(msg);
    }
  });

  it('fails with decryption-failed on any flipped bit, a wrong key or nonce, or truncation', () => {
    const box = hex(NACL.box);
    const nonce = hex(NACL.nonce);
    const key = hex(NACL.firstkey);
    for (let bit = 0; bit < box.length * 8; bit += 5) {
      const b = Buffer.from(box);
      b[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => secretboxOpen(b, nonce, key)).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
    }
    const otherKey = Buffer.from(key);
    otherKey[0]! ^= 1;
    expect(() => secretboxOpen(box, nonce, otherKey)).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
    const otherNonce = Buffer.from(nonce);
    otherNonce[23]! ^= 1;
    expect(() => secretboxOpen(box, otherNonce, key)).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
    expect(() => secretboxOpen(box.subarray(0, box.length - 1), nonce, key)).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
    expect(() => secretboxOpen(box.subarray(0, 15), nonce, key)).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
    expect(() => secretboxSeal(Buffer.alloc(1), nonce.subarray(1), key)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
