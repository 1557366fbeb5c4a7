import type { AuditRecord } from '@lazaret/contracts';
import { chainHash, GENESIS_HASH } from '@lazaret/crypto';

/** What each link of the chain hashes: every stored field, so any edit breaks the link. */
export interface ChainedContent {
  seq: number;
  id: string;
  tenant: string;
  occurredAt: string;
  recordedAt: string;
  source: string;
  record: AuditRecord;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

export function linkHash(prevHash: string, content: ChainedContent): string {
  return chainHash(prevHash, content);
}

export type BrokenLink = { seq: number; id: string | null; reason: 'hash-mismatch' | 'prev-mismatch' | 'seq-gap' };

/**
 * Walks stored entries in order and reports the first link that does not hold. Entries come in
 * pages so the whole log never sits in memory.
 */
export class ChainVerifier {
  private expectedPrev = GENESIS_HASH;
  private expectedSeq = 1;
  count = 0;
  broken: BrokenLink | null = null;

  check(entry: ChainedContent & { prevHash: string; hash: string }): boolean {
    if (this.broken) return false;
    if (entry.seq !== this.expectedSeq) {
      this.broken = { seq: this.expectedSeq, id: null, reason: 'seq-gap' };
      return false;
    }
    if (entry.prevHash !== this.expectedPrev) {
      this.broken = { seq: entry.seq, id: entry.id, reason: 'prev-mismatch' };
      return false;
    }
    const { prevHash, hash, ...content } = entry;
    if (linkHash(prevHash, content) !== hash) {
      this.broken = { seq: entry.seq, id: entry.id, reason: 'hash-mismatch' };
      return false;
    }
    this.expectedPrev = hash;
    this.expectedSeq++;
    this.count++;
    return true;
  }

  get head(): string | null {
    return this.count === 0 ? null : this.expectedPrev;
  }
}
