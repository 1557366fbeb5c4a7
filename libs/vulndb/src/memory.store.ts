import type { Advisory } from './osv.model';
import {
  keyOf,
  META_EPSS,
  META_KEV,
  META_LAST_IMPORT,
  type AdvisoryStore,
  type AffectedHit,
  type EcosystemCount,
  type Enrichment,
  type EnrichmentInfo,
  type EpssEntry,
  type KevEntry,
  type PackageKey,
  type StoreStatus,
} from './store';

/** Everything in maps: tests, benchmarks, and the base of the sql.js file store. */
export class MemoryAdvisoryStore implements AdvisoryStore {
  protected readonly advisories = new Map<string, Advisory>();
  /** key → advisory id → hits of that advisory under the key. */
  protected readonly index = new Map<string, Map<string, AffectedHit[]>>();
  protected kev = new Map<string, KevEntry>();
  protected epss = new Map<string, EpssEntry>();
  protected readonly meta = new Map<string, string>();

  async modifiedOf(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) {
      const a = this.advisories.get(id);
      if (a) out.set(id, a.modified);
    }
    return out;
  }

  async putAdvisories(batch: readonly Advisory[]): Promise<void> {
    for (const adv of batch) this.putOne(adv);
  }

  protected putOne(adv: Advisory): void {
    const old = this.advisories.get(adv.id);
    if (old) this.unindex(old);
    this.advisories.set(adv.id, adv);
    if (adv.withdrawn) return;
    for (const affected of adv.affected) {
      const key = keyOf({ ecosystem: affected.ecosystemKey, name: affected.nameKey });
      let byId = this.index.get(key);
      if (!byId) this.index.set(key, (byId = new Map()));
      const hits = byId.get(adv.id);
      if (hits) hits.push({ advisoryId: adv.id, affected });
      else byId.set(adv.id, [{ advisoryId: adv.id, affected }]);
    }
  }

  private unindex(adv: Advisory): void {
    for (const affected of adv.affected) {
      const key = keyOf({ ecosystem: affected.ecosystemKey, name: affected.nameKey });
      const byId = this.index.get(key);
      if (!byId) continue;
      byId.delete(adv.id);
      if (byId.size === 0) this.index.delete(key);
    }
  }

  async affectedFor(keys: readonly PackageKey[]): Promise<AffectedHit[]> {
    const out: AffectedHit[] = [];
    const seen = new Set<string>();
    for (const k of keys) {
      const key = keyOf(k);
      if (seen.has(key)) continue;
      seen.add(key);
      const byId = this.index.get(key);
      if (byId) for (const hits of byId.values()) out.push(...hits);
    }
    return out;
  }

  async getAdvisories(ids: readonly string[]): Promise<Advisory[]> {
    return ids.map((id) => this.advisories.get(id)).filter((a): a is Advisory => a !== undefined);
  }

  async replaceKev(entries: readonly KevEntry[], info: EnrichmentInfo): Promise<void> {
    this.kev = new Map(entries.map((e) => [e.cveId.toUpperCase(), e]));
    this.meta.set(META_KEV, JSON.stringify(info));
  }

  async replaceEpss(entries: readonly EpssEntry[], info: EnrichmentInfo): Promise<void> {
    this.epss = new Map(entries.map((e) => [e.cveId.toUpperCase(), e]));
    this.meta.set(META_EPSS, JSON.stringify(info));
  }

  async enrichment(cveIds: readonly string[]): Promise<Map<string, Enrichment>> {
    const out = new Map<string, Enrichment>();
    const epssDate = parseInfo(this.meta.get(META_EPSS)).date;
    for (const raw of cveIds) {
      const id = raw.toUpperCase();
      const kev = this.kev.get(id);
      const epss = this.epss.get(id);
      if (!kev && !epss) continue;
      const e: Enrichment = {};
      if (kev) e.kev = kev;
      if (epss) e.epss = epssDate ? { ...epss, date: epssDate } : epss;
      out.set(id, e);
    }
    return out;
  }

  async status(): Promise<StoreStatus> {
    let withdrawn = 0;
    let newest: string | undefined;
    const perEco = new Map<string, { advisories: Set<string>; packages: Set<string> }>();
    for (const a of this.advisories.values()) {
      if (!newest || a.modified > newest) newest = a.modified;
      if (a.withdrawn) {
        withdrawn++;
        continue;
      }
      for (const af of a.affected) {
        let e = perEco.get(af.ecosystemKey);
        if (!e) perEco.set(af.ecosystemKey, (e = { advisories: new Set(), packages: new Set() }));
        e.advisories.add(a.id);
        e.packages.add(af.nameKey);
      }
    }
    const ecosystems: EcosystemCount[] = [...perEco.entries()]
      .map(([ecosystem, e]) => ({ ecosystem, advisories: e.advisories.size, packages: e.packages.size }))
      .sort((x, y) => (x.ecosystem < y.ecosystem ? -1 : x.ecosystem > y.ecosystem ? 1 : 0));
    const status: StoreStatus = {
      advisories: this.advisories.size,
      withdrawn,
      ecosystems,
      kev: { entries: this.kev.size, ...parseInfo(this.meta.get(META_KEV)) },
      epss: { entries: this.epss.size, ...parseInfo(this.meta.get(META_EPSS)) },
    };
    if (newest) status.newestModified = newest;
    const last = this.meta.get(META_LAST_IMPORT);
    if (last) status.lastImport = last;
    return status;
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.meta.get(key);
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.meta.set(key, value);
  }
}

export function parseInfo(s: string | undefined): EnrichmentInfo {
  if (!s) return {};
  try {
    const v = JSON.parse(s) as EnrichmentInfo;
    const out: EnrichmentInfo = {};
    if (typeof v.version === 'string') out.version = v.version;
    if (typeof v.date === 'string') out.date = v.date;
    return out;
  } catch {
    return {};
  }
}
