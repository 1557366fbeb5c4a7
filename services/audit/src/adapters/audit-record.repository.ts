import type { AuditEntry, AuditRecord } from '@lazaret/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { EMPTY_HEAD, type ChainHead, type ChainedContent } from '../domain/audit-chain';

interface Row {
  service?: string;
  action?: string;
  actor_type?: string;
  actor_id?: string;
  outcome?: string;
  resource_type?: string | null;
  resource_id?: string | null;
  seq: string;
  id: string;
  tenant: string;
  occurred_at: Date;
  recorded_at: Date;
  source: string;
  record: AuditRecord;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  service?: string;
  action?: string;
  actorId?: string;
  outcome?: string;
  resourceType?: string;
  resourceId?: string;
  since?: string;
  until?: string;
  beforeSeq?: number;
  limit: number;
}

/** All SQL of the audit log. */
export class AuditRecordRepository {
  constructor(private readonly db: DataSource) {}

  /** Serialises appenders (across replicas too) for the rest of the transaction. */
  async lockChain(tx: EntityManager): Promise<void> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('lazaret-audit-chain'))");
  }

  async head(tx: EntityManager): Promise<ChainHead> {
    const rows: Array<{ seq: string; hash: string }> = await tx.query('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : EMPTY_HEAD;
  }

  async append(tx: EntityManager, content: ChainedContent, prevHash: string, hash: string): Promise<void> {
    const r = content.record;
    await tx.query(
      `INSERT INTO records (seq, id, tenant, occurred_at, recorded_at, source, service, action, actor_type, actor_id, outcome, resource_type, resource_id, record, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [content.seq, content.id, content.tenant, content.occurredAt, content.recordedAt, content.source, r.service, r.action, r.actor.type, r.actor.id, r.outcome, r.resource?.type ?? null, r.resource?.id ?? null, JSON.stringify(r), prevHash, hash],
    );
  }

  async find(filter: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.service) add('service = ?', filter.service);
    if (filter.action) add('action = ?', filter.action);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.resourceType) add('resource_type = ?', filter.resourceType);
    if (filter.resourceId) add('resource_id = ?', filter.resourceId);
    if (filter.since) add('occurred_at >= ?', filter.since);
    if (filter.until) add('occurred_at < ?', filter.until);
    if (filter.beforeSeq) add('seq < ?', filter.beforeSeq);
    params.push(filter.limit);
    const rows: Row[] = await this.db.query(
      `SELECT seq, id, tenant, occurred_at, recorded_at, source, record, prev_hash, hash FROM records
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** Entries in chain order, a page at a time (keyset paging, bounded memory). */
  async *walk(pageSize = 1000): AsyncGenerator<ChainedContent & { prevHash: string; hash: string; indexedColumnsMatch: boolean }> {
    let after = 0;
    for (;;) {
      const rows: Row[] = await this.db.query('SELECT * FROM records WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
      for (const row of rows) yield { ...toChained(row), indexedColumnsMatch: indexedColumnsMatch(row) };
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}

/** The filter columns copy parts of the hashed record; an edit to a copy must count as tampering too. */
function indexedColumnsMatch(row: Row): boolean {
  const r = row.record;
  return (
    row.service === r.service &&
    row.action === r.action &&
    row.actor_type === r.actor.type &&
    row.actor_id === r.actor.id &&
    row.outcome === r.outcome &&
    (row.resource_type ?? undefined) === r.resource?.type &&
    (row.resource_id ?? undefined) === r.resource?.id
  );
}

function toChained(row: Row): ChainedContent & { prevHash: string; hash: string } {
  return {
    seq: Number(row.seq),
    id: row.id,
    tenant: row.tenant,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    source: row.source,
    record: row.record,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toEntry(row: Row): AuditEntry {
  const c = toChained(row);
  return { seq: c.seq, id: c.id, occurredAt: c.occurredAt, recordedAt: c.recordedAt, tenant: c.tenant, record: c.record, prevHash: c.prevHash, hash: c.hash };
}
