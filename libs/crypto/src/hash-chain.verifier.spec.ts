import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { chainHash, GENESIS_HASH, verifyChain, type ChainEntry } from './hash-chain.verifier';

function buildChain(records: unknown[]): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let prev = GENESIS_HASH;
  records.forEach((record, i) => {
    const hash = chainHash(prev, record);
    entries.push({ seq: i + 1, prevHash: prev, hash, record });
    prev = hash;
  });
  return entries;
}

const records = [
  { action: 'login', actor: 'alice', at: '2024-01-01T00:00:00Z' },
  { action: 'sign', actor: 'bob', image: 'sha256:abc', details: { keyId: 'k1', ok: true } },
  { action: 'quarantine', actor: 'system', container: 'c1', reason: 'crypto-miner' },
  { action: 'read-secret', actor: 'carol', secret: 'registry/prod' },
  { action: 'logout', actor: 'alice' },
];

describe('chainHash', () => {
  it('is SHA-256 of prevHash, a newline and the canonical JSON, in lowercase hex', () => {
    const record = { b: 2, a: 1 };
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n{"a":1,"b":2}`).digest('hex');
    expect(chainHash(GENESIS_HASH, record)).toBe(expected);
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('does not depend on key order but on every value', () => {
    expect(chainHash(GENESIS_HASH, { a: 1, b: 2 })).toBe(chainHash(GENESIS_HASH, { b: 2, a: 1 }));
    expect(chainHash(GENESIS_HASH, { a: 1, b: 2 })).not.toBe(chainHash(GENESIS_HASH, { a: 1, b: 3 }));
  });

  it('rejects a malformed prevHash and uncanonicalisable records with typed errors', () => {
    expect(() => chainHash('ABC', {})).toThrow(CryptoError);
    expect(() => chainHash(GENESIS_HASH.toUpperCase().replace(/0/g, 'A'), {})).toThrow(/lowercase hex/);
    expect(() => chainHash(GENESIS_HASH, { x: undefined })).toThrow(expect.objectContaining({ code: 'not-canonicalizable' }));
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verifyChain(buildChain(records))).toEqual({ ok: true, count: 5 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it('streams from a generator', () => {
    const entries = buildChain(records);
    function* gen(): Generator<ChainEntry> {
      yield* entries;
    }
    expect(verifyChain(gen())).toEqual({ ok: true, count: 5 });
  });

  it('reports an edited record as hash-mismatch at its seq', () => {
    const entries = buildChain(records);
    entries[2] = { ...entries[2]!, record: { ...(records[2] as object), reason: 'benign' } };
    expect(verifyChain(entries)).toEqual({ ok: false, count: 2, firstBroken: { seq: 3, reason: 'hash-mismatch' } });
  });

  it('reports an edited stored hash: hash-mismatch there (the next link would break too)', () => {
    const entries = buildChain(records);
    entries[1] = { ...entries[1]!, hash: 'f'.repeat(64) };
    expect(verifyChain(entries)).toEqual({ ok: false, count: 1, firstBroken: { seq: 2, reason: 'hash-mismatch' } });
  });

  it('reports a re-hashed record (attacker recomputed its hash) as prev-mismatch on the next entry', () => {
    const entries = buildChain(records);
    const forged = { ...(records[1] as object), actor: 'mallory' };
    entries[1] = { ...entries[1]!, record: forged, hash: chainHash(entries[1]!.prevHash, forged) };
    expect(verifyChain(entries)).toEqual({ ok: false, count: 2, firstBroken: { seq: 3, reason: 'prev-mismatch' } });
  });

  it('reports a wrong genesis prevHash as prev-mismatch at seq 1', () => {
    const entries = buildChain(records);
    const prevHash = '1'.repeat(64);
    entries[0] = { ...entries[0]!, prevHash, hash: chainHash(prevHash, entries[0]!.record) };
    expect(verifyChain(entries)).toEqual({ ok: false, count: 0, firstBroken: { seq: 1, reason: 'prev-mismatch' } });
  });

  it('reports deleted, duplicated, reordered and mis-numbered entries as seq-gap', () => {
    const entries = buildChain(records);
    expect(verifyChain([entries[0]!, entries[2]!, entries[3]!])).toEqual({
      ok: false,
      count: 1,
      firstBroken: { seq: 3, reason: 'seq-gap' },
    });
    expect(verifyChain([entries[0]!, entries[1]!, entries[1]!])).toEqual({
      ok: false,
      count: 2,
      firstBroken: { seq: 2, reason: 'seq-gap' },
    });
    expect(verifyChain([entries[1]!, entries[0]!])).toEqual({ ok: false, count: 0, firstBroken: { seq: 2, reason: 'seq-gap' } });
    expect(verifyChain(entries.slice(1))).toEqual({ ok: false, count: 0, firstBroken: { seq: 2, reason: 'seq-gap' } });
  });

  it('reports truncation at the tail only through the count (nothing links forward)', () => {
    expect(verifyChain(buildChain(records).slice(0, 3))).toEqual({ ok: true, count: 3 });
  });

  it('treats an uncanonicalisable stored record as hash-mismatch instead of throwing', () => {
    const entries = buildChain(records);
    entries[4] = { ...entries[4]!, record: { bad: Number.NaN } };
    expect(verifyChain(entries)).toEqual({ ok: false, count: 4, firstBroken: { seq: 5, reason: 'hash-mismatch' } });
  });

  it('detects every single-character change of any stored hash', () => {
    const entries = buildChain(records.slice(0, 2));
    for (let i = 0; i < 64; i++) {
      const tampered = entries.map((e) => ({ ...e }));
      const h = tampered[0]!.hash;
      tampered[0]!.hash = h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
      expect(verifyChain(tampered).ok).toBe(false);
    }
  });
});
