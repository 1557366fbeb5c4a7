/**
 * The whole platform, for real: every built service as its own process, a private nats-server
 * with JetStream, a fresh Postgres database, an OTLP receiver and an OIDC issuer on loopback.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createEnvelope, ImageSubmittedV1 } from '@lazaret/contracts';
import {
  checkTools,
  createTestDatabase,
  eventually,
  freePort,
  startNatsServer,
  startOtlpReceiver,
  startPlatform,
  type NatsServerHandle,
  type RunningPlatform,
  type TestDatabase,
} from '@lazaret/testing';
import { connect } from '@nats-io/transport-node';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const tools = checkTools('nats-server');

let nats: NatsServerHandle;
let database: TestDatabase;
let platform: RunningPlatform;
let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
let jwks: { server: Server; issuer: string; key: CryptoKey; kid: string };
const RATE_LIMIT = 150;

async function api(path: string, init: { method?: string; key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  const key = init.key === undefined ? platform.adminKey : init.key;
  if (key) headers['x-api-key'] = key;
  let body: string | undefined;
  if (init.raw !== undefined) {
    body = init.raw;
    headers['content-type'] ??= 'application/json';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${platform.apiUrl}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: database.url });
  await c.connect();
  try {
    return (params.length ? await c.query(query, params) : await c.query(query)).rows as T[];
  } finally {
    await c.end();
  }
}

async function startIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const port = await freePort();
  const server = createServer((req, res) => {
    if (req.url === '/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, issuer: `http://127.0.0.1:${port}`, key: privateKey, kid: 'test-key' };
}

function token(claims: Record<string, unknown>, options: { audience?: string; expiresIn?: string; issuer?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwks.kid })
    .setIssuer(options.issuer ?? jwks.issuer)
    .setAudience(options.audience ?? 'lazaret')
    .setSubject(String(claims.sub ?? 'user-1'))
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(jwks.key);
}

describe.skipIf(tools.skip)('the platform end to end', () => {
  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase('lzt_e2e');
    otlp = await startOtlpReceiver();
    jwks = await startIssuer();
    platform = await startPlatform({
      root: ROOT,
      natsUrl: nats.url,
      databaseUrl: database.url,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LAZARET_OIDC_ISSUER: jwks.issuer,
        LAZARET_OIDC_AUDIENCE: 'lazaret',
        LAZARET_OIDC_JWKS_URL: `${jwks.issuer}/jwks.json`,
        LAZARET_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        LAZARET_AUTH_FAILURES_PER_MINUTE: '1000',
        LAZARET_BODY_LIMIT_BYTES: '65536',
        LAZARET_MAX_DELIVER: '3',
        LAZARET_REGISTRY_ALLOWLIST: '127.0.0.1:*,registry.example.com',
      },
    });
  }, 120_000);

  afterEach((ctx) => {
    // On failure, show what the services logged at warn level and above.
    if (ctx.task.result?.state !== 'fail' || !platform) return;
    for (const [service, lines] of Object.entries(platform.logs)) {
      const bad = lines.filter((l) => /"level":"(warn|error|fatal)"|failed/.test(l)).slice(-5);
      if (bad.length) process.stderr.write(`--- ${service}\n${bad.join('\n')}\n`);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await otlp?.stop();
    await new Promise((r) => jwks?.server.close(r));
    await nats?.stop();
    await database?.drop();
  });

  it('reports every service healthy through the gateway and the CLI', async () => {
    const status = await api('/status');
    expect(status.status).toBe(200);
    const services = status.json.services as Array<{ service: string; status: string }>;
    expect(services.map((s) => s.service).sort()).toEqual(['audit', 'correlation', 'gateway', 'ingest', 'quarantine', 'scanning', 'signing']);
    expect(services.every((s) => s.status === 'ok')).toBe(true);

    const { run } = await import('../../services/cli/src/main');
    const out: string[] = [];
    const code = await run(['status', '--url', platform.apiUrl, '--api-key', platform.adminKey, '--format', 'json'], { out: (s) => out.push(s), err: (s) => out.push(s) });
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n')).status).toBe('ok');
    const bad: string[] = [];
    expect(await run(['status', '--url', platform.apiUrl, '--api-key', 'lzk_000000000000_' + 'A'.repeat(43)], { out: (s) => bad.push(s), err: (s) => bad.push(s) })).toBe(2);
    expect(bad.join()).toContain('unauthenticated');
  });

  it('serves liveness, readiness, metrics and the OpenAPI 3.1 document', async () => {
    for (const [service, port] of Object.entries(platform.ports)) {
      const live = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(live.status, service).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics, service).toContain('lazaret_process_cpu_seconds_total');
    }
    const doc = await fetch(`${platform.baseUrl}/api/docs-json`).then((r) => r.json() as Promise<{ openapi: string; paths: Record<string, Record<string, { 'x-lazaret-roles'?: string[] }>> }>);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/principals']?.post?.['x-lazaret-roles']).toEqual(['admin']);
    expect(doc.paths['/api/v1/audit/verify']?.get?.['x-lazaret-roles']).toEqual(['admin', 'auditor']);
    const html = await fetch(`${platform.baseUrl}/api/docs`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${platform.baseUrl}/api/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${platform.baseUrl}/api/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('manages principals and keys: shown once, stored hashed, revocable, roles enforced', async () => {
    const created = await api('/principals', { body: { name: 'dev-one', roles: ['developer'] } });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const key = await api(`/principals/${id}/api-keys`, { body: { name: 'ci' } });
    expect(key.status).toBe(201);
    const devKey = key.json.key as string;
    expect(devKey).toMatch(/^lzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await api(`/principals/${id}/api-keys`);
    expect(JSON.stringify(listed.json)).not.toContain(devKey.slice(17));
    const rows = await sql<{ hash: string }>('SELECT hash FROM gateway.api_keys WHERE id = $1', [key.json.id]);
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sql('SELECT * FROM gateway.api_keys'))).not.toContain(devKey.slice(17));

    expect((await api('/me', { key: devKey })).json.name).toBe('dev-one');
    const denied = await api('/principals', { key: devKey });
    expect(denied.status).toBe(403);
    expect(denied.json.code).toBe('forbidden');
    expect(denied.headers.get('content-type')).toContain('application/problem+json');

    expect((await api(`/api-keys/${key.json.id}`, { method: 'DELETE' })).status).toBe(204);
    const revoked = await api('/me', { key: devKey });
    expect(revoked.status).toBe(401);
    expect(revoked.json.code).toBe('unauthenticated');
  });

  it('gives each kind of bad request its own status and problem code', async () => {
    const cases: Array<[string, Awaited<ReturnType<typeof api>>, number, string]> = [
      ['no credentials', await api('/status', { key: null }), 401, 'unauthenticated'],
      ['unknown key', await api('/status', { key: 'lzk_abcdefabcdef_' + 'B'.repeat(43) }), 401, 'unauthenticated'],
      ['garbage credential', await api('/status', { key: 'hunter2' }), 401, 'unauthenticated'],
      ['malformed authorization', await api('/status', { key: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401, 'unauthenticated'],
      ['invalid JSON', await api('/principals', { raw: '{"name": "x",' }), 400, 'invalid-json'],
      ['unknown field', await api('/principals', { body: { name: 'x-user', roles: ['admin'], isRoot: true } }), 400, 'validation-failed'],
      ['wrong type', await api('/principals', { body: { name: 'x-user', roles: 'admin' } }), 400, 'validation-failed'],
      ['unknown role', await api('/principals', { body: { name: 'x-user', roles: ['root'] } }), 400, 'validation-failed'],
      ['bad path id', await api('/principals/not-a-uuid'), 400, 'validation-failed'],
      ['unknown query field', await api('/audit?drop=1'), 400, 'validation-failed'],
      ['oversized body', await api('/principals', { raw: JSON.stringify({ name: 'x'.repeat(100_000) }) }), 413, 'payload-too-large'],
      ['wrong content type', await api('/principals', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported-media-type'],
      ['unknown route', await api('/nope'), 404, 'not-found'],
      ['missing principal', await api('/principals/00000000-0000-4000-8000-000000000000'), 404, 'not-found'],
      ['registry not allowed', await api('/scans', { body: { reference: '169.254.169.254/latest/meta-data:x' } }), 403, 'forbidden'],
    ];
    for (const [name, res, status, code] of cases) {
      expect({ name, status: res.status, code: res.json.code }).toEqual({ name, status, code });
      expect(typeof res.json.detail, name).toBe('string');
    }
    const issues = (await api('/principals', { body: { name: 'x-user', roles: ['admin'], isRoot: true } })).json.issues as Array<{ message: string }>;
    expect(issues[0]!.message).toContain('isRoot');
    // The gateway is still up after all of that.
    expect((await api('/status')).status).toBe(200);
  });

  it('accepts OIDC bearer tokens verified against the JWKS, with roles from the token', async () => {
    const auditor = await token({ sub: 'alice', roles: ['auditor'], preferred_username: 'alice' });
    const ok = await api('/audit?limit=1', { key: null, headers: { authorization: `Bearer ${auditor}` } });
    expect(ok.status).toBe(200);
    const me = await api('/me', { key: null, headers: { authorization: `Bearer ${auditor}` } });
    expect(me.json).toMatchObject({ id: 'oidc:alice', name: 'alice', roles: ['auditor'], method: 'oidc' });
    const forbidden = await api('/principals', { key: null, headers: { authorization: `Bearer ${auditor}` } });
    expect(forbidden.status).toBe(403);
    const wrongAudience = await token({ sub: 'bob', roles: ['admin'] }, { audience: 'someone-else' });
    expect((await api('/status', { key: null, headers: { authorization: `Bearer ${wrongAudience}` } })).status).toBe(401);
    const wrongIssuer = await token({ sub: 'bob', roles: ['admin'] }, { issuer: 'http://evil.example' });
    expect((await api('/status', { key: null, headers: { authorization: `Bearer ${wrongIssuer}` } })).status).toBe(401);
    const expired = await token({ sub: 'bob', roles: ['admin'] }, { expiresIn: '-10m' });
    expect((await api('/status', { key: null, headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
    const [h, p] = auditor.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), roles: ['admin'] })).toString('base64url')}.${auditor.split('.')[2]}`;
    expect((await api('/principals', { key: null, headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  it('traces one request across gateway, ingest, JetStream, scanning, audit and Postgres in one trace', async () => {
    const res = await api('/images', { body: { reference: '127.0.0.1:9/team/app:1.0' } });
    expect(res.status).toBe(202);
    const submissionId = res.json.submissionId as string;
    await eventually(async () => ((await sql('SELECT 1 FROM scanning.scans WHERE submission_id = $1', [submissionId])).length === 1 ? true : undefined), { timeoutMs: 15_000, what: 'the scan job' });
    const root = await eventually(() => otlp.spans.find((s) => s.service === 'gateway' && s.name === 'HTTP POST /api/v1/images'), { timeoutMs: 15_000, what: 'the gateway span' });
    const trace = await eventually(
      () => {
        const spans = otlp.spans.filter((s) => s.traceId === root.traceId);
        const services = new Set(spans.map((s) => s.service));
        return ['gateway', 'ingest', 'scanning', 'audit'].every((s) => services.has(s)) && spans.some((s) => s.name.startsWith('process lazaret.image.submitted')) ? spans : undefined;
      },
      { timeoutMs: 20_000, what: 'spans from four services' },
    );
    const ids = new Map(trace.map((s) => [s.spanId, s]));
    expect(root.parentSpanId).toBe('');
    for (const span of trace) {
      if (span === root) continue;
      expect(ids.has(span.parentSpanId), `${span.service} ${span.name} has its parent in the trace`).toBe(true);
    }
    const chain = (span: (typeof trace)[number]) => {
      const names: string[] = [];
      for (let s: (typeof trace)[number] | undefined = span; s; s = ids.get(s.parentSpanId)) names.unshift(`${s.service}:${s.name}`);
      return names;
    };
    const scanning = trace.find((s) => s.service === 'scanning' && s.name === 'process lazaret.image.submitted.v1')!;
    expect(chain(scanning)).toEqual([
      'gateway:HTTP POST /api/v1/images',
      'gateway:request lazaret.ingest.submit-image.v1',
      'ingest:serve lazaret.ingest.submit-image.v1',
      'ingest:pg ingest submit-image',
      'ingest:publish lazaret.image.submitted.v1',
      'scanning:process lazaret.image.submitted.v1',
    ]);
    expect(trace.some((s) => s.service === 'scanning' && s.name.startsWith('pg transaction') && s.parentSpanId === scanning.spanId)).toBe(true);
    expect(trace.some((s) => s.service === 'audit' && s.name === 'process lazaret.audit.recorded.v1')).toBe(true);
  });

  it('dead-letters a malformed event and keeps consuming', async () => {
    const nc = await connect({ servers: nats.url });
    try {
      nc.publish(ImageSubmittedV1.subject, '{"not": "an envelope"');
      const good = createEnvelope(ImageSubmittedV1, { submissionId: '0190a3c4-7b9e-4cc1-9d1c-1a2b3c4d5e6f', source: { kind: 'registry', reference: '127.0.0.1:9/library/alpine:3.20', insecure: true }, platform: 'linux/amd64', requestedBy: { type: 'service', id: 'test' } }, { source: 'ingest' });
      nc.publish(ImageSubmittedV1.subject, JSON.stringify(good));
      await nc.flush();
      await eventually(async () => ((await sql('SELECT 1 FROM scanning.scans WHERE submission_id = $1', [good.data.submissionId])).length === 1 ? true : undefined), { timeoutMs: 15_000, what: 'the good message' });
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const jsm = await jetstreamManager(nc);
      const letter = await eventually(async () => {
        const info = await jsm.streams.info('DEADLETTER', { subjects_filter: 'lazaret.deadletter.IMAGES' }).catch(() => undefined);
        return info && info.state.messages > 0 ? jsm.streams.getMessage('DEADLETTER', { last_by_subj: 'lazaret.deadletter.IMAGES' }) : undefined;
      }, { timeoutMs: 15_000, what: 'a dead letter' });
      const data = (letter!.json() as { data: { reason: { code: string }; consumer: string; payloadBase64: string } }).data;
      expect(data.reason.code).toBe('malformed-json');
      expect(data.consumer).toBe('scanning-image-submitted');
      expect(Buffer.from(data.payloadBase64, 'base64').toString()).toBe('{"not": "an envelope"');
    } finally {
      await nc.close();
    }
  });

  it('keeps a hash-chained, append-only audit trail and finds a row edited in Postgres', async () => {
    const failures = await eventually(async () => {
      const r = await api('/audit?action=auth.fail&limit=50');
      return (r.json.items as unknown[]).length > 0 ? (r.json.items as Array<{ record: { outcome: string; sourceIp?: string } }>) : undefined;
    }, { what: 'auth failures in the audit log' });
    expect(failures[0]!.record.outcome).toBe('failure');
    const actions = ((await api('/audit?limit=500')).json.items as Array<{ record: { action: string } }>).map((i) => i.record.action);
    for (const a of ['principal.create', 'apikey.create', 'apikey.revoke', 'image.submit', 'scan.queue', 'access.deny', 'auth.fail']) expect(actions).toContain(a);

    const intact = await api('/audit/verify');
    expect(intact.json).toMatchObject({ ok: true, firstBroken: null });
    expect(intact.json.count as number).toBeGreaterThan(5);

    await expect(sql("UPDATE audit.records SET outcome = 'failure' WHERE seq = 2")).rejects.toThrow(/append-only/);
    await expect(sql('DELETE FROM audit.records WHERE seq = 2')).rejects.toThrow(/append-only/);

    // Someone with owner rights goes around the trigger; the chain still gives them away.
    await sql(`BEGIN; ALTER TABLE audit.records DISABLE TRIGGER records_no_update;
      UPDATE audit.records SET record = jsonb_set(record, '{outcome}', '"denied"') WHERE seq = 3;
      ALTER TABLE audit.records ENABLE TRIGGER records_no_update; COMMIT;`);
    const broken = await api('/audit/verify');
    expect(broken.json).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'hash-mismatch' } });
    expect(broken.json.count).toBe(2);

    // Editing only a filter column (not the hashed record) is caught as well.
    await sql(`BEGIN; ALTER TABLE audit.records DISABLE TRIGGER records_no_update;
      UPDATE audit.records SET record = jsonb_set(record, '{outcome}', to_jsonb(outcome)) WHERE seq = 3;
      UPDATE audit.records SET actor_id = 'someone-else' WHERE seq = 2;
      ALTER TABLE audit.records ENABLE TRIGGER records_no_update; COMMIT;`);
    expect((await api('/audit/verify')).json).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'hash-mismatch' }, count: 1 });
  });

  it('limits requests per principal with 429 and Retry-After', async () => {
    const created = await api('/principals', { body: { name: 'burst', roles: ['developer'] } });
    const key = (await api(`/principals/${created.json.id}/api-keys`, { body: { name: 'burst' } })).json.key as string;
    const results = await Promise.all(Array.from({ length: RATE_LIMIT + 50 }, () => api('/me', { key })));
    const limited = results.filter((r) => r.status === 429);
    // The bucket refills at RATE_LIMIT/min while the burst is in flight: allow a few tokens back.
    expect(limited.length).toBeGreaterThanOrEqual(40);
    expect(limited[0]!.json.code).toBe('rate-limited');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api('/status')).status).toBe(200);
  });
});
