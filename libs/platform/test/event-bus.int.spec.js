"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_child_process_1 = require("node:child_process");
const node_path_1 = require("node:path");
const contracts_1 = require("@lazaret/contracts");
const testing_1 = require("@lazaret/testing");
const sdk_trace_base_1 = require("@opentelemetry/sdk-trace-base");
const transport_node_1 = require("@nats-io/transport-node");
const vitest_1 = require("vitest");
const index_1 = require("../src/index");
const support_1 = require("./support");
const spans = new sdk_trace_base_1.InMemorySpanExporter();
(0, index_1.startTelemetry)('platform-test', { spanProcessors: [new sdk_trace_base_1.SimpleSpanProcessor(spans)] });
const logger = (0, index_1.createLogger)('platform-test', 'silent');
const stream = (0, testing_1.uniqueName)('T').toUpperCase();
const base = `lztest.${stream.toLowerCase()}`;
const table = 'items';
const schema = 'ingest';
let database;
let db;
let nc;
let bus;
const running = [];
async function rows(subjectTag) {
    return db.query(`SELECT message_id, item, n FROM ${table} WHERE item LIKE $1 ORDER BY n`, [`${subjectTag}%`]);
}
async function deadLetters() {
    const consumerName = (0, testing_1.uniqueName)('dl');
    await bus.jsm.consumers.add('DEADLETTER', { durable_name: consumerName, filter_subject: (0, contracts_1.deadLetterSubject)(stream), ack_policy: 'explicit' });
    const consumer = await bus.js.consumers.get('DEADLETTER', consumerName);
    const out = [];
    const batch = await consumer.fetch({ max_messages: 100, expires: 1000 });
    for await (const m of batch) {
        out.push(contracts_1.DeadLetterV1.schema.parse(m.json()));
        m.ack();
    }
    await bus.jsm.consumers.delete('DEADLETTER', consumerName);
    return out;
}
(0, vitest_1.beforeAll)(async () => {
    database = await (0, testing_1.createTestDatabase)('lzt_platform');
    db = await (0, index_1.openDatabase)({ url: database.url, schema, migrations: [(0, support_1.testMigration)(table)] });
    nc = await (0, index_1.connectNats)({ servers: (0, testing_1.testNatsUrl)(), name: 'platform-test' });
    bus = await index_1.EventBus.create(nc, 'ingest', logger);
    await bus.ensureStreams(['DEADLETTER']);
    await bus.jsm.streams.add({ name: stream, subjects: [`${base}.>`], duplicate_window: (0, transport_node_1.nanos)(60_000), max_age: (0, transport_node_1.nanos)(3_600_000) });
});
(0, vitest_1.afterAll)(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await bus?.jsm.streams.delete(stream).catch(() => undefined);
    await bus?.jsm.streams.purge('DEADLETTER', { filter: (0, contracts_1.deadLetterSubject)(stream) }).catch(() => undefined);
    await nc?.drain();
    await db?.destroy();
    await database?.drop();
});
(0, vitest_1.describe)('EventBus on real NATS JetStream and Postgres', () => {
    (0, vitest_1.it)('declares streams idempotently', async () => {
        await bus.ensureStreams(['DEADLETTER']);
        await bus.ensureStreams(['DEADLETTER']);
        const info = await bus.jsm.streams.info('DEADLETTER');
        (0, vitest_1.expect)(info.config.subjects).toEqual(['lazaret.deadletter.>']);
    });
    (0, vitest_1.it)('uses the envelope id as Nats-Msg-Id, so a repeated publish is stored once', async () => {
        const contract = (0, support_1.testContract)(stream, `${base}.dedupe`);
        const first = await bus.publish(contract, { item: 'dedupe', n: 1 });
        const again = await bus.publish(contract, { item: 'dedupe', n: 1 }, { id: first.id });
        (0, vitest_1.expect)(again.duplicate).toBe(true);
        (0, vitest_1.expect)(again.sequence).toBe(first.sequence);
        const stored = await bus.jsm.streams.getMessage(stream, { seq: first.sequence });
        (0, vitest_1.expect)(stored?.header.get('Nats-Msg-Id')).toBe(first.id);
        (0, vitest_1.expect)(stored?.header.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    });
    (0, vitest_1.it)('refuses to publish data outside the contract', async () => {
        const contract = (0, support_1.testContract)(stream, `${base}.bad`);
        await (0, vitest_1.expect)(bus.publish(contract, { item: '', n: 1.5 })).rejects.toMatchObject({ code: 'validation-failed' });
    });
    (0, vitest_1.it)('commits, then acks, each message once, and continues the producer trace', async () => {
        const subject = `${base}.happy`;
        const contract = (0, support_1.testContract)(stream, subject);
        const seen = [];
        running.push(await bus.consume({
            contract,
            durable: (0, testing_1.uniqueName)('happy'),
            unitOfWork: new index_1.TypeOrmUnitOfWork(db),
            handle: async (env, ctx) => {
                seen.push(env.id);
                await ctx.tx.query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
            },
        }));
        const traceId = await (0, index_1.withSpan)('test-root', {}, async (span) => {
            for (let n = 0; n < 20; n++)
                await bus.publish(contract, { item: `happy-${n}`, n });
            return span.spanContext().traceId;
        });
        await (0, testing_1.eventually)(async () => ((await rows('happy')).length === 20 ? true : undefined), { what: '20 rows' });
        (0, vitest_1.expect)(new Set(seen).size).toBe(20);
        const consumed = await (0, testing_1.eventually)(() => {
            const s = spans.getFinishedSpans().filter((sp) => sp.name === 'process lazaret.test.item-recorded.v1' && sp.spanContext().traceId === traceId);
            return s.length >= 20 ? s : undefined;
        });
        const producers = spans.getFinishedSpans().filter((sp) => sp.name === 'publish lazaret.test.item-recorded.v1' && sp.spanContext().traceId === traceId);
        const producerIds = new Set(producers.map((p) => p.spanContext().spanId));
        for (const span of consumed)
            (0, vitest_1.expect)(producerIds.has(span.parentSpanContext?.spanId ?? '')).toBe(true);
        const info = await bus.jsm.consumers.info(stream, running.at(-1).durable);
        (0, vitest_1.expect)(info.num_ack_pending).toBe(0);
        (0, vitest_1.expect)(info.num_pending).toBe(0);
    });
    (0, vitest_1.it)('dead-letters malformed and schema-invalid messages with the reason, and keeps going', async () => {
        const subject = `${base}.poison`;
        const contract = (0, support_1.testContract)(stream, subject);
        running.push(await bus.consume({
            contract,
            durable: (0, testing_1.uniqueName)('poison'),
            unitOfWork: new index_1.TypeOrmUnitOfWork(db),
            handle: async (env, ctx) => {
                await ctx.tx.query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
            },
        }));
        await bus.js.publish(subject, 'this is {not json');
        await bus.js.publish(subject, Buffer.from([0xff, 0xfe, 0x00]));
        await bus.js.publish(subject, JSON.stringify({ id: 'x', type: contract.type }));
        const good = await bus.publish(contract, { item: 'poison-good', n: 1 });
        await bus.js.publish(subject, JSON.stringify({ ...validEnvelope(contract.type), data: { item: 'x', n: 'NaN', extra: true } }));
        await (0, testing_1.eventually)(async () => ((await rows('poison-good')).length === 1 ? true : undefined), { what: 'the good message' });
        const letters = await (0, testing_1.eventually)(async () => {
            const all = (await deadLetters()).filter((d) => d.data.subject === subject);
            return all.length >= 4 ? all : undefined;
        }, { timeoutMs: 15_000, what: '4 dead letters' });
        const codes = letters.map((l) => l.data.reason.code).sort();
        (0, vitest_1.expect)(codes).toEqual(['invalid-envelope', 'malformed-json', 'malformed-json', 'schema-invalid']);
        for (const l of letters)
            (0, vitest_1.expect)(l.data.payloadBase64.length).toBeGreaterThan(0);
        (0, vitest_1.expect)((await rows('poison-good'))[0].message_id).toBe(good.id);
    });
    (0, vitest_1.it)('retries failing handlers with backoff and dead-letters after the allowed deliveries', async () => {
        const subject = `${base}.retry`;
        const contract = (0, support_1.testContract)(stream, subject);
        const attempts = new Map();
        running.push(await bus.consume({
            contract,
            durable: (0, testing_1.uniqueName)('retry'),
            unitOfWork: new index_1.TypeOrmUnitOfWork(db),
            maxDeliver: 3,
            backoffBaseMs: 100,
            batchSize: 8,
            handle: async (env, ctx) => {
                const n = (attempts.get(env.data.item) ?? 0) + 1;
                attempts.set(env.data.item, n);
                if (env.data.fail === 'always')
                    throw new Error('database exploded');
                if (env.data.fail === 'twice' && n <= 2)
                    throw new Error('transient');
                await ctx.tx.query(`INSERT INTO ${table} (message_id, item, n) VALUES ($1, $2, $3)`, [env.id, env.data.item, env.data.n]);
            },
        }));
        await bus.publish(contract, { item: 'retry-ok', n: 1 });
        await bus.publish(contract, { item: 'retry-twice', n: 2, fail: 'twice' });
        const doomed = await bus.publish(contract, { item: 'retry-always', n: 3, fail: 'always' });
        await (0, testing_1.eventually)(async () => ((await rows('retry-')).length === 2 ? true : undefined), { timeoutMs: 15_000, what: 'two rows' });
        const letter = await (0, testing_1.eventually)(async () => (await deadLetters()).find((d) => d.data.originalMessageId === doomed.id), {
            timeoutMs: 15_000,
            what: 'dead letter of the always-failing message',
        });
        (0, vitest_1.expect)(letter.data.deliveries).toBe(3);
        (0, vitest_1.expect)(letter.data.reason.message).toContain('database exploded');
        (0, vitest_1.expect)(attempts.get('retry-always')).toBe(3);
        (0, vitest_1.expect)(attempts.get('retry-twice')).toBe(3);
        (0, vitest_1.expect)((await rows('retry-')).map((r) => r.item)).toEqual(['retry-ok', 'retry-twice']);
    });
    (0, vitest_1.it)('does not apply a message twice when the consumer is killed between commit and ack', async () => {
        const subject = `${base}.crash`;
        const contract = (0, support_1.testContract)(stream, subject);
        const durable = (0, testing_1.uniqueName)('crash');
        const child = (0, node_child_process_1.spawn)(process.execPath, [(0, node_path_1.join)(__dirname, 'fixtures', 'crash-consumer.js'), (0, testing_1.testNatsUrl)(), database.url, schema, stream, subject, durable, table], {
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d.toString()));
        child.stderr.on('data', (d) => (err += d.toString()));
        const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
        try {
            await (0, testing_1.eventually)(() => (out.includes('ready') ? true : err ? Promise.reject(new Error(err)) : undefined), { timeoutMs: 20_000, what: 'child ready' });
            const sent = await bus.publish(contract, { item: 'crash-once', n: 7 });
            (0, vitest_1.expect)(await exited).toBe('SIGKILL');
            (0, vitest_1.expect)(out).toContain('committed');
            // The row is committed, but the message was never acknowledged.
            (0, vitest_1.expect)((await rows('crash-once')).length).toBe(1);
            let applied = 0;
            const redelivered = [];
            running.push(await bus.consume({
                contract,
                durable,
                unitOfWork: new index_1.TypeOrmUnitOfWork(db),
                ackWaitMs: 2000,
                handle: async () => {
                    applied++;
                },
                onCommitted: () => redelivered.push(Date.now()),
            }));
            await (0, testing_1.eventually)(() => (redelivered.length > 0 ? true : undefined), { timeoutMs: 20_000, what: 'redelivery' });
            (0, vitest_1.expect)(applied).toBe(0);
            (0, vitest_1.expect)((await rows('crash-once')).map((r) => r.message_id)).toEqual([sent.id]);
            await (0, testing_1.eventually)(async () => ((await bus.jsm.consumers.info(stream, durable)).num_ack_pending === 0 ? true : undefined), { what: 'ack' });
        }
        finally {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGKILL');
        }
    });
});
function validEnvelope(type) {
    return (0, contracts_1.createEnvelope)({ type }, {}, { source: 'ingest' });
}
//# sourceMappingURL=event-bus.int.spec.js.map