import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import { VulnDbError } from './errors';
import { parseInfo } from './memory.store';
import type { Advisory, AffectedPackage } from './osv.model';
import {
  META_EPSS,
  META_KEV,
  META_LAST_IMPORT,
  type AdvisoryStore,
  type AffectedHit,
  type Enrichment,
  type EnrichmentInfo,
  type EpssEntry,
  type KevEntry,
  type PackageKey,
  type StoreStatus,
} from './store';

/** Written into meta `schema`; a file without it is not ours. */
export const SQLJS_SCHEMA = 'lazaret-vulndb/1';

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisories (id TEXT PRIMARY KEY, modified TEXT NOT NULL, withdrawn TEXT, body TEXT NOT NULL);
CREATE TABLE affected (advisory_id TEXT NOT NULL, ecosystem_key TEXT NOT NULL, name_key TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX affected_by_key ON affected (ecosystem_key, name_key);
CREATE INDEX affected_by_advisory ON affected (advisory_id);
CREATE TABLE kev (cve_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE epss (cve_id TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL);
`;

let sqlJs: ReturnType<typeof initSqlJs> | undefined;
function sqlite(): ReturnType<typeof initSqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export interface SqlJsOpenOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /**
   * When the file is corrupt or not a Lazaret database: move it aside to `<path>.corrupt-<time>`
   * and start empty (what `lazaret db import` does). Otherwise opening throws `db-corrupt`.
   */
  repair?: boolean;
}

const IN_CHUNK = 400;

/**
 * The CLI's local database: SQLite (sql.js, in WebAssembly) kept in one file. The whole
 * database lives in memory while open; `save()` writes it back atomically (temporary file +
 * rename), so a crash never leaves a half-written file behind.
 */
export class SqlJsAdvisoryStore implements AdvisoryStore {
  private dirty = false;
  /** Set when `open` moved a corrupt file aside. */
  repairedFrom?: string;

  private constructor(
    private readonly db: Database,
    readonly path: string | undefined,
  ) {}

  /** An in-memory database (no file). */
  static async memory(): Promise<SqlJsAdvisoryStore> {
    const SQL = await sqlite();
    const db = new SQL.Database();
    db.run(DDL);
    db.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['schema', SQLJS_SCHEMA]);
    return new SqlJsAdvisoryStore(db, undefined);
  }

  static async open(path: string, options: SqlJsOpenOptions = {}): Promise<SqlJsAdvisoryStore> {
    const SQL = await sqlite();
    if (!existsSync(path)) {
      if (options.create === false) throw new VulnDbError('db-io', `no vulnerability database at ${path}; run \`lazaret db import <path>\` first`);
      const db = new SQL.Database();
      db.run(DDL);
      db.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['schema', SQLJS_SCHEMA]);
      const store = new SqlJsAdvisoryStore(db, path);
      store.dirty = true;
      return store;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new VulnDbError('db-io', `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    let problem: string | undefined;
    let db: Database | undefined;
    try {
      db = new SQL.Database(bytes);
      const check = db.exec('PRAGMA quick_check');
      const ok = check[0]?.values[0]?.[0];
      if (ok !== 'ok') problem = `integrity check failed (${String(ok)})`;
      else {
        const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").length > 0;
        const schema = hasMeta ? db.exec("SELECT value FROM meta WHERE key = 'schema'")[0]?.values[0]?.[0] : undefined;
        if (schema === undefined) problem = 'not a Lazaret vulnerability database (no schema marker)';
        else if (schema !== SQLJS_SCHEMA) {
          db.close();
          throw new VulnDbError('db-version', `${path} has schema ${String(schema)}; this lazaret reads ${SQLJS_SCHEMA} (re-import into a new file)`);
        }
      }
    } catch (err) {
      if (err instanceof VulnDbError) throw err;
      problem = err instanceof Error ? err.message : String(err);
    }
    if (!problem) return new SqlJsAdvisoryStore(db!, path);
    try {
      db?.close();
    } catch {
      // already unusable
    }
    if (!options.repair) {
      throw new VulnDbError('db-corrupt', `${path} is corrupt or not a vulnerability database (${problem}); \`lazaret db import <path>\` rebuilds it`);
    }
    const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, aside);
    const fresh = await SqlJsAdvisoryStore.open(path, { create: true });
    fresh.repairedFrom = aside;
    return fresh;
  }

  /** Writes the database to its file if anything changed. */
  async save(): Promise<void> {
    if (!this.path || !this.dirty) return;
    const data = this.db.export();
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new VulnDbError('db-io', `cannot write ${this.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.dirty = false;
  }

  /** Saves and releases the database. */
  async close(): Promise<void> {
    try {
      await this.save();
    } finally {
      this.db.close();
    }
  }

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: SqlValue[][] = [];
      while (stmt.step()) out.push(stmt.get());
      return out;
    } finally {
      stmt.free();
    }
  }

  async modifiedOf(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      for (const [id, m] of this.rows(`SELECT id, modified FROM advisories WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)) out.set(String(id), String(m));
    }
    return out;
  }

  async putAdvisories(batch: readonly Advisory[]): Promise<void> {
    if (batch.length === 0) return;
    this.db.run('BEGIN');
    const del = this.db.prepare('DELETE FROM affected WHERE advisory_id = ?');
    const adv = this.db.prepare('INSERT OR REPLACE INTO advisories (id, modified, withdrawn, body) VALUES (?, ?, ?, ?)');
    const aff = this.db.prepare('INSERT INTO affected (advisory_id, ecosystem_key, name_key, body) VALUES (?, ?, ?, ?)');
    try {
      for (const a of batch) {
        del.run([a.id]);
        const { affected, ...rest } = a;
        adv.run([a.id, a.modified, a.withdrawn ?? null, JSON.stringify(rest)]);
        if (a.withdrawn) continue;
        for (const af of affected) aff.run([a.id, af.ecosystemKey, af.nameKey, JSON.stringify(af)]);
      }
      this.db.run('COMMIT');
      this.dirty = true;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw new VulnDbError('db-io', `writing advisories failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      del.free();
      adv.free();
      aff.free();
    }
  }

  async affectedFor(keys: readonly PackageKey[]): Promise<AffectedHit[]> {
    const byEco = new Map<string, Set<string>>();
    for (const k of keys) {
      let s = byEco.get(k.ecosystem);
      if (!s) byEco.set(k.ecosystem, (s = new Set()));
      s.add(k.name);
    }
    const out: AffectedHit[] = [];
    for (const [eco, names] of byEco) {
      const list = [...names];
      for (let i = 0; i < list.length; i += IN_CHUNK) {
        const chunk = list.slice(i, i + IN_CHUNK);
        const rows = this.rows(`SELECT advisory_id, body FROM affected WHERE ecosystem_key = ? AND name_key IN (${chunk.map(() => '?').join(',')})`, [eco, ...chunk]);
        for (const [id, body] of rows) out.push({ advisoryId: String(id), affected: JSON.parse(String(body)) as AffectedPackage });
      }
    }
    return out;
  }

  async getAdvisories(ids: readonly string[]): Promise<Advisory[]> {
    const out: Advisory[] = [];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      const marks = chunk.map(() => '?').join(',');
      const affected = new Map<string, AffectedPackage[]>();
      for (const [id, body] of this.rows(`SELECT advisory_id, body FROM affected WHERE advisory_id IN (${marks})`, chunk)) {
        const list = affected.get(String(id)) ?? [];
        list.push(JSON.parse(String(body)) as AffectedPackage);
        affected.set(String(id), list);
      }
      for (const [id, body] of this.rows(`SELECT id, body FROM advisories WHERE id IN (${marks})`, chunk)) {
        out.push({ ...(JSON.parse(String(body)) as Omit<Advisory, 'affected'>), affected: affected.get(String(id)) ?? [] });
      }
    }
    return out;
  }

  async replaceKev(entries: readonly KevEntry[], info: EnrichmentInfo): Promise<void> {
    this.db.run('BEGIN');
    try {
      this.db.run('DELETE FROM kev');
      const st = this.db.prepare('INSERT OR REPLACE INTO kev (cve_id, body) VALUES (?, ?)');
      try {
        for (const e of entries) st.run([e.cveId.toUpperCase(), JSON.stringify(e)]);
      } finally {
        st.free();
      }
      this.db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [META_KEV, JSON.stringify(info)]);
      this.db.run('COMMIT');
      this.dirty = true;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw new VulnDbError('db-io', `writing KEV entries failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async replaceEpss(entries: readonly EpssEntry[], info: EnrichmentInfo): Promise<void> {
    this.db.run('BEGIN');
    try {
      this.db.run('DELETE FROM epss');
      const st = this.db.prepare('INSERT OR REPLACE INTO epss (cve_id, score, percentile) VALUES (?, ?, ?)');
      try {
        for (const e of entries) st.run([e.cveId.toUpperCase(), e.score, e.percentile]);
      } finally {
        st.free();
      }
      this.db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [META_EPSS, JSON.stringify(info)]);
      this.db.run('COMMIT');
      this.dirty = true;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw new VulnDbError('db-io', `writing EPSS scores failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async enrichment(cveIds: readonly string[]): Promise<Map<string, Enrichment>> {
    const out = new Map<string, Enrichment>();
    const ids = [...new Set(cveIds.map((c) => c.toUpperCase()))];
    const epssDate = parseInfo((await this.getMeta(META_EPSS)) ?? undefined).date;
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      const marks = chunk.map(() => '?').join(',');
      for (const [id, body] of this.rows(`SELECT cve_id, body FROM kev WHERE cve_id IN (${marks})`, chunk)) {
        out.set(String(id), { kev: JSON.parse(String(body)) as KevEntry });
      }
      for (const [id, score, percentile] of this.rows(`SELECT cve_id, score, percentile FROM epss WHERE cve_id IN (${marks})`, chunk)) {
        const e = out.get(String(id)) ?? {};
        e.epss = { cveId: String(id), score: Number(score), percentile: Number(percentile), ...(epssDate ? { date: epssDate } : {}) };
        out.set(String(id), e);
      }
    }
    return out;
  }

  async status(): Promise<StoreStatus> {
    const one = (sql: string): SqlValue => this.rows(sql)[0]?.[0] ?? null;
    const ecosystems = this.rows('SELECT ecosystem_key, COUNT(DISTINCT advisory_id), COUNT(DISTINCT name_key) FROM affected GROUP BY ecosystem_key ORDER BY ecosystem_key').map(([e, a, p]) => ({
      ecosystem: String(e),
      advisories: Number(a),
      packages: Number(p),
    }));
    const status: StoreStatus = {
      advisories: Number(one('SELECT COUNT(*) FROM advisories')),
      withdrawn: Number(one('SELECT COUNT(*) FROM advisories WHERE withdrawn IS NOT NULL')),
      ecosystems,
      kev: { entries: Number(one('SELECT COUNT(*) FROM kev')), ...parseInfo((await this.getMeta(META_KEV)) ?? undefined) },
      epss: { entries: Number(one('SELECT COUNT(*) FROM epss')), ...parseInfo((await this.getMeta(META_EPSS)) ?? undefined) },
    };
    const newest = one('SELECT MAX(modified) FROM advisories');
    if (newest !== null) status.newestModified = String(newest);
    const last = await this.getMeta(META_LAST_IMPORT);
    if (last) status.lastImport = last;
    return status;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const v = this.rows('SELECT value FROM meta WHERE key = ?', [key])[0]?.[0];
    return v === undefined || v === null ? undefined : String(v);
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
    this.dirty = true;
  }
}
