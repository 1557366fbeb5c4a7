import type { AlertSeverity, AlertView } from '@lazaret/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlertEvidence, Detection } from '../domain/detection-engine';

interface Row {
  id: string;
  tenant: string;
  rule_id: string;
  rule_version: number;
  severity: AlertSeverity;
  title: string;
  description: string;
  actor: AlertView['actor'];
  resource: AlertView['resource'] | null;
  evidence: AlertEvidence;
  occurrences: number;
  first_seen: Date;
  last_seen: Date;
  created_at: Date;
  updated_at: Date;
}

export interface AlertFilter {
  ruleId?: string;
  severity?: AlertSeverity[];
  actorId?: string;
  since?: string;
  before?: string;
  limit: number;
}

export interface OpenAlert {
  id: string;
  evidence: AlertEvidence;
}

/** All SQL of alerts. Ids are UUIDv7: ordering by id is ordering by creation. */
export class AlertRepository {
  constructor(private readonly db: DataSource) {}

  /** The alert a repeat folds into: same rule and subject, first seen within the de-duplication window. */
  async findOpen(tx: EntityManager, ruleId: string, subjectKey: string, notBefore: Date): Promise<OpenAlert | null> {
    const rows: Array<{ id: string; evidence: AlertEvidence }> = await tx.query(
      'SELECT id, evidence FROM alerts WHERE rule_id = $1 AND subject_key = $2 AND first_seen >= $3 ORDER BY first_seen DESC LIMIT 1',
      [ruleId, subjectKey, notBefore.toISOString()],
    );
    return rows[0] ?? null;
  }

  async insert(tx: EntityManager, id: string, d: Detection): Promise<void> {
    await tx.query(
      `INSERT INTO alerts (id, tenant, rule_id, rule_version, severity, title, description, subject_key, actor, actor_id, resource, evidence, first_seen, last_seen)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [id, d.tenant, d.ruleId, d.ruleVersion, d.severity, d.title, d.description, d.subjectKey, JSON.stringify(d.actor), d.actor.id, d.resource ? JSON.stringify(d.resource) : null, JSON.stringify(d.evidence), d.firstSeen.toISOString(), d.lastSeen.toISOString()],
    );
  }

  /** Counts a repeat: one more occurrence, the widened time span, the folded evidence. */
  async fold(tx: EntityManager, id: string, evidence: AlertEvidence, firstSeen: Date, lastSeen: Date): Promise<void> {
    await tx.query(
      `UPDATE alerts SET occurrences = occurrences + 1, evidence = $2, first_seen = LEAST(first_seen, $3), last_seen = GREATEST(last_seen, $4), updated_at = now()
       WHERE id = $1`,
      [id, JSON.stringify(evidence), firstSeen.toISOString(), lastSeen.toISOString()],
    );
  }

  async get(id: string): Promise<AlertView | null> {
    const rows: Row[] = await this.db.query('SELECT * FROM alerts WHERE id = $1', [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async list(filter: AlertFilter): Promise<AlertView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.ruleId) add('rule_id = ?', filter.ruleId);
    if (filter.severity?.length) add('severity = ANY(?::text[])', filter.severity);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.since) add('last_seen >= ?', filter.since);
    if (filter.before) add('id < ?', filter.before);
    params.push(filter.limit);
    const rows: Row[] = await this.db.query(`SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params);
    return rows.map(toView);
  }
}

function toView(r: Row): AlertView {
  return {
    alertId: r.id,
    ruleId: r.rule_id,
    ruleVersion: r.rule_version,
    severity: r.severity,
    title: r.title,
    description: r.description,
    actor: r.actor,
    ...(r.resource ? { resource: r.resource } : {}),
    evidence: r.evidence,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    occurrences: r.occurrences,
    tenant: r.tenant,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
