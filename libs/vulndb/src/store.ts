import type { Advisory, AffectedPackage } from './osv.model';

/**
 * Where advisories live. The matcher and the importer only talk to this interface, so the CLI
 * keeps a local sql.js file (`SqlJsAdvisoryStore`), tests and benchmarks use memory
 * (`MemoryAdvisoryStore`), and a service can implement it over Postgres:
 *
 * - `advisories (id PK, modified, withdrawn, body jsonb)`, and
 * - `affected (advisory_id FK ON DELETE CASCADE, ecosystem_key, name_key, body jsonb)` with an
 *   index on `(ecosystem_key, name_key)` — `affectedFor` is one `WHERE (ecosystem_key, name_key)
 *   IN (...)` query, `putAdvisories` one transaction that deletes and re-inserts the batch's
 *   affected rows (none for a withdrawn advisory);
 * - `kev (cve_id PK, body)`, `epss (cve_id PK, score, percentile, date)`, `meta (key PK, value)`.
 *
 * Every method may be called concurrently with reads; writes come from one importer at a time.
 */
export interface AdvisoryStore {
  /** `modified` of the given ids that are stored (for incremental imports). */
  modifiedOf(ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Inserts or replaces advisories, each with its affected entries, atomically per batch.
   * A withdrawn advisory is kept (so re-imports stay incremental) without affected entries.
   */
  putAdvisories(batch: readonly Advisory[]): Promise<void>;
  /** Affected entries indexed under any of the given keys, with the id of their advisory. */
  affectedFor(keys: readonly PackageKey[]): Promise<AffectedHit[]>;
  getAdvisories(ids: readonly string[]): Promise<Advisory[]>;
  /** Replaces the whole KEV catalog. */
  replaceKev(entries: readonly KevEntry[], info: EnrichmentInfo): Promise<void>;
  /** Replaces all EPSS scores. */
  replaceEpss(entries: readonly EpssEntry[], info: EnrichmentInfo): Promise<void>;
  /** KEV and EPSS facts for the given CVE ids (upper case). */
  enrichment(cveIds: readonly string[]): Promise<Map<string, Enrichment>>;
  status(): Promise<StoreStatus>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export interface PackageKey {
  ecosystem: string;
  name: string;
}

export interface AffectedHit {
  advisoryId: string;
  affected: AffectedPackage;
}

/** A CISA Known Exploited Vulnerabilities catalog entry. */
export interface KevEntry {
  cveId: string;
  vendorProject?: string;
  product?: string;
  vulnerabilityName?: string;
  dateAdded: string;
  dueDate?: string;
  requiredAction?: string;
  knownRansomwareCampaignUse?: string;
}

/** A FIRST EPSS score. */
export interface EpssEntry {
  cveId: string;
  /** Probability of exploitation activity in the next 30 days, 0-1. */
  score: number;
  percentile: number;
}

export interface EnrichmentInfo {
  /** KEV `catalogVersion` or EPSS `model_version`. */
  version?: string;
  /** KEV `dateReleased` or EPSS `score_date`. */
  date?: string;
}

export interface Enrichment {
  kev?: KevEntry;
  epss?: EpssEntry & { date?: string };
}

export interface EcosystemCount {
  /** Ecosystem key (`Debian:12`, `npm`). */
  ecosystem: string;
  /** Advisories with at least one affected entry in it. */
  advisories: number;
  /** Distinct package names. */
  packages: number;
}

export interface StoreStatus {
  advisories: number;
  withdrawn: number;
  ecosystems: EcosystemCount[];
  kev: { entries: number } & EnrichmentInfo;
  epss: { entries: number } & EnrichmentInfo;
  /** Latest `modified` among stored advisories. */
  newestModified?: string;
  /** When the last import finished (ISO time), from meta `last-import`. */
  lastImport?: string;
}

export const META_LAST_IMPORT = 'last-import';
export const META_KEV = 'kev';
export const META_EPSS = 'epss';

export function keyOf(k: PackageKey): string {
  return `${k.ecosystem}\u0000${k.name}`;
}
