import { createHash } from 'node:crypto';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { TrustError } from './errors';
import { compileImagePattern, type ImagePattern } from './image-pattern.matcher';
import { KeyRing, trustedKey, type TrustedKey, type TrustedKeyInput } from './key-ring';
import { SEVERITIES, type Severity } from './predicates';

/**
 * Trust policies, as YAML or JSON (JSON is parsed by the same YAML 1.2 parser, so its errors
 * carry lines too):
 *
 * ```yaml
 * apiVersion: lazaret.dev/v1
 * kind: TrustPolicy
 * defaultAction: deny            # images no rule matches: deny (default) or allow
 * keys:
 *   - id: release-2025
 *     publicKey: |
 *       -----BEGIN PUBLIC KEY-----
 *       ...
 *     notBefore: 2025-01-01T00:00:00Z
 *     revokedAt: 2025-06-01T00:00:00Z     # optional; expiresAt too
 *   - id: lazaret-tsa
 *     usage: timestamp
 *     publicKey: ...
 * rules:                          # first matching rule wins
 *   - name: production
 *     images: [registry.example.com/prod/**]
 *     mode: enforce               # or warn: violations become warnings, the image is admitted
 *     signatures:
 *       keys: [release-2025]      # key ids or PEMs
 *       require: all              # all (default) | any | a number
 *     attestations:               # predicate types that must be present, signed by the rule's keys
 *       - https://slsa.dev/provenance/v1
 *     vulnerabilities:            # judged on the newest verified vuln-verdict attestation
 *       maxAgeHours: 168
 *       limits:
 *         critical: { fixable: 0 }
 *         high: { total: 10 }
 * ```
 */

export interface PolicyIssue {
  line: number;
  column: number;
  path: string;
  message: string;
}

export class PolicyError extends TrustError {
  constructor(
    message: string,
    readonly issues: PolicyIssue[],
  ) {
    super('policy-invalid', message);
  }
}

export interface AttestationRequirement {
  predicateType: string;
  /** Keys that may sign it; empty = the rule's signature keys, or any key of the ring when none. */
  keys: TrustedKey[];
}

export interface VulnerabilityRequirement {
  maxAgeHours?: number;
  limits: Partial<Record<Severity, { total?: number; fixable?: number }>>;
}

export interface PolicyRule {
  name: string;
  images: ImagePattern[];
  mode: 'enforce' | 'warn';
  signatures?: { keys: TrustedKey[]; require: 'all' | 'any' | number };
  attestations: AttestationRequirement[];
  vulnerabilities?: VulnerabilityRequirement;
}

export interface TrustPolicy {
  defaultAction: 'allow' | 'deny';
  keys: KeyRing;
  rules: PolicyRule[];
  /** SHA-256 of the source text: part of decision cache keys. */
  fingerprint: string;
  source?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Checker {
  readonly issues: PolicyIssue[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: (string | number)[], message: string): void {
    type Located = { range?: [number, number, number] } | undefined;
    const nodeAt = (p: (string | number)[]): Located => (p.length ? this.doc.getIn(p, true) : this.doc.contents) as Located;
    // Point at the closest existing ancestor when the field itself is missing.
    let p = path;
    let node = nodeAt(p);
    while ((!node || !node.range) && p.length > 0) {
      p = p.slice(0, -1);
      node = nodeAt(p);
    }
    const pos = node?.range ? this.lines.linePos(node.range[0]) : { line: 1, col: 1 };
    this.issues.push({ line: pos.line, column: pos.col, path: formatPath(path), message });
  }
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(document)';
}

function isObj(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(c: Checker, v: { [k: string]: Json }, allowed: string[], path: (string | number)[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) c.at([...path, k], `unknown field "${k}" (allowed: ${allowed.join(', ')})`);
}

function dateField(c: Checker, v: Json | undefined, path: (string | number)[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v)) {
    c.at(path, 'must be an RFC 3339 date-time (e.g. 2025-01-01T00:00:00Z)');
    return undefined;
  }
  return v;
}

/** Parses and checks a policy. Every problem is reported with its line; nothing partial is returned. */
export function loadTrustPolicy(text: string, options: { filename?: string } = {}): TrustPolicy {
  const name = options.filename ?? 'policy';
  if (typeof text !== 'string') throw new PolicyError(`${name}: policy text must be a string`, []);
  if (name.endsWith('.json') || /^\s*[{[]/.test(text)) {
    // JSON is parsed strictly first (the YAML parser would forgive e.g. trailing commas).
    try {
      JSON.parse(text);
    } catch (err) {
      const at = /position (\d+)/.exec((err as Error).message);
      const offset = at ? Number(at[1]) : text.length;
      const before = text.slice(0, offset).split('\n');
      const issue = { line: before.length, column: before[before.length - 1].length + 1, path: '(syntax)', message: `invalid JSON: ${(err as Error).message.replace(/ in JSON at position.*$/, '')}` };
      throw fail(name, [issue]);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const c = new Checker(doc, lines);
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    c.issues.push({ line: pos.line, column: pos.col, path: '(syntax)', message: e.message.split('\n')[0] });
  }
  if (c.issues.length) throw fail(name, c.issues);
  for (const w of doc.warnings) c.issues.push({ line: lines.linePos(w.pos[0]).line, column: lines.linePos(w.pos[0]).col, path: '(syntax)', message: w.message.split('\n')[0] });
  if (c.issues.length) throw fail(name, c.issues);
  if (!isMap(doc.contents)) {
    c.at([], 'a policy must be a mapping with keys and rules');
    throw fail(name, c.issues);
  }
  const root = doc.toJS({ maxAliasCount: 0 }) as Json;
  if (!isObj(root)) throw fail(name, [{ line: 1, column: 1, path: '(document)', message: 'not a mapping' }]);
  unknownKeys(c, root, ['apiVersion', 'kind', 'defaultAction', 'keys', 'rules'], []);
  if (root.apiVersion !== undefined && root.apiVersion !== 'lazaret.dev/v1') c.at(['apiVersion'], 'must be lazaret.dev/v1');
  if (root.kind !== undefined && root.kind !== 'TrustPolicy') c.at(['kind'], 'must be TrustPolicy');
  const defaultAction = root.defaultAction ?? 'deny';
  if (defaultAction !== 'deny' && defaultAction !== 'allow') c.at(['defaultAction'], 'must be deny or allow');

  const ring = new KeyRing();
  if (root.keys !== undefined && !Array.isArray(root.keys)) c.at(['keys'], 'must be a list of keys');
  for (const [i, k] of (Array.isArray(root.keys) ? root.keys : []).entries()) {
    const path = ['keys', i];
    if (!isObj(k)) {
      c.at(path, 'a key must be a mapping with id and publicKey');
      continue;
    }
    unknownKeys(c, k, ['id', 'publicKey', 'notBefore', 'expiresAt', 'revokedAt', 'usage'], path);
    if (typeof k.id !== 'string' || k.id === '') c.at([...path, 'id'], 'id is required');
    if (typeof k.publicKey !== 'string' || !k.publicKey.includes('-----BEGIN')) {
      c.at([...path, 'publicKey'], 'publicKey must be a PEM public key');
      continue;
    }
    if (k.usage !== undefined && k.usage !== 'signing' && k.usage !== 'timestamp') c.at([...path, 'usage'], 'must be signing or timestamp');
    const input: TrustedKeyInput = { publicKey: k.publicKey };
    if (typeof k.id === 'string' && k.id !== '') input.id = k.id;
    const notBefore = dateField(c, k.notBefore, [...path, 'notBefore']);
    const expiresAt = dateField(c, k.expiresAt, [...path, 'expiresAt']);
    const revokedAt = dateField(c, k.revokedAt, [...path, 'revokedAt']);
    if (notBefore) input.notBefore = notBefore;
    if (expiresAt) input.expiresAt = expiresAt;
    if (revokedAt) input.revokedAt = revokedAt;
    if (k.usage === 'timestamp') input.usage = 'timestamp';
    try {
      ring.add(trustedKey(input));
    } catch (err) {
      c.at([...path, 'publicKey'], (err as Error).message);
    }
  }

  const resolveKey = (ref: Json, path: (string | number)[]): TrustedKey | undefined => {
    if (typeof ref !== 'string' || ref === '') {
      c.at(path, 'a key reference must be a key id or a PEM public key');
      return undefined;
    }
    const found = ring.find(ref);
    if (found) {
      if (found.usage !== 'signing') c.at(path, `key ${found.id} is a timestamp key, not a signing key`);
      return found;
    }
    if (ref.includes('-----BEGIN')) {
      try {
        return ring.add(trustedKey({ publicKey: ref }));
      } catch (err) {
        c.at(path, (err as Error).message);
        return undefined;
      }
    }
    c.at(path, `unknown key id "${ref}" (define it under keys)`);
    return undefined;
  };

  const rules: PolicyRule[] = [];
  if (!Array.isArray(root.rules)) c.at(['rules'], 'rules must be a list');
  const names = new Set<string>();
  for (const [i, r] of (Array.isArray(root.rules) ? root.rules : []).entries()) {
    const path = ['rules', i];
    if (!isObj(r)) {
      c.at(path, 'a rule must be a mapping');
      continue;
    }
    unknownKeys(c, r, ['name', 'images', 'mode', 'signatures', 'attestations', 'vulnerabilities'], path);
    const rule: PolicyRule = { name: typeof r.name === 'string' && r.name ? r.name : `rule ${i + 1}`, images: [], mode: 'enforce', attestations: [] };
    if (r.name !== undefined && (typeof r.name !== 'string' || r.name === '')) c.at([...path, 'name'], 'name must be a non-empty string');
    if (names.has(rule.name)) c.at([...path, 'name'], `duplicate rule name "${rule.name}"`);
    names.add(rule.name);
    if (!Array.isArray(r.images) || r.images.length === 0) c.at([...path, 'images'], 'images must be a non-empty list of registry/repository patterns');
    for (const [j, p] of (Array.isArray(r.images) ? r.images : []).entries()) {
      try {
        rule.images.push(compileImagePattern(p as string));
      } catch (err) {
        c.at([...path, 'images', j], (err as Error).message);
      }
    }
    if (r.mode !== undefined && r.mode !== 'enforce' && r.mode !== 'warn') c.at([...path, 'mode'], 'mode must be enforce or warn');
    if (r.mode === 'warn') rule.mode = 'warn';
    if (r.signatures !== undefined) {
      const sp = [...path, 'signatures'];
      if (!isObj(r.signatures)) c.at(sp, 'signatures must be a mapping with keys');
      else {
        unknownKeys(c, r.signatures, ['keys', 'require'], sp);
        const keys: TrustedKey[] = [];
        if (!Array.isArray(r.signatures.keys) || r.signatures.keys.length === 0) c.at([...sp, 'keys'], 'keys must be a non-empty list of key ids or PEMs');
        for (const [j, k] of (Array.isArray(r.signatures.keys) ? r.signatures.keys : []).entries()) {
          const key = resolveKey(k, [...sp, 'keys', j]);
          if (key && !keys.includes(key)) keys.push(key);
        }
        const req = r.signatures.require ?? 'all';
        if (req !== 'all' && req !== 'any' && !(typeof req === 'number' && Number.isInteger(req) && req >= 1)) c.at([...sp, 'require'], 'require must be all, any or a positive integer');
        else if (typeof req === 'number' && req > keys.length) c.at([...sp, 'require'], `require ${req} exceeds the ${keys.length} keys listed`);
        rule.signatures = { keys, require: req as 'all' | 'any' | number };
      }
    }
    if (r.attestations !== undefined) {
      if (!Array.isArray(r.attestations)) c.at([...path, 'attestations'], 'attestations must be a list of predicate types');
      for (const [j, a] of (Array.isArray(r.attestations) ? r.attestations : []).entries()) {
        const ap = [...path, 'attestations', j];
        const entry = typeof a === 'string' ? { predicateType: a } : a;
        if (!isObj(entry) || typeof entry.predicateType !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(entry.predicateType)) {
          c.at(ap, 'an attestation requirement is a predicate type URI or {predicateType, keys}');
          continue;
        }
        if (typeof a !== 'string') unknownKeys(c, entry, ['predicateType', 'keys'], ap);
        const keys: TrustedKey[] = [];
        if (entry.keys !== undefined) {
          if (!Array.isArray(entry.keys)) c.at([...ap, 'keys'], 'keys must be a list');
          for (const [k, ref] of (Array.isArray(entry.keys) ? entry.keys : []).entries()) {
            const key = resolveKey(ref, [...ap, 'keys', k]);
            if (key) keys.push(key);
          }
        }
        rule.attestations.push({ predicateType: entry.predicateType, keys });
      }
    }
    if (r.vulnerabilities !== undefined) {
      const vp = [...path, 'vulnerabilities'];
      if (!isObj(r.vulnerabilities)) c.at(vp, 'vulnerabilities must be a mapping');
      else {
        const v = r.vulnerabilities;
        unknownKeys(c, v, ['maxAgeHours', 'limits'], vp);
        const req: VulnerabilityRequirement = { limits: {} };
        if (v.maxAgeHours !== undefined) {
          if (typeof v.maxAgeHours !== 'number' || !(v.maxAgeHours > 0)) c.at([...vp, 'maxAgeHours'], 'maxAgeHours must be a positive number');
          else req.maxAgeHours = v.maxAgeHours;
        }
        if (v.limits !== undefined && !isObj(v.limits)) c.at([...vp, 'limits'], 'limits must map severities to {total, fixable}');
        for (const [sev, lim] of Object.entries(isObj(v.limits) ? v.limits : {})) {
          const lp = [...vp, 'limits', sev];
          if (!SEVERITIES.includes(sev as Severity)) {
            c.at(lp, `unknown severity "${sev}" (${SEVERITIES.join(', ')})`);
            continue;
          }
          if (!isObj(lim)) {
            c.at(lp, 'a limit is a mapping {total?, fixable?}');
            continue;
          }
          unknownKeys(c, lim, ['total', 'fixable'], lp);
          const out: { total?: number; fixable?: number } = {};
          for (const f of ['total', 'fixable'] as const) {
            if (lim[f] === undefined) continue;
            if (typeof lim[f] !== 'number' || !Number.isInteger(lim[f]) || (lim[f] as number) < 0) c.at([...lp, f], `${f} must be a non-negative integer`);
            else out[f] = lim[f] as number;
          }
          if (out.total === undefined && out.fixable === undefined) c.at(lp, 'a limit needs total or fixable');
          req.limits[sev as Severity] = out;
        }
        rule.vulnerabilities = req;
      }
    }
    if (!rule.signatures && rule.attestations.length === 0 && !rule.vulnerabilities) {
      c.at(path, 'a rule must require signatures, attestations or vulnerability limits (an empty rule would admit anything)');
    }
    rules.push(rule);
  }
  if (c.issues.length) throw fail(name, c.issues);
  const policy: TrustPolicy = {
    defaultAction: defaultAction as 'allow' | 'deny',
    keys: ring,
    rules,
    fingerprint: createHash('sha256').update(text).digest('hex'),
  };
  if (options.filename) policy.source = options.filename;
  return policy;
}

function fail(name: string, issues: PolicyIssue[]): PolicyError {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = sorted.map((i) => `${name}:${i.line}:${i.column}: ${i.path}: ${i.message}`);
  return new PolicyError(`invalid trust policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, sorted);
}

