import { TrustError } from './errors';
import { isImageDigest } from './digest.util';

/** Predicate types this library writes and checks. */
export const PREDICATE_TYPES = {
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  vulnVerdictV1: 'https://lazaret.dev/attestations/vuln-verdict/v1',
} as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityCount {
  total: number;
  fixable: number;
}

export interface VulnFinding {
  /** Advisory id (CVE-…, GHSA-…, DSA-…). */
  id: string;
  severity: Severity;
  /** Package URL of the affected package. */
  package: string;
  installedVersion: string;
  /** The first fixed version, or null when no fix exists. */
  fixedVersion: string | null;
}

/** `https://lazaret.dev/attestations/vuln-verdict/v1`: the outcome of a vulnerability scan of one image. */
export interface VulnVerdictPredicate {
  scanner: { name: string; version: string };
  database?: { name?: string; updatedAt?: string };
  /** RFC 3339. */
  scannedAt: string;
  image: { digest: string };
  counts: Record<Severity, SeverityCount>;
  findings?: VulnFinding[];
  /** The scanner's own verdict under the policy it was run with (informative; trust policies judge `counts`). */
  verdict: 'pass' | 'fail';
  policy?: string;
}

const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const countSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['total', 'fixable'],
  properties: { total: { type: 'integer', minimum: 0 }, fixable: { type: 'integer', minimum: 0 } },
};

/** JSON Schema (draft 2020-12) of the vuln-verdict v1 predicate. */
export const VULN_VERDICT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://lazaret.dev/attestations/vuln-verdict/v1/schema.json',
  title: 'Lazaret vulnerability verdict v1',
  type: 'object',
  additionalProperties: false,
  required: ['scanner', 'scannedAt', 'image', 'counts', 'verdict'],
  properties: {
    scanner: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: { name: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string' }, updatedAt: { type: 'string', pattern: RFC3339 } },
    },
    scannedAt: { type: 'string', pattern: RFC3339 },
    image: {
      type: 'object',
      additionalProperties: false,
      required: ['digest'],
      properties: { digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } },
    },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: [...SEVERITIES],
      properties: Object.fromEntries(SEVERITIES.map((s) => [s, countSchema])),
    },
    findings: {
      type: 'array',
      maxItems: 100000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'severity', 'package', 'installedVersion', 'fixedVersion'],
        properties: {
          id: { type: 'string', minLength: 1 },
          severity: { enum: [...SEVERITIES] },
          package: { type: 'string', pattern: '^pkg:' },
          installedVersion: { type: 'string' },
          fixedVersion: { type: ['string', 'null'] },
        },
      },
    },
    verdict: { enum: ['pass', 'fail'] },
    policy: { type: 'string' },
  },
} as const;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], where: string, fail: (why: string) => never): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(`${where}: unknown field "${k}"`);
}

const RFC3339_RE = new RegExp(RFC3339);

/** Checks a vuln-verdict predicate (the schema above, plus counts agreeing with findings). Throws `invalid-predicate`. */
export function assertVulnVerdict(v: unknown): asserts v is VulnVerdictPredicate {
  const fail = (why: string): never => {
    throw new TrustError('invalid-predicate', `vuln-verdict predicate: ${why}`);
  };
  if (!isObj(v)) fail('not an object');
  const p = v as Record<string, unknown>;
  onlyKeys(p, ['scanner', 'database', 'scannedAt', 'image', 'counts', 'findings', 'verdict', 'policy'], 'predicate', fail);
  const scanner = p.scanner;
  if (!isObj(scanner) || typeof scanner.name !== 'string' || scanner.name === '' || typeof scanner.version !== 'string' || scanner.version === '') fail('scanner needs name and version');
  onlyKeys(scanner as Record<string, unknown>, ['name', 'version'], 'scanner', fail);
  if (p.database !== undefined) {
    if (!isObj(p.database)) fail('database must be an object');
    const db = p.database as Record<string, unknown>;
    onlyKeys(db, ['name', 'updatedAt'], 'database', fail);
    if (db.name !== undefined && typeof db.name !== 'string') fail('database.name must be a string');
    if (db.updatedAt !== undefined && (typeof db.updatedAt !== 'string' || !RFC3339_RE.test(db.updatedAt))) fail('database.updatedAt must be RFC 3339');
  }
  if (typeof p.scannedAt !== 'string' || !RFC3339_RE.test(p.scannedAt) || Number.isNaN(Date.parse(p.scannedAt))) fail('scannedAt must be an RFC 3339 time');
  if (!isObj(p.image) || !isImageDigest(p.image.digest) || !(p.image.digest as string).startsWith('sha256:')) fail('image.digest must be sha256:<hex>');
  onlyKeys(p.image as Record<string, unknown>, ['digest'], 'image', fail);
  if (!isObj(p.counts)) fail('counts must be an object');
  const counts = p.counts as Record<string, unknown>;
  onlyKeys(counts, SEVERITIES, 'counts', fail);
  for (const s of SEVERITIES) {
    const c = counts[s];
    if (!isObj(c) || !Number.isSafeInteger(c.total) || !Number.isSafeInteger(c.fixable) || (c.total as number) < 0 || (c.fixable as number) < 0) {
      fail(`counts.${s} needs non-negative integers total and fixable`);
    }
    onlyKeys(c as Record<string, unknown>, ['total', 'fixable'], `counts.${s}`, fail);
    if (((c as Record<string, number>).fixable) > ((c as Record<string, number>).total)) fail(`counts.${s}.fixable exceeds total`);
  }
  if (p.verdict !== 'pass' && p.verdict !== 'fail') fail('verdict must be "pass" or "fail"');
  if (p.policy !== undefined && typeof p.policy !== 'string') fail('policy must be a string');
  if (p.findings !== undefined) {
    if (!Array.isArray(p.findings)) fail('findings must be an array');
    const tally = Object.fromEntries(SEVERITIES.map((s) => [s, { total: 0, fixable: 0 }])) as Record<Severity, SeverityCount>;
    for (const [i, f] of (p.findings as unknown[]).entries()) {
      if (!isObj(f)) fail(`findings[${i}] is not an object`);
      const x = f as Record<string, unknown>;
      onlyKeys(x, ['id', 'severity', 'package', 'installedVersion', 'fixedVersion'], `findings[${i}]`, fail);
      if (typeof x.id !== 'string' || x.id === '') fail(`findings[${i}].id is missing`);
      if (!SEVERITIES.includes(x.severity as Severity)) fail(`findings[${i}].severity is not one of ${SEVERITIES.join(', ')}`);
      if (typeof x.package !== 'string' || !x.package.startsWith('pkg:')) fail(`findings[${i}].package must be a purl`);
      if (typeof x.installedVersion !== 'string') fail(`findings[${i}].installedVersion must be a string`);
      if (x.fixedVersion !== null && typeof x.fixedVersion !== 'string') fail(`findings[${i}].fixedVersion must be a string or null`);
      const t = tally[x.severity as Severity];
      t.total++;
      if (typeof x.fixedVersion === 'string') t.fixable++;
    }
    for (const s of SEVERITIES) {
      const c = counts[s] as unknown as SeverityCount;
      if (c.total !== tally[s].total || c.fixable !== tally[s].fixable) fail(`counts.${s} (${c.total}/${c.fixable}) disagree with findings (${tally[s].total}/${tally[s].fixable})`);
    }
  }
}

/** Builds a verdict predicate from findings (counts are computed, never passed in). */
export function vulnVerdict(input: {
  imageDigest: string;
  scanner: { name: string; version: string };
  scannedAt: Date | string;
  findings: VulnFinding[];
  verdict: 'pass' | 'fail';
  database?: { name?: string; updatedAt?: string };
  policy?: string;
  includeFindings?: boolean;
}): VulnVerdictPredicate {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, { total: 0, fixable: 0 }])) as Record<Severity, SeverityCount>;
  for (const f of input.findings) {
    const c = counts[f.severity];
    if (!c) throw new TrustError('invalid-predicate', `finding ${f.id}: unknown severity ${String(f.severity)}`);
    c.total++;
    if (f.fixedVersion !== null) c.fixable++;
  }
  const out: VulnVerdictPredicate = {
    scanner: { name: input.scanner.name, version: input.scanner.version },
    scannedAt: input.scannedAt instanceof Date ? input.scannedAt.toISOString() : input.scannedAt,
    image: { digest: input.imageDigest },
    counts,
    verdict: input.verdict,
  };
  if (input.database) out.database = { ...input.database };
  if (input.policy !== undefined) out.policy = input.policy;
  if (input.includeFindings !== false) out.findings = input.findings.map((f) => ({ ...f }));
  assertVulnVerdict(out);
  return out;
}

/** Minimal structural checks of SLSA provenance v1 (https://slsa.dev/spec/v1.0/provenance). Throws `invalid-predicate`. */
export function assertSlsaProvenanceV1(v: unknown): void {
  const fail = (why: string): never => {
    throw new TrustError('invalid-predicate', `SLSA provenance v1: ${why}`);
  };
  if (!isObj(v)) fail('not an object');
  const p = v as Record<string, unknown>;
  const bd = p.buildDefinition;
  if (!isObj(bd)) fail('buildDefinition is required');
  if (typeof (bd as Record<string, unknown>).buildType !== 'string' || (bd as Record<string, unknown>).buildType === '') fail('buildDefinition.buildType must be a URI');
  if (!isObj((bd as Record<string, unknown>).externalParameters)) fail('buildDefinition.externalParameters must be an object');
  const rd = p.runDetails;
  if (!isObj(rd) || !isObj((rd as Record<string, unknown>).builder) || typeof ((rd as Record<string, Record<string, unknown>>).builder.id) !== 'string') {
    fail('runDetails.builder.id is required');
  }
  const deps = (bd as Record<string, unknown>).resolvedDependencies;
  if (deps !== undefined && !Array.isArray(deps)) fail('buildDefinition.resolvedDependencies must be an array');
}

/** A CycloneDX JSON document as an attestation predicate. Throws `invalid-predicate`. */
export function assertCycloneDx(v: unknown): void {
  if (!isObj(v) || v.bomFormat !== 'CycloneDX' || typeof v.specVersion !== 'string') {
    throw new TrustError('invalid-predicate', 'CycloneDX predicate must be a CycloneDX JSON document (bomFormat, specVersion)');
  }
}

/** Checks a predicate of a known type; unknown types pass unchanged. */
export function assertKnownPredicate(predicateType: string, predicate: unknown): void {
  if (predicateType === PREDICATE_TYPES.vulnVerdictV1) assertVulnVerdict(predicate);
  else if (predicateType === PREDICATE_TYPES.slsaProvenanceV1) assertSlsaProvenanceV1(predicate);
  else if (predicateType === PREDICATE_TYPES.cyclonedx) assertCycloneDx(predicate);
}
