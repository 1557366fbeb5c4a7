/**
 * The whole platform on the least-privilege NATS configuration of infra/nats: every service
 * connects as its own user with its own reply inbox, and everything still works end to end
 * without a single permission violation.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { checkTools, createTestDatabase, eventually, startNatsServer, startPlatform, type NatsServerHandle, type RunningPlatform, type TestDatabase } from '@lazaret/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianFixture, IMAGE_TEST_TOOLS } from '../../libs/scanner/test/fixtures';

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

  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail' || !platform) return;
    for (const [service, lines] of Object.entries(platform.logs)) {
      const bad = lines.filter((l) => /"level":"(warn|error|fatal)"|failed|Violation/.test(l)).slice(-6);
      if (bad.length) process.stderr.write(`--- ${service}\n${bad.join('\n')}\n`);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await nats?.stop();
    await database?.drop();
  });

  const imageTools = checkTools(...IMAGE_TEST_TOOLS);
  it.skipIf(imageTools.skip || process.getuid?.() !== 0)('scans an uploaded archive kept in the Object Store', async () => {
    const debian = await ensureDebianFixture();
    const res = await fetch(`${platform.apiUrl}/scans/archive?format=oci-archive&name=uploaded/debian:12`, {
      method: 'POST',
      headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/octet-stream', 'content-length': String(statSync(debian.ociArchive).size) },
      body: Readable.toWeb(createReadStream(debian.ociArchive)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const scan = await eventually(
      async () => {
        const s = (await (await fetch(`${platform.apiUrl}/scans/${id}`, { headers: { 'x-api-key': platform.adminKey } })).json()) as { status: string };
        return s.status === 'succeeded' || s.status === 'failed' ? s : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'the upload scan' },
    );
    expect(scan).toMatchObject({ status: 'succeeded', os: { id: 'debian' }, image: { reference: 'uploaded/debian:12' } });
    expect((scan as unknown as { packageCount: number }).packageCount).toBeGreaterThan(80);
    const wrongType = await fetch(`${platform.apiUrl}/scans/archive?format=oci-archive`, { method: 'POST', headers: { 'x-api-key': platform.adminKey, 'content-type': 'text/plain' }, body: 'x' });
    expect(wrongType.status).toBe(415);
    const empty = await fetch(`${platform.apiUrl}/scans/archive?format=oci-archive`, { method: 'POST', headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/octet-stream' }, body: '' });
    expect(empty.status).toBe(400);
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
