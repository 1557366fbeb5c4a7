import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ALL_EVENTS,
  ALL_REQUESTS,
  AuditRecordedV1,
  createEnvelope,
  ImageReferenceSchema,
  ImageSubmittedV1,
  STREAMS,
  subjectFor,
  subjectMatches,
  uuidv7,
  UUID_V7,
} from './index';

const SNAPSHOT_DIR = join(__dirname, '..', 'schemas');
const UPDATE = process.env.UPDATE_CONTRACT_SNAPSHOTS === '1';

describe('uuidv7', () => {
  it('produces version-7 ids that sort by creation time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(UUID_V7);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7())).size).toBe(1000);
  });
});

describe('envelope', () => {
  const actor = { type: 'principal' as const, id: 'p1' };
  it('accepts a well-formed message and defaults the tenant', () => {
    const env = createEnvelope(ImageSubmittedV1, { submissionId: '0190a3c4-7b9e-7cc1-9d1c-1a2b3c4d5e6f', source: { kind: 'registry', reference: 'alpine:3.20' }, requestedBy: actor }, { source: 'ingest' });
    const parsed = ImageSubmittedV1.schema.parse({ ...env, tenant: undefined });
    expect(parsed.tenant).toBe('default');
    expect(parsed.data.platform).toBe('linux/amd64');
  });
  it('rejects unknown fields, wrong types and bad ids', () => {
    const env = createEnvelope(AuditRecordedV1, { service: 'gateway', action: 'apikey.create', actor, outcome: 'success' }, { source: 'gateway' });
    expect(AuditRecordedV1.schema.safeParse(env).success).toBe(true);
    expect(AuditRecordedV1.schema.safeParse({ ...env, extra: 1 }).success).toBe(false);
    expect(AuditRecordedV1.schema.safeParse({ ...env, id: 'not-a-uuid' }).success).toBe(false);
    expect(AuditRecordedV1.schema.safeParse({ ...env, type: 'other' }).success).toBe(false);
    expect(AuditRecordedV1.schema.safeParse({ ...env, data: { ...env.data, secret: 'x' } }).success).toBe(false);
  });
});

describe('image references', () => {
  it.each(['alpine', 'alpine:3.20', 'docker.io/library/nginx:1.27', '127.0.0.1:5000/team/app@sha256:' + 'a'.repeat(64), 'ghcr.io/org/app:v1.2.3-rc.1'])('accepts %s', (ref) => {
    expect(ImageReferenceSchema.safeParse(ref).success).toBe(true);
  });
  it.each(['', 'UPPER/case', 'repo:tag with space', 'repo@sha256:xyz', '../etc/passwd', 'a'.repeat(2000)])('rejects %j', (ref) => {
    expect(ImageReferenceSchema.safeParse(ref).success).toBe(false);
  });
});

describe('subjects and streams', () => {
  it('fills subject patterns and refuses tokens that would change their shape', () => {
    expect(subjectFor('lazaret.agent.*.commands', 'host-1')).toBe('lazaret.agent.host-1.commands');
    expect(() => subjectFor('lazaret.agent.*.commands', 'a.b')).toThrow();
    expect(() => subjectFor('lazaret.agent.*.commands', '>')).toThrow();
    expect(() => subjectFor('lazaret.agent.*.commands')).toThrow();
  });
  it('puts every event subject in exactly the stream its contract names', () => {
    for (const event of ALL_EVENTS) {
      const concrete = event.subject.replace(/\*/g, 'x');
      const owners = Object.values(STREAMS).filter((s) => s.subjects.some((p) => subjectMatches(p, concrete)));
      expect(owners.map((s) => s.name), event.type).toEqual([event.stream]);
    }
  });
  it('never lets a request subject fall into a stream (a stream would answer it)', () => {
    for (const req of ALL_REQUESTS) {
      const owners = Object.values(STREAMS).filter((s) => s.subjects.some((p) => subjectMatches(p, req.subject)));
      expect(owners, req.subject).toEqual([]);
    }
  });
  it('keeps stream subjects disjoint', () => {
    const all = Object.values(STREAMS).flatMap((s) => s.subjects.map((p) => ({ stream: s.name, p })));
    for (const a of all) for (const b of all) {
      if (a.stream === b.stream) continue;
      const probe = a.p.replace(/\*/g, 'x').replace(/>/g, 'x.y');
      expect(subjectMatches(b.p, probe), `${a.p} vs ${b.p}`).toBe(false);
    }
  });
  it('has unique request subjects', () => {
    const subjects = ALL_REQUESTS.map((r) => r.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });
});

/**
 * Published contracts are frozen. Their JSON Schema is snapshotted under libs/contracts/schemas;
 * changing a published version fails here. Add a new major (a new file) instead. A deliberate
 * change of an unpublished contract: UPDATE_CONTRACT_SNAPSHOTS=1 npx vitest run libs/contracts.
 */
describe('published contract snapshots', () => {
  const entries: Array<[string, z.ZodType]> = [
    ...ALL_EVENTS.filter((e) => e.published).map((e): [string, z.ZodType] => [`event.${e.type}`, e.schema]),
    ...ALL_REQUESTS.flatMap((r): Array<[string, z.ZodType]> => [
      [`request.${r.subject}`, r.request],
      [`response.${r.subject}`, r.response],
    ]),
  ];
  if (UPDATE) mkdirSync(SNAPSHOT_DIR, { recursive: true });
  it.each(entries)('%s matches its snapshot', (name, schema) => {
    const file = join(SNAPSHOT_DIR, `${name}.schema.json`);
    const current = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), null, 2) + '\n';
    if (UPDATE) writeFileSync(file, current);
    expect(existsSync(file), `no snapshot for ${name}: run with UPDATE_CONTRACT_SNAPSHOTS=1 once`).toBe(true);
    expect(current).toBe(readFileSync(file, 'utf8'));
  });
  it('has no snapshot without a contract (a published contract was removed)', () => {
    const names = new Set(entries.map(([n]) => `${n}.schema.json`));
    const stale = readdirSync(SNAPSHOT_DIR).filter((f) => !names.has(f));
    expect(stale).toEqual([]);
  });
});
