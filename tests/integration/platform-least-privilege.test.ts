/**
 * The whole platform on the least-privilege NATS configuration of infra/nats: every service
 * connects as its own user with its own reply inbox, and everything still works end to end
 * without a single permission violation.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { checkTools, createTestDatabase, eventually, startNatsServer, startPlatform, type NatsServerHandle, type RunningPlatform, type TestDatabase } from '@lazaret/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const tools = checkTools('nats-server');
const IDENTITIES = ['GATEWAY', 'INGEST', 'SCANNING', 'SIGNING', 'CORRELATION', 'AUDIT', 'QUARANTINE', 'AGENT_DEMO', 'SYS'];
// nats-server reads $VARIABLE values as config tokens: a password must start with a letter.
const passwords = Object.fromEntries(IDENTITIES.map((id) => [`LAZARET_NATS_PASSWORD_${id}`, `p${randomBytes(18).toString('hex')}`]));

let nats: NatsServerHandle;
let database: TestDatabase;
let platform: RunningPlatform;

describe.skipIf(tools.skip)('the platform under least-privilege NATS identities', () => {
  beforeAll(async () => {
    nats = await startNatsServer({ configFile: join(ROOT, 'infra', 'nats', 'nats.conf'), env: passwords });
    database = await createTestDatabase('lzt_lp');
    platform = await startPlatform({
      root: ROOT,
      natsUrl: nats.url,
      databaseUrl: database.url,
      serviceEnv: (service) => ({
        NATS_USER: service,
        NATS_PASSWORD: passwords[`LAZARET_NATS_PASSWORD_${service.toUpperCase()}`]!,
        NATS_INBOX_PREFIX: `_INBOX.${service}`,
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await nats?.stop();
    await database?.drop();
  });

  it('serves a request that crosses four services, with no permission violation anywhere', async () => {
    const headers = { 'x-api-key': platform.adminKey, 'content-type': 'application/json' };
    const status = (await (await fetch(`${platform.apiUrl}/status`, { headers })).json()) as { status: string };
    expect(status.status).toBe('ok');
    const res = await fetch(`${platform.apiUrl}/images`, { method: 'POST', headers, body: JSON.stringify({ reference: '127.0.0.1:9/team/app:2.0' }) });
    expect(res.status).toBe(202);
    const { submissionId } = (await res.json()) as { submissionId: string };
    const audit = await eventually(
      async () => {
        const r = (await (await fetch(`${platform.apiUrl}/audit?resourceType=scan&limit=50`, { headers })).json()) as { items: Array<{ record: { details?: { submissionId?: string } } }> };
        return r.items.find((i) => i.record.details?.submissionId === submissionId);
      },
      { timeoutMs: 20_000, what: 'the scan.queue audit record' },
    );
    expect(audit).toBeDefined();
    expect((await (await fetch(`${platform.apiUrl}/audit/verify`, { headers })).json()) as { ok: boolean }).toMatchObject({ ok: true });
    const violations = Object.entries(platform.logs).flatMap(([service, lines]) => lines.filter((l) => /[Pp]ermissions? [Vv]iolation/.test(l)).map((l) => `${service}: ${l}`));
    expect(violations).toEqual([]);
  });
});
