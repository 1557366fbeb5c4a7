import { describe, expect, it } from 'vitest';
import { ChainVerifier, EMPTY_HEAD, linkHash, type ChainedContent } from './audit-chain';

function build(n: number) {
  const out: Array<ChainedContent & { prevHash: string; hash: string }> = [];
  let prev = EMPTY_HEAD.hash;
  for (let seq = 1; seq <= n; seq++) {
    const content: ChainedContent = {
      seq,
      id: `0190a3c4-7b9e-7cc1-9d1c-${String(seq).padStart(12, '0')}`,
      tenant: 'default',
      occurredAt: '2026-11-28T10:00:00.000Z',
      recordedAt: '2026-11-28T10:00:01.000Z',
      source: 'gateway',
      record: { service: 'gateway', action: 'apikey.create', actor: { type: 'principal', id: 'p1' }, outcome: 'success' },
    };
    const hash = linkHash(prev, content);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports its head', () => {
    const v = new ChainVerifier();
    const entries = build(10);
    expect(entries.every((e) => v.check(e))).toBe(true);
    expect(v.count).toBe(10);
    expect(v.head).toBe(entries[9]!.hash);
  });

  it('finds an edited record', () => {
    const entries = build(10);
    entries[4] = { ...entries[4]!, record: { ...entries[4]!.record, outcome: 'failure' } };
    const v = new ChainVerifier();
    entries.forEach((e) => v.check(e));
    expect(v.broken).toEqual({ seq: 5, id: entries[4]!.id, reason: 'hash-mismatch' });
  });

  it('finds a re-hashed record by the next link', () => {
    const entries = build(10);
    const { prevHash, hash: _old, ...content } = { ...entries[4]!, source: 'ingest' };
    entries[4] = { ...content, prevHash, hash: linkHash(prevHash, content) };
    const v = new ChainVerifier();
    entries.forEach((e) => v.check(e));
    expect(v.broken?.seq).toBe(6);
    expect(v.broken?.reason).toBe('prev-mismatch');
  });

  it('finds a deleted record', () => {
    const entries = build(10);
    entries.splice(3, 1);
    const v = new ChainVerifier();
    entries.forEach((e) => v.check(e));
    expect(v.broken).toEqual({ seq: 4, id: null, reason: 'seq-gap' });
  });
});
