import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ecosystemBase, ecosystemKey, nameKey } from './ecosystem';
import type { Advisory, AffectedPackage, OsvRecord, OsvSeverity, VendorStatus } from './osv.model';
import osvSchema from './schemas/osv.schema.json';
import { databaseSeverity, vendorSeverity } from './severity';

/** Longest `details` text kept (findings show a summary; the full text is one click away). */
export const MAX_DETAILS = 2000;
const MAX_REFERENCES = 20;

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats(ajv);
    validator = ajv.compile(osvSchema);
  }
  return validator;
}

export type OsvValidation = { ok: true; record: OsvRecord } | { ok: false; id?: string; errors: string[] };

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
}

/** Validates a parsed JSON value against the OSV JSON schema (draft 2020-12, formats checked). */
export function validateOsv(value: unknown): OsvValidation {
  const validate = compiled();
  if (validate(value)) return { ok: true, record: value as OsvRecord };
  const id = value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
  return { ok: false, id, errors: (validate.errors ?? []).slice(0, 5).map(describe) };
}

const WONT_FIX = new Set(['ignored', "won't fix", 'wont fix', 'will not fix', 'will_not_fix', 'wont-fix', 'wontfix', 'end-of-life']);

function statusOf(base: string, es: Record<string, unknown> | undefined, ds: Record<string, unknown> | undefined): VendorStatus | undefined {
  for (const bag of [es, ds]) {
    const s = bag?.status;
    if (typeof s === 'string' && WONT_FIX.has(s.trim().toLowerCase())) return 'wont-fix';
  }
  // Debian: "unimportant" issues are not fixed in released suites, and "end-of-life" packages
  // no longer get security support (security tracker urgency levels).
  if (base === 'Debian') {
    const u = es?.urgency ?? ds?.urgency;
    if (typeof u === 'string' && ['unimportant', 'end-of-life'].includes(u.trim().toLowerCase())) return 'wont-fix';
  }
  return undefined;
}

function severities(x: OsvSeverity[] | null | undefined): OsvSeverity[] {
  return (x ?? []).filter((s) => s && typeof s.type === 'string' && typeof s.score === 'string').map((s) => ({ type: s.type, score: s.score }));
}

/** The stored form of a valid OSV record. */
export function toAdvisory(record: OsvRecord): Advisory {
  const affected: AffectedPackage[] = [];
  for (const a of record.affected ?? []) {
    if (!a.package?.ecosystem || !a.package.name) continue;
    const { ecosystem, name, purl } = a.package;
    const base = ecosystemBase(ecosystem);
    const sev = severities(a.severity);
    const entry: AffectedPackage = {
      ecosystem,
      name,
      ecosystemKey: ecosystemKey(ecosystem),
      nameKey: nameKey(ecosystem, name),
      ranges: (a.ranges ?? []).filter((r) => r.type === 'SEMVER' || r.type === 'ECOSYSTEM').map((r) => ({ type: r.type as 'SEMVER' | 'ECOSYSTEM', events: r.events })),
      versions: a.versions ?? [],
      severity: sev,
    };
    if (purl) entry.purl = purl;
    const vs = vendorSeverity(base, a.ecosystem_specific, a.database_specific, sev);
    if (vs) entry.vendorSeverity = vs;
    const st = statusOf(base, a.ecosystem_specific, a.database_specific);
    if (st) entry.vendorStatus = st;
    // An entry with only GIT ranges and no versions can never match a package version.
    if (entry.ranges.length === 0 && entry.versions.length === 0) continue;
    affected.push(entry);
  }
  const adv: Advisory = {
    id: record.id,
    modified: record.modified,
    aliases: [...new Set(record.aliases ?? [])].filter((a) => a !== record.id),
    upstream: [...new Set(record.upstream ?? [])].filter((a) => a !== record.id),
    severity: severities(record.severity),
    references: (record.references ?? []).slice(0, MAX_REFERENCES).map((r) => ({ type: r.type, url: r.url })),
    affected,
  };
  if (record.published) adv.published = record.published;
  if (record.withdrawn) adv.withdrawn = record.withdrawn;
  if (record.summary) adv.summary = record.summary;
  if (record.details) adv.details = record.details.length > MAX_DETAILS ? `${record.details.slice(0, MAX_DETAILS)}…` : record.details;
  const ds = databaseSeverity(record.database_specific, record.id);
  if (ds) adv.databaseSeverity = ds;
  return adv;
}
