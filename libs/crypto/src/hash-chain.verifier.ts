import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.encoder';
import { CryptoError } from './errors';

/** prevHash of the first entry of a chain: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_HEX = /^[0-9a-f]{64}$/;

/**
 * Hash of one audit-log link: lowercase hex SHA-256 of `prevHash + '\n' + canonicalJson(record)`
 * (UTF-8). `prevHash` is the previous entry's hash, or {@link GENESIS_HASH} for entry 1.
 */
export function chainHash(prevHash: string, record: unknown): string {
  if (typeof prevHash !== 'string' || !HASH_HEX.test(prevHash)) {
    throw new CryptoError('invalid-argument', 'prevHash must be 64 lowercase hex characters');
  }
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(record)}`, 'utf8').digest('hex');
}

export interface ChainEntry {
  seq: number;
  prevHash: string;
  hash: string;
  record: unknown;
}

export type ChainBreakReason = 'hash-mismatch' | 'prev-mismatch' | 'seq-gap';

export type ChainVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBroken: { seq: number; reason: ChainBreakReason } };

/**
 * Walks entries in order (seq 1, 2, 3...) and reports the first broken link.
 *
 * For each entry, in this order: `seq-gap` if its seq is not the expected next number (a missing,
 * repeated or reordered entry); `prev-mismatch` if its prevHash is not the previous entry's hash
 * (GENESIS_HASH for seq 1); `hash-mismatch` if its hash is not chainHash(prevHash, record)
 * (including a record that cannot be canonicalised). `count` is the number of entries that
 * verified before the first broken one (all of them when ok). An empty chain is ok with count 0.
 *
 * Streams: it holds only the previous hash, so an async-free generator over a database cursor
 * works for logs of any length.
 */
export function verifyChain(entries: Iterable<ChainEntry>): ChainVerification {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  for (const entry of entries) {
    const seq = entry?.seq;
    if (seq !== expectedSeq) {
      return broken(count, typeof seq === 'number' ? seq : Number.NaN, 'seq-gap');
    }
    if (entry.prevHash !== prev) {
      return broken(count, seq, 'prev-mismatch');
    }
    let computed: string;
    try {
      computed = chainHash(entry.prevHash, entry.record);
    } catch {
      return broken(count, seq, 'hash-mismatch');
    }
    if (entry.hash !== computed) {
      return broken(count, seq, 'hash-mismatch');
    }
    prev = entry.hash;
    expectedSeq++;
    count++;
  }
  return { ok: true, count };
}

function broken(count: number, seq: number, reason: ChainBreakReason): ChainVerification {
  return { ok: false, count, firstBroken: { seq, reason } };
}
