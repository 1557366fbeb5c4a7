import type { DataSource, EntityManager } from 'typeorm';
import type { DetectionState } from '../domain/detection-engine';

/**
 * Detection state in Postgres, so it survives restarts and is shared by replicas. Callers hold
 * the advisory locks of the rule/subject pairs they evaluate (see `lock`) for the transaction.
 */
export class DetectionStateRepository {
  constructor(private readonly db: DataSource) {}

  /** The state as seen from one transaction. */
  in(tx: EntityManager): DetectionState {
    return {
      markFirstSeen: async (ruleId, key, at, recordId) => {
        const rows: unknown[] = await tx.query(
          `INSERT INTO first_seen (rule_id, subject_key, first_seen_at, record_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [ruleId, key, at.toISOString(), recordId],
        );
        return rows.length > 0;
      },
      countRecent: async (ruleId, key, at, windowSeconds, recordId) => {
        await tx.query(
          `INSERT INTO recent_events (rule_id, subject_key, record_id, occurred_at, expires_at)
           VALUES ($1, $2, $3, $4, $4::timestamptz + make_interval(secs => $5)) ON CONFLICT DO NOTHING`,
          [ruleId, key, recordId, at.toISOString(), windowSeconds],
        );
        // The window ends at the subject's newest event when that window still holds this one.
        const rows: Array<{ count: number; earliest: Date; ids: string[] }> = await tx.query(
          `WITH newest AS (
             SELECT max(occurred_at) AS m FROM recent_events WHERE rule_id = $1 AND subject_key = $2
           ), bounds AS (
             SELECT CASE WHEN m - make_interval(secs => $4) < $3::timestamptz THEN m ELSE $3::timestamptz END AS end_at FROM newest
           )
           SELECT count(*)::int AS count, min(occurred_at) AS earliest,
                  (array_agg(record_id::text ORDER BY occurred_at DESC, record_id DESC))[1:100] AS ids
             FROM recent_events, bounds
            WHERE rule_id = $1 AND subject_key = $2
              AND occurred_at > end_at - make_interval(secs => $4) AND occurred_at <= end_at`,
          [ruleId, key, at.toISOString(), windowSeconds],
        );
        const row = rows[0]!;
        return { count: row.count, recordIds: [...row.ids].reverse(), earliest: new Date(row.earliest) };
      },
    };
  }

  /**
   * Serialises evaluations of the same rule and subject across replicas until the transaction
   * ends. Locks are taken in one statement in a fixed order, so two batches never deadlock.
   */
  async lock(tx: EntityManager, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock(h) FROM (
         SELECT DISTINCT hashtextextended('lazaret-correlation|' || k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h
       ) AS ordered`,
      [keys],
    );
  }

  /** Learns digest → repository pairs (idempotent). */
  async learnImages(tx: EntityManager, pairs: Array<{ digest: string; repository: string }>, at: Date): Promise<void> {
    if (pairs.length === 0) return;
    await tx.query(
      `INSERT INTO image_repositories (digest, repository, first_seen_at)
       SELECT d, r, $3 FROM unnest($1::text[], $2::text[]) AS t(d, r) ON CONFLICT DO NOTHING`,
      [pairs.map((p) => p.digest), pairs.map((p) => p.repository), at.toISOString()],
    );
  }

  /** Repositories known for these digests. */
  async repositoriesOf(tx: EntityManager, digests: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (digests.length === 0) return out;
    const rows: Array<{ digest: string; repository: string }> = await tx.query('SELECT digest, repository FROM image_repositories WHERE digest = ANY($1::text[]) ORDER BY repository', [digests]);
    for (const r of rows) out.set(r.digest, [...(out.get(r.digest) ?? []), r.repository]);
    return out;
  }

  /** Deletes recent events past their window plus a grace period (catch-up after downtime still counts). */
  async purgeExpired(graceSeconds: number): Promise<number> {
    const result: [unknown[], number] = await this.db.query("DELETE FROM recent_events WHERE expires_at < now() - make_interval(secs => $1)", [graceSeconds]);
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }
}
