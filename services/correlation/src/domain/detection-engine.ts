import type { Actor, AlertSeverity, AuditRecord } from '@lazaret/contracts';
import { CorrelationError } from './correlation-error';
import { MATURITIES, type Maturity, type RecordMatch, type RuleDefinition } from './detection-rules';
import { compileRepositoryGlob, type RepositoryGlob } from './image-repository';
import { parseSigningWindow, type SigningWindow } from './signing-window';

/** One audit record as the engine sees it: the envelope's facts and the repositories it touches. */
export interface Observation {
  /** The audit record's envelope id. */
  id: string;
  tenant: string;
  /** Event time (the envelope's `occurredAt`): windows are counted on it, so replays decide the same. */
  occurredAt: Date;
  record: AuditRecord;
  /** Named by the record, or resolved from its digests. */
  repositories: string[];
}

export interface AlertEvidence {
  auditRecordIds: string[];
  count: number;
  threshold?: number;
  windowSeconds?: number;
  details?: Record<string, string | number | boolean | null>;
}

/** What a rule decided about one record; the application turns it into an alert (or counts a repeat). */
export interface Detection {
  ruleId: string;
  ruleVersion: number;
  severity: AlertSeverity;
  title: string;
  description: string;
  /** What alerts are de-duplicated on, with the rule id: e.g. `principal:<id>` or `ip:10.0.0.1`. */
  subjectKey: string;
  dedupeSeconds: number;
  tenant: string;
  actor: Actor;
  resource?: { type: string; id: string };
  evidence: AlertEvidence;
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * The state rules need, kept outside the engine (Postgres in the service, memory in tests).
 * Calls for one rule and subject are serialised by the caller.
 */
export interface DetectionState {
  /** Records that the pair was seen; true only the first time ever. */
  markFirstSeen(ruleId: string, key: string, at: Date, recordId: string): Promise<boolean>;
  /**
   * Adds the record to the subject's recent events and counts those in the window `(end - T, end]`,
   * where `end` is the newest event known for the subject, or `at` itself if that window would
   * not contain `at`. Ending at the newest event (not at `at`) makes the count independent of the
   * order in which replicas happen to handle a burst: the k-th record handled sees k records.
   */
  countRecent(ruleId: string, key: string, at: Date, windowSeconds: number, recordId: string): Promise<{ count: number; recordIds: string[]; earliest: Date }>;
}

export interface CompiledRule {
  definition: RuleDefinition;
  /** False when the rule is filtered out or lacks what it needs (no sensitive repositories, no window). */
  active: boolean;
  inactiveReason?: string;
  matches(record: AuditRecord): boolean;
  globs: RepositoryGlob[];
  window?: SigningWindow;
}

/** A rule that may fire for a record, and the subject it would be about. */
export interface Candidate {
  rule: CompiledRule;
  key: string;
  observation: Observation;
  repository?: string;
  glob?: string;
}

export interface EngineOptions {
  /** Least mature rules to run (`incubating` runs stable and incubating). */
  minMaturity: Maturity;
  disabled: readonly string[];
}

/** Runs rule definitions (data) with one evaluator per rule kind. */
export class DetectionEngine {
  readonly rules: readonly CompiledRule[];

  constructor(definitions: readonly RuleDefinition[], options: EngineOptions) {
    this.rules = compileRules(definitions, options);
  }

  get active(): CompiledRule[] {
    return this.rules.filter((r) => r.active);
  }

  /** Which active rules look at this record, and about which subjects. Pure: the caller locks these keys. */
  candidates(o: Observation): Candidate[] {
    const out: Candidate[] = [];
    for (const rule of this.rules) {
      if (!rule.active || !rule.matches(o.record)) continue;
      const d = rule.definition;
      if (d.subject === 'actor-repository') {
        for (const repository of o.repositories) {
          const glob = rule.globs.find((g) => g.test(repository));
          if (glob) out.push({ rule, key: `${actorKey(o.record.actor)}|${repository}`, observation: o, repository, glob: glob.pattern });
        }
      } else if (d.subject === 'source') {
        out.push({ rule, key: `source:${o.record.sourceIp ?? o.record.actor.id}`, observation: o });
      } else {
        out.push({ rule, key: actorKey(o.record.actor), observation: o });
      }
    }
    return out;
  }

  /** Decides one candidate against the state; null when the rule does not fire. */
  async evaluate(c: Candidate, state: DetectionState): Promise<Detection | null> {
    const d = c.rule.definition;
    const o = c.observation;
    const r = o.record;
    const vars: Record<string, string | number> = {
      actor: describeActor(r.actor),
      source: r.sourceIp ?? r.actor.id,
      action: r.action,
      resource: r.resource ? r.resource.id : 'nothing in particular',
      at: o.occurredAt.toISOString(),
    };
    switch (d.kind) {
      case 'first-seen': {
        if (!(await state.markFirstSeen(d.id, c.key, o.occurredAt, o.id))) return null;
        Object.assign(vars, { repository: c.repository!, glob: c.glob! });
        return this.detection(c, vars, {
          resource: { type: 'repository', id: c.repository! },
          evidence: { auditRecordIds: [o.id], count: 1, details: { repository: c.repository!, glob: c.glob!, action: r.action } },
          firstSeen: o.occurredAt,
        });
      }
      case 'threshold': {
        const { threshold, windowSeconds } = d.parameters;
        const seen = await state.countRecent(d.id, c.key, o.occurredAt, windowSeconds, o.id);
        if (seen.count <= threshold) return null;
        Object.assign(vars, { count: seen.count, threshold, windowSeconds });
        return this.detection(c, vars, {
          evidence: {
            auditRecordIds: seen.recordIds.slice(-100),
            count: seen.count,
            threshold,
            windowSeconds,
            details: { lastAction: r.action, lastResource: r.resource ? `${r.resource.type}:${r.resource.id}` : null },
          },
          firstSeen: seen.earliest,
        });
      }
      case 'outside-window': {
        const window = c.rule.window!;
        if (window.contains(o.occurredAt)) return null;
        Object.assign(vars, { window: window.text });
        return this.detection(c, vars, {
          ...(r.resource ? { resource: r.resource } : {}),
          evidence: { auditRecordIds: [o.id], count: 1, details: { window: window.text, action: r.action, at: o.occurredAt.toISOString() } },
          firstSeen: o.occurredAt,
        });
      }
    }
  }

  private detection(c: Candidate, vars: Record<string, string | number>, parts: Pick<Detection, 'evidence' | 'firstSeen'> & { resource?: Detection['resource'] }): Detection {
    const d = c.rule.definition;
    const o = c.observation;
    return {
      ruleId: d.id,
      ruleVersion: d.version,
      severity: d.severity,
      title: render(d.title, vars).slice(0, 200),
      description: render(d.description, vars).slice(0, 2000),
      subjectKey: c.key,
      dedupeSeconds: d.dedupeSeconds,
      tenant: o.tenant,
      actor: o.record.actor,
      ...(parts.resource ? { resource: parts.resource } : {}),
      evidence: parts.evidence,
      firstSeen: parts.firstSeen,
      lastSeen: o.occurredAt,
    };
  }
}

/** The key a candidate's evaluation is serialised on (across replicas: an advisory lock). */
export function lockKeyOf(c: Candidate): string {
  return `${c.rule.definition.id}|${c.key}`;
}

/**
 * Folds a repeat into an alert's evidence: the record ids of both (newest last, at most 100) and
 * the larger count.
 */
export function foldEvidence(previous: AlertEvidence, next: AlertEvidence): AlertEvidence {
  const ids = [...new Set([...previous.auditRecordIds, ...next.auditRecordIds])].slice(-100);
  return { ...next, auditRecordIds: ids, count: Math.max(previous.count, next.count) };
}

export function compileRules(definitions: readonly RuleDefinition[], options: EngineOptions): CompiledRule[] {
  const ids = new Set<string>();
  const unknownDisabled = options.disabled.filter((id) => !definitions.some((d) => d.id === id));
  if (unknownDisabled.length) throw new CorrelationError('invalid-rule', `no detection rule named ${unknownDisabled.join(', ')} (rules: ${definitions.map((d) => d.id).join(', ')})`);
  return definitions.map((d) => {
    if (ids.has(d.id)) throw new CorrelationError('invalid-rule', `duplicate detection rule id ${d.id}`);
    ids.add(d.id);
    if (!/^[a-z][a-z0-9-]{1,62}$/.test(d.id) || !Number.isInteger(d.version) || d.version < 1) {
      throw new CorrelationError('invalid-rule', `rule ${JSON.stringify(d.id)} needs a kebab-case id and a positive integer version`);
    }
    if (d.match.actions.length === 0) throw new CorrelationError('invalid-rule', `rule ${d.id} matches no action`);
    const rule: CompiledRule = { definition: d, active: true, matches: matcher(d.match), globs: [] };
    if (d.kind === 'threshold') {
      const { threshold, windowSeconds } = d.parameters;
      if (!Number.isInteger(threshold) || threshold < 0 || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
        throw new CorrelationError('invalid-rule', `rule ${d.id}: threshold must be an integer >= 0 and windowSeconds >= 1`);
      }
    }
    if (d.kind === 'first-seen') {
      rule.globs = d.parameters.sensitiveRepositories.map(compileRepositoryGlob);
      if (rule.globs.length === 0) deactivate(rule, 'no sensitive repositories configured');
    }
    if (d.kind === 'outside-window') {
      if (d.parameters.window === null) deactivate(rule, 'no window configured');
      else rule.window = parseSigningWindow(d.parameters.window);
    }
    if (MATURITIES.indexOf(d.maturity) > MATURITIES.indexOf(options.minMaturity)) deactivate(rule, `maturity ${d.maturity} is below ${options.minMaturity}`);
    if (options.disabled.includes(d.id)) deactivate(rule, 'disabled by configuration');
    return rule;
  });
}

function deactivate(rule: CompiledRule, reason: string): void {
  rule.active = false;
  rule.inactiveReason ??= reason;
}

function matcher(match: RecordMatch): (record: AuditRecord) => boolean {
  const actions = match.actions.map((a) => (a.endsWith('*') ? { prefix: a.slice(0, -1) } : { exact: a }));
  return (record) =>
    actions.some((a) => ('exact' in a ? record.action === a.exact : record.action.startsWith(a.prefix))) &&
    (!match.outcomes || match.outcomes.includes(record.outcome)) &&
    (!match.actorTypes || match.actorTypes.includes(record.actor.type));
}

function actorKey(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}

function describeActor(actor: Actor): string {
  if (actor.type === 'anonymous') return `an unauthenticated client (${actor.id})`;
  return actor.name ? `${actor.name} (${actor.type} ${actor.id})` : `${actor.type} ${actor.id}`;
}

function render(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
