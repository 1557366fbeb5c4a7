import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createEnvelope, DeadLetterV1, deadLetterSubject, type Envelope } from '@lazaret/contracts';
import { createTestDatabase, eventually, testNatsUrl, uniqueName, type TestDatabase } from '@lazaret/testing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import type { DataSource, EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  createLogger,
  EventBus,
  openDatabase,
  startTelemetry,
  TypeOrmUnitOfWork,
  withSpan,
  type RunningConsumer,
} from '../src/index';
import { testContract, testMigration } from './support';

const spans = new InMemorySpanExporter();
startTelemetry('platform-test', { spanProcessors: [new SimpleSpanProcessor(spans)] });

const logger = createLogger('platform-test', 'silent');
const stream = uniqueName('T').toUpperCase();
const base = `lztest.${stream.toLowerCase()}`;
const table = 'items';
const schema = 'ingest';

let database: TestDatabase;
let db: DataSource;
let nc: NatsConnection;
let bus: EventBus;
const running: RunningConsumer[] = [];

async function rows(subjectTag: string): Promise<Array<{ message_id: string; item: string; n: number }>> {
  return db.query(`SELECT message_id, item, n FROM ${table} WHERE item LIKE $1 ORDER BY n`, [`${subjectTag}%`]);
}

async function deadLetters(): Promise<Envelope[]> {
  const consumerName = uniqueName('dl');
  await bus.jsm.consumers.add('DEADLETTER', { durable_name: consumerName, filter_subject: deadLetterSubject(stream), ack_policy: 'explicit' as never });
  const consumer = await bus.js.consumers.get('DEADLETTER', consumerName);
  const out: Envelope[] = [];
  const batch = await consumer.fetch({ max_messages: 100, expires: 1000 });
  for await (const m of batch) {
    out.push(DeadLetterV1.schema.parse(m.json()) as Envelope);
    m.ack();
  }
  await bus.jsm.consumers.delete('DEADLETTER', consumerName);
  return out;
}

beforeAll(async () => {
  database = await createTestDatabase('lzt_platform');
  db = await openDatabase({ url: database.url, schema, migrations: [testMigration(table)] });
  nc = await connectNats({ servers: testNatsUrl(), name: 'platform-test' });
  bus = await EventBus.create(nc, 'ingest', logger);
  await bus.ensureStreams(['DEADLETTER']);
  await bus.jsm.streams.add({ name: stream, subjects: [`${base}.>`], duplicate_window: nanos(60_000), max_age: nanos(3_600_000) });
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await bus?.jsm.streams.delete(stream).catch(() => undefined);
  await bus?.jsm.streams.purge('DEADLETTER', { filter: deadLetterSubject(stream) }).catch(() => undefined);
  await nc?.drain();
  await db?.destroy();
  await database?.drop();
});

describe('EventBus on real NATS JetStream and Postgres', () => {
  it("keeps the platform's tables in the service's own schema", async () => {
    const tables: Array<{ table_schema: string; table_name: string }> = await db.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('processed_messages', 'outbox', 'migrations', 'items') ORDER BY 2",
    );
    expect(tables).toEqual([
      { table_schema: schema, table_name: 'items' },
      { table_schema: schema, table_name: 'migrations' },
      { table_schema: schema, table_name: 'outbox' },
      { table_schema: schema, table_name: 'processed_messages' },
    ]);
  });

  it('hands whole batches (two in flight) to a batch handler, once per message', async () => {
    const subject = `${base}.batch`;
    const contract = testContract(stream, subject);
    const calls: number[] = [];
    running.push(
      await bus.consume({
        contract,
        durable: uniqueName('batch'),
        unitOfWork: new TypeOrmUnitOfWork(db),
        batchSize: 50,
        concurrency: 2,
        handle: async () => {
          throw new Error('the batch handler is used');
        },
        handleBatch: async (envs, { tx }) => {
          calls.push(envs.length);
          await (tx as EntityManager).query(
            `INSERT INTO ${table} (message_id, item, n) SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])`,
            [envs.map((e) => e.id), envs.map((e) => e.data.item), envs.map((e) => e.data.n)],
          );
        },
      }),
    );
    const sent = await Promise.all(Array.from({ length: 120 }, (_, n) => bus.publish(contract, { item: `batch-${n}`, n })));
    await bus.publish(contract, { item: 'batch-0', n: 0 }, { id: sent[0]!.id });
    await eventually(async () => ((await rows('batch-')).length === 120 ? true : undefined), { what: '120 rows' });
    expect(calls.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.max(...calls)).toBeGreaterThan(1);
  });

  it('declares streams idempotently', async () => {
    await bus.ensureStreams(['DEADLETTER']);
    await bus.ensureStreams(['DEADLETTER']);
    const info = await bus.jsm.streams.info('DEADLETTER');
    expect(info.config.subjects).toEqual(['lazaret.deadletter.>']);
  });

  it('uses the envelope id as Nats-Msg-Id, so a repeated publish is stored once', async () => {
    const contract = testContract(stream, `${base}.dedupe`);
    const first = await bus.publish(contract, { item: 'dedupe', n: 1 });
    const again = await bus.publish(contract, { item: 'dedupe', n: 1 }, { id: first.id });
    expect(again.duplicate).toBe(true);
    expect(again.sequence).toBe(first.sequence);
    const stored = await bus.jsm.streams.getMessage(stream, { seq: first.sequence });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(first.id);
    expect(stored?.header.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('refuses to publish data outside the contract', async () => {
    const contract = testContract(stream, `${base}.bad`);
    await expect(bus.publish(contract, { item: '', n: 1.5 } as never)).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('commits, then acks, each message once, and continues the producer trace', async () => {
    const subject = `${base}.happy`;
    const contract = testContract(stream, subject);
    const seen: string[] = [];
    running.push(
      await bus.consume({
        contract,
        durable: uniqueName('happy'),
        unitOfWork: new TypeOrmUnitOfWork(db),
        handle: async (env, ctx) => {
          seen.push(env.id);
          await (ctx.tx as EntityManager).query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
        },
      }),
    );
    const traceId = await withSpan('test-root', {}, async (span) => {
      for (let n = 0; n < 20; n++) await bus.publish(contract, { item: `happy-${n}`, n });
      return span.spanContext().traceId;
    });
    await eventually(async () => ((await rows('happy')).length === 20 ? true : undefined), { what: '20 rows' });
    expect(new Set(seen).size).toBe(20);
    const consumed = await eventually(() => {
      const s = spans.getFinishedSpans().filter((sp) => sp.name === 'process lazaret.test.item-recorded.v1' && sp.spanContext().traceId === traceId);
      return s.length >= 20 ? s : undefined;
    });
    const producers = spans.getFinishedSpans().filter((sp) => sp.name === 'publish lazaret.test.item-recorded.v1' && sp.spanContext().traceId === traceId);
    const producerIds = new Set(producers.map((p) => p.spanContext().spanId));
    for (const span of consumed) expect(producerIds.has(span.parentSpanContext?.spanId ?? '')).toBe(true);
    const info = await bus.jsm.consumers.info(stream, running.at(-1)!.durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('dead-letters malformed and schema-invalid messages with the reason, and keeps going', async () => {
    const subject = `${base}.poison`;
    const contract = testContract(stream, subject);
    running.push(
      await bus.consume({
        contract,
        durable: uniqueName('poison'),
        unitOfWork: new TypeOrmUnitOfWork(db),
        handle: async (env, ctx) => {
          await (ctx.tx as EntityManager).query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
        },
      }),
    );
    await bus.js.publish(subject, 'this is {not json');
    await bus.js.publish(subject, Buffer.from([0xff, 0xfe, 0x00]));
    await bus.js.publish(subject, JSON.stringify({ id: 'x', type: contract.type }));
    const good = await bus.publish(contract, { item: 'poison-good', n: 1 });
    await bus.js.publish(subject, JSON.stringify({ ...validEnvelope(contract.type), data: { item: 'x', n: 'NaN', extra: true } }));
    await eventually(async () => ((await rows('poison-good')).length === 1 ? true : undefined), { what: 'the good message' });
    const letters = await eventually(async () => {
      const all = (await deadLetters()).filter((d) => (d.data as { subject: string }).subject === subject);
      return all.length >= 4 ? all : undefined;
    }, { timeoutMs: 15_000, what: '4 dead letters' });
    const codes = letters.map((l) => (l.data as { reason: { code: string } }).reason.code).sort();
    expect(codes).toEqual(['invalid-envelope', 'malformed-json', 'malformed-json', 'schema-invalid']);
    for (const l of letters) expect((l.data as { payloadBase64: string }).payloadBase64.length).toBeGreaterThan(0);
    expect((await rows('poison-good'))[0]!.message_id).toBe(good.id);
  });

  it('retries failing handlers with backoff and dead-letters after the allowed deliveries', async () => {
    const subject = `${base}.retry`;
    const contract = testContract(stream, subject);
    const attempts = new Map<string, number>();
    running.push(
      await bus.consume({
        contract,
        durable: uniqueName('retry'),
        unitOfWork: new TypeOrmUnitOfWork(db),
        maxDeliver: 3,
        backoffBaseMs: 100,
        batchSize: 8,
        handle: async (env, ctx) => {
          const n = (attempts.get(env.data.item) ?? 0) + 1;
          attempts.set(env.data.item, n);
          if (env.data.fail === 'always') throw new Error('database exploded');
          if (env.data.fail === 'twice' && n <= 2) throw new Error('transient');
          await (ctx.tx as EntityManager).query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
        },
      }),
    );
    await bus.publish(contract, { item: 'retry-ok', n: 1 });
    await bus.publish(contract, { item: 'retry-twice', n: 2, fail: 'twice' });
    const doomed = await bus.publish(contract, { item: 'retry-always', n: 3, fail: 'always' });
    await eventually(async () => ((await rows('retry-')).length === 2 ? true : undefined), { timeoutMs: 15_000, what: 'two rows' });
    const letter = await eventually(async () => (await deadLetters()).find((d) => (d.data as { originalMessageId?: string }).originalMessageId === doomed.id), {
      timeoutMs: 15_000,
      what: 'dead letter of the always-failing message',
    });
    expect((letter.data as { deliveries: number }).deliveries).toBe(3);
    expect((letter.data as { reason: { message: string } }).reason.message).toContain('database exploded');
    expect(attempts.get('retry-always')).toBe(3);
    expect(attempts.get('retry-twice')).toBe(3);
    expect((await rows('retry-')).map((r) => r.item)).toEqual(['retry-ok', 'retry-twice']);
  });

  it('does not apply a message twice when the consumer is killed between commit and ack', async () => {
    const subject = `${base}.crash`;
    const contract = testContract(stream, subject);
    const durable = uniqueName('crash');
    const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'crash-consumer.js'), testNatsUrl(), database.url, schema, stream, subject, durable, table], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      await eventually(() => (out.includes('ready') ? true : err ? Promise.reject(new Error(err)) : undefined), { timeoutMs: 20_000, what: 'child ready' });
      const sent = await bus.publish(contract, { item: 'crash-once', n: 7 });
      expect(await exited).toBe('SIGKILL');
      expect(out).toContain('committed');
      // The row is committed, but the message was never acknowledged.
      expect((await rows('crash-once')).length).toBe(1);
      let applied = 0;
      const redelivered: number[] = [];
      running.push(
        await bus.consume({
          contract,
          durable,
          unitOfWork: new TypeOrmUnitOfWork(db),
          ackWaitMs: 2000,
          handle: async () => {
            applied++;
          },
          onCommitted: () => redelivered.push(Date.now()),
        }),
      );
      await eventually(() => (redelivered.length > 0 ? true : undefined), { timeoutMs: 20_000, what: 'redelivery' });
      expect(applied).toBe(0);
      expect((await rows('crash-once')).map((r) => r.message_id)).toEqual([sent.id]);
      await eventually(async () => ((await bus.jsm.consumers.info(stream, durable)).num_ack_pending === 0 ? true : undefined), { what: 'ack' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

function validEnvelope(type: string) {
  return createEnvelope({ type }, {}, { source: 'ingest' });
}
