import type { AuditRecordedV1, EventEnvelope } from '@lazaret/contracts';
import type { AuditFilter, AuditRecordRepository } from '../adapters/audit-record.repository';
import type { EntityManager } from 'typeorm';
import { ChainVerifier, linkHash, type BrokenLink, type ChainedContent } from '../domain/audit-chain';

export interface VerifyResult {
  ok: boolean;
  count: number;
  headHash: string | null;
  firstBroken: BrokenLink | null;
}

/** Appends records to the hash chain and answers queries and verification. */
export class AuditLogService {
  constructor(private readonly records: AuditRecordRepository) {}

  /** Runs inside the consumer's transaction (idempotency is the platform's: one append per envelope id). */
  async append(envelope: EventEnvelope<typeof AuditRecordedV1>, tx: EntityManager, now = new Date()): Promise<number> {
    await this.records.lockChain(tx);
    const head = await this.records.head(tx);
    const content: ChainedContent = {
      seq: head.seq + 1,
      id: envelope.id,
      tenant: envelope.tenant,
      // Normalised to what Postgres and Date give back, so verification recomputes the same bytes.
      occurredAt: new Date(envelope.occurredAt).toISOString(),
      recordedAt: now.toISOString(),
      source: envelope.source,
      record: JSON.parse(JSON.stringify(envelope.data)),
    };
    await this.records.append(tx, content, head.hash, linkHash(head.hash, content));
    return content.seq;
  }

  find(filter: AuditFilter) {
    return this.records.find(filter);
  }

  async verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    for await (const { indexedColumnsMatch, ...entry } of this.records.walk()) {
      if (!verifier.check(entry)) break;
      if (!indexedColumnsMatch) {
        verifier.count--;
        verifier.broken = { seq: entry.seq, id: entry.id, reason: 'hash-mismatch' };
        break;
      }
    }
    return { ok: verifier.broken === null, count: verifier.count, headHash: verifier.head, firstBroken: verifier.broken };
  }
}
