import type { OsRelease, Package, PackageLocation } from '@lazaret/scanner';
import { getComparator, isAffected, VersionError, type OsvEvent, type VersionComparator } from '@lazaret/versions';
import { packageQuery, type PackageQuery } from './ecosystem';
import type { Advisory, AffectedPackage } from './osv.model';
import { primaryCvss, ratingRank, scoreCvss, type CvssScore, type Rating, type VendorSeverity } from './severity';
import type { AdvisoryStore, AffectedHit, EpssEntry, KevEntry } from './store';
import { keyOf } from './store';

/** `fixed`: a fixed version exists; `unfixed`: no fix yet; `wont-fix`: the distribution says it will not fix. */
export type FindingState = 'fixed' | 'unfixed' | 'wont-fix';

export interface FindingPackage {
  name: string;
  version: string;
  type: Package['type'];
  purl: string;
  /** Ecosystem key the package was matched in (`Debian:12`, `npm`). */
  ecosystem: string;
  /** The name and version compared with the advisories (source package and version for deb). */
  matchedName: string;
  matchedVersion: string;
}

export interface Finding {
  /** The CVE id when the merged advisories have one, else the first advisory id. */
  id: string;
  /** Every other id of the same vulnerability (GHSA, DSA/DLA, DEBIAN-CVE, ALSA, ...). */
  aliases: string[];
  /** The advisory records that matched (the sources). */
  advisories: string[];
  summary?: string;
  package: FindingPackage;
  installedVersion: string;
  /** Fixed versions above the installed one, lowest first. */
  fixedVersions: string[];
  fixAvailable: boolean;
  state: FindingState;
  severity: Rating;
  /** Where `severity` comes from: `debian`, `ubuntu`, `cvss:3.1`, `ghsa`, ... */
  severitySource: string;
  /** The primary CVSS base score, when a vector was given. */
  score?: number;
  cvss: CvssScore[];
  vendorSeverity?: VendorSeverity;
  kev?: KevEntry;
  epss?: EpssEntry & { date?: string };
  layerDigest?: string;
  locations: PackageLocation[];
  references: string[];
  published?: string;
  modified?: string;
}

/** A package the matcher could not judge for some advisories: never silently "not affected". */
export interface UnknownOrdering {
  package: { name: string; version: string; type: Package['type']; purl: string };
  ecosystem: string;
  version: string;
  reason: string;
  advisories: string[];
}

export interface MatchResult {
  findings: Finding[];
  unknownOrdering: UnknownOrdering[];
  /** Packages that were not looked up, and why (e.g. OS packages on an OS we cannot name). */
  skipped: { package: { name: string; version: string; type: Package['type']; purl: string }; reason: string }[];
  stats: { packages: number; queried: number; candidates: number; findings: number };
}

export interface MatchInput {
  packages: readonly Package[];
  os?: OsRelease;
}

interface Verdict {
  affected: boolean;
  fixed: string[];
  fixExists: boolean;
  error?: string;
}

const SEMVER = getComparator('SEMVER');

function pkgRef(p: Package) {
  return { name: p.name, version: p.version, type: p.type, purl: p.purl };
}

function safeCompare(c: VersionComparator, a: string, b: string): number | undefined {
  try {
    return c.compare(a, b);
  } catch {
    return undefined;
  }
}

/** Evaluates one affected entry for one version, following the OSV schema's evaluation. */
export function evaluateAffected(affected: AffectedPackage, version: string): Verdict {
  const verdict: Verdict = { affected: false, fixed: [], fixExists: false };
  const eco = getComparator(affected.ecosystem);
  if (affected.versions.includes(version)) verdict.affected = true;
  for (const range of affected.ranges) {
    const comparator = range.type === 'SEMVER' ? SEMVER : eco;
    if (!comparator) {
      verdict.error ??= `no version ordering for ecosystem ${affected.ecosystem}`;
      continue;
    }
    let hit: boolean;
    try {
      hit = isAffected(comparator, version, range.events);
    } catch (err) {
      verdict.error ??= err instanceof VersionError ? err.message : String(err);
      continue;
    }
    if (!hit) continue;
    verdict.affected = true;
    for (const e of range.events as OsvEvent[]) {
      if (e.fixed !== undefined && (safeCompare(comparator, e.fixed, version) ?? 0) > 0) {
        verdict.fixed.push(e.fixed);
        verdict.fixExists = true;
      }
      if (e.last_affected !== undefined) verdict.fixExists = true;
    }
  }
  if (!verdict.affected && affected.versions.length > 0 && eco) {
    // `versions` lists the ecosystem's spelling; an equal version spelled differently counts.
    if (affected.versions.some((v) => safeCompare(eco, v, version) === 0)) verdict.affected = true;
  }
  return verdict;
}

/** Union-find over vulnerability identifiers. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    if (!this.parent.has(x)) {
      this.parent.set(x, x);
      return x;
    }
    let root = x;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    for (let c = x; c !== root; ) {
      const next = this.parent.get(c)!;
      this.parent.set(c, root);
      c = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

/** Ids an advisory is the same vulnerability as: its aliases, and its upstream id when it has exactly one. */
function sameAs(a: Advisory): string[] {
  return [...a.aliases, ...(a.upstream.length === 1 ? a.upstream : [])];
}

function primaryId(ids: readonly string[]): string {
  const sorted = [...ids].sort();
  return sorted.find((i) => i.startsWith('CVE-')) ?? sorted.find((i) => i.startsWith('GHSA-')) ?? sorted[0]!;
}

interface PackageMatch {
  pkg: Package;
  query: PackageQuery;
  hits: { hit: AffectedHit; verdict: Verdict }[];
}

/**
 * Matches packages (from an image catalog or an SBOM) against the store. Distribution packages
 * are matched by source package within the image's release; language packages by ecosystem
 * and normalised name. Advisories that are aliases of each other become one finding per package.
 */
export async function matchPackages(store: AdvisoryStore, input: MatchInput): Promise<MatchResult> {
  const skipped: MatchResult['skipped'] = [];
  const queries: { pkg: Package; query: PackageQuery }[] = [];
  for (const pkg of input.packages) {
    const q = packageQuery(pkg, input.os);
    if ('skip' in q) {
      skipped.push({ package: pkgRef(pkg), reason: q.skip });
      continue;
    }
    queries.push({ pkg, query: q });
  }
  const keys = new Map<string, { ecosystem: string; name: string }>();
  for (const { query } of queries) for (const name of query.names) keys.set(keyOf({ ecosystem: query.ecosystem, name }), { ecosystem: query.ecosystem, name });
  const hits = await store.affectedFor([...keys.values()]);
  const byKey = new Map<string, AffectedHit[]>();
  for (const h of hits) {
    const k = keyOf({ ecosystem: h.affected.ecosystemKey, name: h.affected.nameKey });
    const list = byKey.get(k);
    if (list) list.push(h);
    else byKey.set(k, [h]);
  }

  const unknownOrdering: UnknownOrdering[] = [];
  const matches: PackageMatch[] = [];
  const matchedIds = new Set<string>();
  for (const { pkg, query } of queries) {
    const m: PackageMatch = { pkg, query, hits: [] };
    const unknown: { reason: string; ids: Set<string> } = { reason: '', ids: new Set() };
    const seen = new Set<AffectedHit>();
    for (const name of query.names) {
      for (const hit of byKey.get(keyOf({ ecosystem: query.ecosystem, name })) ?? []) {
        if (seen.has(hit)) continue;
        seen.add(hit);
        const verdict = evaluateAffected(hit.affected, query.version);
        if (verdict.affected) {
          m.hits.push({ hit, verdict });
          matchedIds.add(hit.advisoryId);
        } else if (verdict.error) {
          unknown.reason ||= verdict.error;
          unknown.ids.add(hit.advisoryId);
        }
      }
    }
    if (unknown.ids.size) {
      unknownOrdering.push({ package: pkgRef(pkg), ecosystem: query.ecosystem, version: query.version, reason: unknown.reason, advisories: [...unknown.ids].sort() });
    }
    if (m.hits.length) matches.push(m);
  }

  const advisories = new Map((await store.getAdvisories([...matchedIds])).map((a) => [a.id, a]));
  const findings: Finding[] = [];
  const cveIds = new Set<string>();
  for (const m of matches) {
    const groups = new Groups();
    for (const { hit } of m.hits) {
      const adv = advisories.get(hit.advisoryId);
      groups.find(hit.advisoryId);
      if (adv) for (const other of sameAs(adv)) groups.union(hit.advisoryId, other);
    }
    const byRoot = new Map<string, { hit: AffectedHit; verdict: Verdict }[]>();
    for (const h of m.hits) {
      const r = groups.find(h.hit.advisoryId);
      const list = byRoot.get(r);
      if (list) list.push(h);
      else byRoot.set(r, [h]);
    }
    for (const group of byRoot.values()) {
      const f = buildFinding(m, group, advisories);
      for (const id of [f.id, ...f.aliases]) if (id.startsWith('CVE-')) cveIds.add(id);
      findings.push(f);
    }
  }

  if (cveIds.size) {
    const enrich = await store.enrichment([...cveIds]);
    for (const f of findings) {
      for (const id of [f.id, ...f.aliases]) {
        const e = enrich.get(id.toUpperCase());
        if (!e) continue;
        if (e.kev && !f.kev) f.kev = e.kev;
        if (e.epss && (!f.epss || e.epss.score > f.epss.score)) f.epss = e.epss;
      }
    }
  }

  findings.sort((a, b) => ratingRank(b.severity) - ratingRank(a.severity) || (b.score ?? -1) - (a.score ?? -1) || a.id.localeCompare(b.id) || a.package.name.localeCompare(b.package.name) || a.package.purl.localeCompare(b.package.purl));
  return { findings, unknownOrdering, skipped, stats: { packages: input.packages.length, queried: queries.length, candidates: hits.length, findings: findings.length } };
}

function buildFinding(m: PackageMatch, group: { hit: AffectedHit; verdict: Verdict }[], advisories: Map<string, Advisory>): Finding {
  const ids = new Set<string>();
  const advisoryIds = new Set<string>();
  const cvss = new Map<string, CvssScore>();
  const fixed = new Set<string>();
  const references = new Set<string>();
  let fixExists = false;
  let wontFix = false;
  let vendor: VendorSeverity | undefined;
  let dbSeverity: VendorSeverity | undefined;
  let summary: string | undefined;
  let published: string | undefined;
  let modified: string | undefined;
  for (const { hit, verdict } of group) {
    const adv = advisories.get(hit.advisoryId);
    advisoryIds.add(hit.advisoryId);
    ids.add(hit.advisoryId);
    if (verdict.fixExists) fixExists = true;
    for (const v of verdict.fixed) fixed.add(v);
    if (hit.affected.vendorStatus === 'wont-fix') wontFix = true;
    if (hit.affected.vendorSeverity && (!vendor || ratingRank(hit.affected.vendorSeverity.rating) > ratingRank(vendor.rating))) vendor = hit.affected.vendorSeverity;
    for (const s of [...hit.affected.severity, ...(adv?.severity ?? [])]) {
      const scored = scoreCvss(s.score);
      if (scored) cvss.set(scored.vector, scored);
    }
    if (!adv) continue;
    for (const a of sameAs(adv)) ids.add(a);
    if (adv.databaseSeverity && (!dbSeverity || ratingRank(adv.databaseSeverity.rating) > ratingRank(dbSeverity.rating))) dbSeverity = adv.databaseSeverity;
    summary ??= adv.summary ?? (adv.details ? adv.details.split('\n')[0]!.slice(0, 200) : undefined);
    if (adv.published && (!published || adv.published < published)) published = adv.published;
    if (!modified || adv.modified > modified) modified = adv.modified;
    for (const r of adv.references) if (references.size < 10) references.add(r.url);
  }
  const id = primaryId([...ids]);
  const comparator = getComparator(m.query.ecosystem);
  const fixedVersions = [...fixed].sort((a, b) => (comparator ? (safeCompare(comparator, a, b) ?? a.localeCompare(b)) : a.localeCompare(b)));
  const scores = [...cvss.values()].sort((a, b) => b.version.localeCompare(a.version) || b.score - a.score);
  const primary = primaryCvss(scores);
  const isOs = m.pkg.type === 'deb' || m.pkg.type === 'apk' || m.pkg.type === 'rpm';
  let severity: Rating = 'unknown';
  let severitySource = 'none';
  // A distribution rates the issue for its own build and configuration: for its packages that
  // rating wins over the generic CVSS score (which is still shown).
  if (isOs && vendor && vendor.rating !== 'unknown') {
    severity = vendor.rating;
    severitySource = vendor.source;
  } else if (primary) {
    severity = primary.rating;
    severitySource = `cvss:${primary.version}`;
  } else if (dbSeverity) {
    severity = dbSeverity.rating;
    severitySource = dbSeverity.source;
  } else if (vendor) {
    severity = vendor.rating;
    severitySource = vendor.source;
  }
  const finding: Finding = {
    id,
    aliases: [...ids].filter((x) => x !== id).sort(),
    advisories: [...advisoryIds].sort(),
    package: {
      name: m.pkg.name,
      version: m.pkg.version,
      type: m.pkg.type,
      purl: m.pkg.purl,
      ecosystem: m.query.ecosystem,
      matchedName: m.query.names.length === 1 ? m.query.names[0]! : group[0]!.hit.affected.name,
      matchedVersion: m.query.version,
    },
    installedVersion: m.pkg.version,
    fixedVersions,
    fixAvailable: fixExists,
    state: fixExists ? 'fixed' : wontFix ? 'wont-fix' : 'unfixed',
    severity,
    severitySource,
    cvss: scores,
    locations: m.pkg.locations,
    references: [...references],
  };
  if (primary) finding.score = primary.score;
  if (vendor) finding.vendorSeverity = vendor;
  if (summary) finding.summary = summary;
  if (m.pkg.layerDigest) finding.layerDigest = m.pkg.layerDigest;
  if (published) finding.published = published;
  if (modified) finding.modified = modified;
  return finding;
}
