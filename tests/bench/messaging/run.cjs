#!/usr/bin/env node
// Messaging benchmark: publish -> durable consume -> Postgres commit -> ack through
// libs/platform (batched, idempotent), against raw @nats-io/jetstream publish/consume/ack on the
// same server in the same process. Reports both rates and their ratio (machines are noisy:
// compare the ratio, not the absolute numbers).
//
//   npm run bench:messaging [-- --messages 20000 --rounds 3]
'use strict';
const { parseArgs } = require('node:util');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { connect, nanos } = require('@nats-io/transport-node');
const { jetstream, jetstreamManager, AckPolicy } = require('@nats-io/jetstream');
const { EventBus, connectNats, createLogger, openDatabase, TypeOrmUnitOfWork } = require('@lazaret/platform');
const { defineEvent } = require('@lazaret/contracts');
const { z } = require('zod');

const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '2' }, messages: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' }, batch: { type: 'string', default: '256' }, window: { type: 'string', default: '512' } },
});
const N = Number(values.messages);
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const WINDOW = Number(values.window);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const tag = randomBytes(4).toString('hex');
const STREAM = `BENCH_${tag.toUpperCase()}`;
const logger = createLogger('bench', 'silent');

const data = (i) => ({ service: 'gateway', action: 'apikey.create', actor: { type: 'principal', id: `p-${i % 100}` }, outcome: 'success', resource: { type: 'api-key', id: `k${i}` }, details: { n: i, note: 'x'.repeat(120) } });

/** Publishes with at most WINDOW acks outstanding (both variants use the same pattern). */
async function pipelined(count, publishOne) {
  const inflight = new Set();
  for (let i = 0; i < count; i++) {
    const p = publishOne(i).then(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function rawRound(round) {
  const nc = await connect({ servers: NATS_URL });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const subject = `bench.${tag}.raw.${round}`;
  const durable = `raw-${round}`;
  await jsm.consumers.add(STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: subject, max_ack_pending: 10_000 });
  const consumer = await js.consumers.get(STREAM, durable);
  const start = performance.now();
  let acked = 0;
  const done = (async () => {
    const messages = await consumer.consume({ max_messages: BATCH * 2 });
    for await (const m of messages) {
      JSON.parse(new TextDecoder().decode(m.data));
      m.ack();
      if (++acked === N) break;
    }
  })();
  await pipelined(N, (i) => js.publish(subject, JSON.stringify({ id: `${round}-${i}`, data: data(i) }), { msgID: `raw-${tag}-${round}-${i}` }));
  await done;
  const seconds = (performance.now() - start) / 1000;
  await nc.drain();
  return N / seconds;
}

async function platformRound(round, db) {
  const nc = await connectNats({ servers: NATS_URL, name: 'bench' });
  const bus = await EventBus.create(nc, 'audit', logger);
  const subject = `bench.${tag}.platform.${round}`;
  const contract = {
    ...defineEvent({ type: 'lazaret.bench.recorded.v1', subject, stream: 'IMAGES', data: z.record(z.string(), z.unknown()) }),
    stream: STREAM,
  };
  let committed = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const start = performance.now();
  await bus.consume({
    contract,
    durable: `platform-${round}`,
    unitOfWork: new TypeOrmUnitOfWork(db),
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    handle: async () => {
      throw new Error('handleBatch is used');
    },
    handleBatch: async (envelopes, { tx }) => {
      await tx.query('INSERT INTO bench_events (id, payload) SELECT * FROM unnest($1::uuid[], $2::jsonb[])', [envelopes.map((e) => e.id), envelopes.map((e) => JSON.stringify(e.data))]);
    },
    onCommitted: (envs) => {
      committed += envs.length;
      if (committed >= N) finish();
    },
  });
  await pipelined(N, (i) => bus.publish(contract, data(i)));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  // Let the last acks leave before closing.
  await new Promise((r) => setTimeout(r, 200));
  const [{ count }] = await db.query('SELECT count(*)::int AS count FROM bench_events');
  await bus.close();
  return { rate: N / seconds, rows: count };
}

async function main() {
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const dbName = `lzbench_${tag}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${dbName}`;
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: [`bench.${tag}.>`], max_age: nanos(3_600_000), duplicate_window: nanos(120_000) });
  const Bench = class {
    name = 'CreateBench1700000000999';
    async up(q) {
      await q.query('CREATE TABLE bench_events (id uuid PRIMARY KEY, payload jsonb NOT NULL)');
    }
    async down() {}
  };
  const db = await openDatabase({ url: url.toString(), schema: 'bench', migrations: [Bench] });
  const raw = [];
  const platform = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await rawRound(round));
      await db.query('TRUNCATE bench_events');
      const p = await platformRound(round, db);
      if (p.rows !== N) throw new Error(`platform round ${round}: ${p.rows} rows committed, expected ${N}`);
      platform.push(p.rate);
      process.stderr.write(`round ${round + 1}/${ROUNDS}: raw ${raw[round].toFixed(0)} msg/s, platform ${p.rate.toFixed(0)} msg/s\n`);
    }
  } finally {
    await db.destroy();
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await nc.drain();
    await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = median(raw);
  const p = median(platform);
  const result = {
    messages: N,
    rounds: ROUNDS,
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    publishWindow: WINDOW,
    rawJetStreamMsgPerSec: Math.round(r),
    platformWithPostgresMsgPerSec: Math.round(p),
    ratio: Number((p / r).toFixed(3)),
    target: 0.7,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err && err.stack}\n`);
  process.exit(1);
});
