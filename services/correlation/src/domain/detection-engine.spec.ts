import type { AuditRecord } from '@lazaret/contracts';
import { describe, expect, it } from 'vitest';
import { DetectionEngine, foldEvidence, lockKeyOf, type Detection, type DetectionState, type EngineOptions, type Observation } from './detection-engine';
import { DETECTION_RULES, type RuleDefinition } from './detection-rules';
import { CorrelationError } from './correlation-error';

/** The same semantics as the Postgres tables, in memory. */
class MemoryState implements DetectionState {
  private readonly first = new Set<string>();
  private readonly recent = new Map<string, Array<{ id: string; at: number }>>();

  async markFirstSeen(ruleId: string, key: string, _at: Date, _id: string): Promise<boolean> {
    const k = `${ruleId}|${key}`;
    if (this.first.has(k)) return false;
    this.first.add(k);
    return true;
  }

  async countRecent(ruleId: string, key: string, at: Date, windowSeconds: number, id: string) {
    const k = `${ruleId}|${key}`;
    const list = this.recent.get(k) ?? [];
    if (!list.some((e) => e.id === id)) list.push({ id, at: at.getTime() });
    this.recent.set(k, list);
    const span = windowSeconds * 1000;
    const newest = Math.max(...list.map((e) => e.at));
    const end = newest - span < at.getTime() ? newest : at.getTime();
    const inside = list.filter((e) => e.at > end - span && e.at <= end).sort((a, b) => a.at - b.at);
    return { count: inside.length, recordIds: inside.map((e) => e.id), earliest: new Date(inside[0]!.at) };
  }
}

const T0 = Date.parse('2024-07-01T10:00:00Z'); // a Monday
const SENSITIVE = 'registry.example.com/payments/api';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const alice = { type: 'principal' as const, id: 'alice-id', name: 'alice' };
const bob = { type: 'principal' as const, id: 'bob-id', name: 'bob' };
const scanning = { type: 'service' as const, id: 'scanning' };

interface Step {
  /** Seconds after T0 (or an ISO instant). */
  at: number | string;
  record: Omit<AuditRecord, 'outcome'> & { outcome?: AuditRecord['outcome'] };
  repositories?: string[];
}

const submit = (actor: typeof alice, reference: string, outcome: AuditRecord['outcome'] = 'success'): Step['record'] => ({
  service: 'ingest',
  action: 'image.submit',
  actor,
  outcome,
  details: { source: reference },
});
const read = (actor: typeof alice, action = 'image.read-sbom'): Step['record'] => ({ service: 'gateway', action, actor, resource: { type: 'image', id: DIGEST } });
const authFail = (ip: string): Step['record'] => ({ service: 'gateway', action: 'auth.fail', actor: { type: 'anonymous', id: ip }, outcome: 'failure', sourceIp: ip, reason: 'unknown-key' });
const sign = (actor: typeof alice): Step['record'] => ({ service: 'signing', action: 'image.sign', actor, resource: { type: 'image', id: `${SENSITIVE}@${DIGEST}` } });

function rules(overrides: Partial<Record<string, Record<string, unknown>>>): RuleDefinition[] {
  return DETECTION_RULES.map((r) => (overrides[r.id] ? ({ ...r, parameters: { ...r.parameters, ...overrides[r.id] } } as RuleDefinition) : r));
}

const CONFIGURED = rules({
  'first-sensitive-access': { sensitiveRepositories: ['registry.example.com/payments/*'] },
  'read-burst': { threshold: 3, windowSeconds: 10 },
  'auth-failure-burst': { threshold: 2, windowSeconds: 60 },
  'signing-outside-window': { window: 'Mon-Fri 07:00-19:00 UTC' },
});

async function run(steps: Step[], definitions = CONFIGURED, options: EngineOptions = { minMaturity: 'incubating', disabled: [] }): Promise<Detection[]> {
  const engine = new DetectionEngine(definitions, options);
  const state = new MemoryState();
  const out: Detection[] = [];
  let n = 0;
  for (const step of steps) {
    const occurredAt = typeof step.at === 'number' ? new Date(T0 + step.at * 1000) : new Date(step.at);
    const o: Observation = {
      id: `0190a3c4-7b9e-7cc1-9d1c-${String(++n).padStart(12, '0')}`,
      tenant: 'default',
      occurredAt,
      record: { outcome: 'success', ...step.record },
      repositories: step.repositories ?? [],
    };
    for (const c of engine.candidates(o)) {
      const d = await engine.evaluate(c, state);
      if (d) out.push(d);
    }
  }
  return out;
}

/** [rule id, subject key, evidence count] of every detection, in order. */
const summary = (ds: Detection[]) => ds.map((d) => [d.ruleId, d.subjectKey, d.evidence.count]);

describe('detection rules', () => {
  const cases: Array<{ name: string; steps: Step[]; expected: Array<[string, string, number]> }> = [
    {
      name: 'first-sensitive-access: first touch of a sensitive repository raises, the second does not',
      steps: [
        { at: 0, record: submit(alice, `${SENSITIVE}:1`), repositories: [SENSITIVE] },
        { at: 5, record: read(alice), repositories: [SENSITIVE] },
        { at: 6, record: read(bob), repositories: [SENSITIVE] },
      ],
      expected: [
        ['first-sensitive-access', `principal:alice-id|${SENSITIVE}`, 1],
        ['first-sensitive-access', `principal:bob-id|${SENSITIVE}`, 1],
      ],
    },
    {
      name: 'first-sensitive-access: ignores other repositories, nested paths under *, refusals and services',
      steps: [
        { at: 0, record: submit(alice, 'registry.example.com/web/api:1'), repositories: ['registry.example.com/web/api'] },
        { at: 1, record: submit(alice, 'registry.example.com/payments/team/api:1'), repositories: ['registry.example.com/payments/team/api'] },
        { at: 2, record: submit(alice, `${SENSITIVE}:1`, 'denied'), repositories: [SENSITIVE] },
        { at: 3, record: { service: 'scanning', action: 'image.read-sbom', actor: scanning }, repositories: [SENSITIVE] },
        { at: 4, record: { service: 'gateway', action: 'audit.read', actor: alice }, repositories: [SENSITIVE] },
      ],
      expected: [],
    },
    {
      name: 'first-sensitive-access: one alert per sensitive repository touched',
      steps: [{ at: 0, record: read(alice), repositories: [SENSITIVE, 'registry.example.com/payments/db', 'registry.example.com/web/api'] }],
      expected: [
        ['first-sensitive-access', `principal:alice-id|${SENSITIVE}`, 1],
        ['first-sensitive-access', 'principal:alice-id|registry.example.com/payments/db', 1],
      ],
    },
    {
      name: 'read-burst: fires above the threshold inside the window, per principal',
      steps: [
        { at: 0, record: read(alice) },
        { at: 1, record: read(alice, 'image.read-packages') },
        { at: 2, record: read(bob) },
        { at: 3, record: read(alice, 'image.read-findings') },
        { at: 4, record: read(alice, 'audit.read') },
        { at: 5, record: read(alice) },
      ],
      expected: [
        ['read-burst', 'principal:alice-id', 4],
        ['read-burst', 'principal:alice-id', 5],
      ],
    },
    {
      name: 'read-burst: reads spread wider than the window never fire',
      steps: [0, 4, 8, 12, 16, 20, 24].map((at) => ({ at, record: read(alice) })),
      expected: [],
    },
    {
      name: 'read-burst: the window slides (the 4th read within 10 s of the 1st counted)',
      steps: [
        { at: 0, record: read(alice) },
        { at: 9, record: read(alice) },
        { at: 9.5, record: read(alice) },
        { at: 10, record: read(alice) }, // the read at 0 has left (10 s exclusive)
        { at: 10.5, record: read(alice) },
      ],
      expected: [['read-burst', 'principal:alice-id', 4]],
    },
    {
      name: 'read-burst: records handled late (another replica) count in the window ending at the newest',
      steps: [5, 6, 7, 1, 2].map((at) => ({ at, record: read(alice) })),
      expected: [
        ['read-burst', 'principal:alice-id', 4],
        ['read-burst', 'principal:alice-id', 5],
      ],
    },
    {
      name: 'read-burst: a late record older than that window is counted in its own window',
      steps: [100, 0, 1, 2, 3].map((at) => ({ at, record: read(alice) })),
      expected: [['read-burst', 'principal:alice-id', 4]],
    },
    {
      name: 'read-burst: non-read actions do not count',
      steps: [0, 1, 2, 3, 4].map((at) => ({ at, record: { service: 'gateway', action: 'principal.create', actor: alice } })),
      expected: [],
    },
    {
      name: 'auth-failure-burst: counted per source address',
      steps: [
        { at: 0, record: authFail('10.0.0.1') },
        { at: 1, record: authFail('10.0.0.2') },
        { at: 2, record: authFail('10.0.0.1') },
        { at: 3, record: authFail('10.0.0.1') },
      ],
      expected: [['auth-failure-burst', 'source:10.0.0.1', 3]],
    },
    {
      name: 'signing-outside-window: inside is quiet, Saturday and early morning fire',
      steps: [
        { at: '2024-07-01T10:00:00Z', record: sign(alice) },
        { at: '2024-07-06T10:00:00Z', record: sign(alice) },
        { at: '2024-07-02T06:59:00Z', record: sign(bob) },
        { at: '2024-07-02T19:00:00Z', record: { ...sign(bob), action: 'image.verify' } },
      ],
      expected: [
        ['signing-outside-window', 'principal:alice-id', 1],
        ['signing-outside-window', 'principal:bob-id', 1],
      ],
    },
  ];

  it.each(cases)('$name', async ({ steps, expected }) => {
    expect(summary(await run(steps))).toEqual(expected);
  });

  it('counts a redelivered record once', async () => {
    const engine = new DetectionEngine(CONFIGURED, { minMaturity: 'incubating', disabled: [] });
    const state = new MemoryState();
    const o = (id: string, s: number): Observation => ({ id, tenant: 'default', occurredAt: new Date(T0 + s * 1000), record: { outcome: 'failure', ...authFail('10.0.0.9') }, repositories: [] });
    const fired: Detection[] = [];
    for (const obs of [o('a', 0), o('a', 0), o('a', 0), o('b', 1)]) {
      for (const c of engine.candidates(obs)) {
        const d = await engine.evaluate(c, state);
        if (d) fired.push(d);
      }
    }
    expect(fired).toEqual([]);
  });

  it('fills alerts from the rule data: severity, version, texts, evidence, resource and times', async () => {
    const [first] = await run([{ at: 0, record: read(alice), repositories: [SENSITIVE] }]);
    expect(first).toMatchObject({
      ruleId: 'first-sensitive-access',
      ruleVersion: 1,
      severity: 'medium',
      title: `First access to sensitive repository ${SENSITIVE} by alice (principal alice-id)`,
      actor: alice,
      resource: { type: 'repository', id: SENSITIVE },
      evidence: { count: 1, details: { repository: SENSITIVE, glob: 'registry.example.com/payments/*', action: 'image.read-sbom' } },
    });
    expect(first!.description).toContain('for the first time');

    const bursts = await run([0, 1, 2, 3].map((at) => ({ at, record: authFail('10.0.0.1') })));
    const last = bursts[bursts.length - 1]!;
    expect(last.title).toBe('Burst of failed authentications from 10.0.0.1');
    expect(last.actor).toEqual({ type: 'anonymous', id: '10.0.0.1' });
    expect(last.evidence).toMatchObject({ count: 4, threshold: 2, windowSeconds: 60 });
    expect(last.evidence.auditRecordIds).toHaveLength(4);
    expect(last.firstSeen.toISOString()).toBe(new Date(T0).toISOString());
    expect(last.lastSeen.toISOString()).toBe(new Date(T0 + 3000).toISOString());

    const [signed] = await run([{ at: '2024-07-06T10:00:00Z', record: sign(alice) }]);
    expect(signed).toMatchObject({ severity: 'high', resource: { type: 'image', id: `${SENSITIVE}@${DIGEST}` }, evidence: { details: { window: 'Mon-Fri 07:00-19:00 UTC' } } });
    expect(signed!.description).toContain('2024-07-06T10:00:00.000Z');
  });

  it('switches off rules that lack configuration, are disabled, or are less mature than asked', async () => {
    const unconfigured = new DetectionEngine(DETECTION_RULES, { minMaturity: 'incubating', disabled: [] });
    expect(unconfigured.active.map((r) => r.definition.id)).toEqual(['read-burst', 'auth-failure-burst']);
    expect(unconfigured.rules.find((r) => r.definition.id === 'signing-outside-window')!.inactiveReason).toBe('no window configured');

    const stableOnly = new DetectionEngine(CONFIGURED, { minMaturity: 'stable', disabled: ['read-burst'] });
    expect(stableOnly.active.map((r) => r.definition.id)).toEqual(['auth-failure-burst']);
    expect(await run([{ at: '2024-07-06T10:00:00Z', record: sign(alice) }], CONFIGURED, { minMaturity: 'stable', disabled: [] })).toEqual([]);
  });

  it('refuses bad rule data: duplicate ids, bad parameters, unknown disabled ids, bad globs', () => {
    const opts: EngineOptions = { minMaturity: 'sandbox', disabled: [] };
    expect(() => new DetectionEngine([...CONFIGURED, CONFIGURED[0]!], opts)).toThrow(/duplicate detection rule id first-sensitive-access/);
    expect(() => new DetectionEngine(rules({ 'read-burst': { windowSeconds: 0 } }), opts)).toThrow(CorrelationError);
    expect(() => new DetectionEngine(CONFIGURED, { ...opts, disabled: ['no-such-rule'] })).toThrow(/no detection rule named no-such-rule/);
    expect(() => new DetectionEngine(rules({ 'first-sensitive-access': { sensitiveRepositories: ['payments'] } }), opts)).toThrow(/must include the registry/);
    expect(() => new DetectionEngine(rules({ 'signing-outside-window': { window: 'weekdays' } }), opts)).toThrow(/signing window/);
  });

  it('locks on rule and subject, and folds repeats into the evidence', async () => {
    const engine = new DetectionEngine(CONFIGURED, { minMaturity: 'incubating', disabled: [] });
    const [c] = engine.candidates({ id: 'x', tenant: 'default', occurredAt: new Date(T0), record: { outcome: 'failure', ...authFail('10.0.0.1') }, repositories: [] });
    expect(lockKeyOf(c!)).toBe('auth-failure-burst|source:10.0.0.1');
    const folded = foldEvidence({ auditRecordIds: ['a', 'b'], count: 5 }, { auditRecordIds: ['b', 'c'], count: 3, threshold: 2 });
    expect(folded).toEqual({ auditRecordIds: ['a', 'b', 'c'], count: 5, threshold: 2 });
    const many = foldEvidence({ auditRecordIds: Array.from({ length: 100 }, (_, i) => `o${i}`), count: 100 }, { auditRecordIds: ['new'], count: 101 });
    expect(many.auditRecordIds).toHaveLength(100);
    expect(many.auditRecordIds.at(-1)).toBe('new');
  });
});
