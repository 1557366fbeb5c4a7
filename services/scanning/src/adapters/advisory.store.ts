import type { Advisory, AdvisoryStore, AffectedHit, Enrichment, EnrichmentInfo, EpssEntry, KevEntry, PackageKey, StoreStatus } from '@lazaret/vulndb';
import type { DataSource } from 'typeorm';

const META_KEV = 'kev';
const META_EPSS = 'epss';
const META_LAST_IMPORT = 'last-import';

function info(value: string | undefined): EnrichmentInfo {
  if (!value) return {};
  try {
    const v = JSON.parse(value) as EnrichmentInfo;
    return { ...(typeof v.version === 'string' ? { version: v.version } : {}), ...(typeof v.date === 'string' ? { date: v.date } : {}) };
  } catch {
    return {};
  }
}

/** The vulnerability database in the scanning schema, behind libs/vulndb's store interface. */
export class PostgresAdvisoryStore implements AdvisoryStore {
  constructor(private readonly db: DataSource) {}

  async modifiedOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; modified: string }> = await this.db.query('SELECT id, modified FROM vuln_advisories WHERE id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.modified]));
  }

  async putAdvisories(batch: readonly Advisory[]): Promise<void> {
    if (batch.length === 0) return;
    await this.db.transaction(async (tx) => {
      const ids = batch.map((a) => a.id);
      await tx.query('DELETE FROM vuln_affected WHERE advisory_id = ANY($1::text[])', [ids]);
      await tx.query(
        `INSERT INTO vuln_advisories (id, modified, withdrawn, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
         ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified, withdrawn = EXCLUDED.withdrawn, body = EXCLUDED.body`,
        [ids, batch.map((a) => a.modified), batch.map((a) => a.withdrawn ?? null), batch.map((a) => JSON.stringify(a))],
      );
      const rows = batch.flatMap((a) => (a.withdrawn ? [] : a.affected.map((af) => ({ id: a.id, eco: af.ecosystemKey, name: af.nameKey, body: JSON.stringify(af) }))));
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        await tx.query('INSERT INTO vuln_affected (advisory_id, ecosystem_key, name_key, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])', [
          chunk.map((r) => r.id),
          chunk.map((r) => r.eco),
          chunk.map((r) => r.name),
          chunk.map((r) => r.body),
        ]);
      }
    });
  }

  async affectedFor(keys: readonly PackageKey[]): Promise<AffectedHit[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ advisory_id: string; body: AffectedHit['affected'] }> = await this.db.query(
      `SELECT a.advisory_id, a.body FROM vuln_affected a
       JOIN unnest($1::text[], $2::text[]) AS k(eco, name) ON a.ecosystem_key = k.eco AND a.name_key = k.name`,
      [keys.map((k) => k.ecosystem), keys.map((k) => k.name)],
    );
    return rows.map((r) => ({ advisoryId: r.advisory_id, affected: r.body }));
  }

  async getAdvisories(ids: readonly string[]): Promise<Advisory[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ body: Advisory }> = await this.db.query('SELECT body FROM vuln_advisories WHERE id = ANY($1::text[])', [ids]);
    return rows.map((r) => r.body);
  }

  async replaceKev(entries: readonly KevEntry[], meta: EnrichmentInfo): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM vuln_kev');
      await tx.query('INSERT INTO vuln_kev (cve_id, body) SELECT * FROM unnest($1::text[], $2::jsonb[])', [entries.map((e) => e.cveId.toUpperCase()), entries.map((e) => JSON.stringify(e))]);
      await this.meta(tx, META_KEV, JSON.stringify(meta));
    });
  }

  async replaceEpss(entries: readonly EpssEntry[], meta: EnrichmentInfo): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM vuln_epss');
      for (let i = 0; i < entries.length; i += 20_000) {
        const chunk = entries.slice(i, i + 20_000);
        await tx.query('INSERT INTO vuln_epss (cve_id, score, percentile) SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[])', [
          chunk.map((e) => e.cveId.toUpperCase()),
          chunk.map((e) => e.score),
          chunk.map((e) => e.percentile),
        ]);
      }
      await this.meta(tx, META_EPSS, JSON.stringify(meta));
    });
  }

  async enrichment(cveIds: readonly string[]): Promise<Map<string, Enrichment>> {
    const out = new Map<string, Enrichment>();
    if (cveIds.length === 0) return out;
    const ids = cveIds.map((c) => c.toUpperCase());
    const kev: Array<{ cve_id: string; body: KevEntry }> = await this.db.query('SELECT cve_id, body FROM vuln_kev WHERE cve_id = ANY($1::text[])', [ids]);
    const epss: Array<{ cve_id: string; score: number; percentile: number }> = await this.db.query('SELECT cve_id, score, percentile FROM vuln_epss WHERE cve_id = ANY($1::text[])', [ids]);
    const epssDate = info(await this.getMeta(META_EPSS)).date;
    for (const k of kev) out.set(k.cve_id, { kev: k.body });
    for (const e of epss) {
      const entry: EpssEntry & { date?: string } = { cveId: e.cve_id, score: e.score, percentile: e.percentile, ...(epssDate ? { date: epssDate } : {}) };
      out.set(e.cve_id, { ...out.get(e.cve_id), epss: entry });
    }
    return out;
  }

  async status(): Promise<StoreStatus> {
    const [totals]: Array<{ advisories: number; withdrawn: number; newest: string | null }> = await this.db.query(
      'SELECT count(*)::int AS advisories, count(withdrawn)::int AS withdrawn, max(modified) AS newest FROM vuln_advisories',
    );
    const ecosystems: Array<{ ecosystem: string; advisories: number; packages: number }> = await this.db.query(
      'SELECT ecosystem_key AS ecosystem, count(DISTINCT advisory_id)::int AS advisories, count(DISTINCT name_key)::int AS packages FROM vuln_affected GROUP BY ecosystem_key ORDER BY ecosystem_key',
    );
    const [kev]: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM vuln_kev');
    const [epss]: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM vuln_epss');
    const last = await this.getMeta(META_LAST_IMPORT);
    return {
      advisories: totals!.advisories,
      withdrawn: totals!.withdrawn,
      ecosystems,
      kev: { entries: kev!.n, ...info(await this.getMeta(META_KEV)) },
      epss: { entries: epss!.n, ...info(await this.getMeta(META_EPSS)) },
      ...(totals!.newest ? { newestModified: totals!.newest } : {}),
      ...(last ? { lastImport: last } : {}),
    };
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows: Array<{ value: string }> = await this.db.query('SELECT value FROM vuln_meta WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.meta(this.db, key, value);
  }

  private async meta(q: { query(sql: string, params: unknown[]): Promise<unknown> }, key: string, value: string): Promise<void> {
    await q.query('INSERT INTO vuln_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }
}
