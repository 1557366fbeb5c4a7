import {
  AnyEnvelopeSchema,
  createEnvelope,
  DeadLetterV1,
  deadLetterSubject,
  STREAMS,
  subjectMatches,
  TenantSchema,
  UUID_V7,
  type Envelope,
  type EventContract,
  type StreamName,
} from '@lazaret/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { context, trace, SpanKind, type Context, type Link } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { DomainError, isDomainError, zodIssues } from '../errors';
import { handlerDuration, messagesConsumed, messagesPublished } from '../telemetry/metrics';
import { extractTraceContext, injectTraceHeaders, tracer, withSpan } from '../telemetry/telemetry';
import { carrierOf, headersToRecord, newHeaders } from './headers';

/**
 * A database transaction boundary for consumers. `claim` records message ids as processed in
 * the same transaction as the handler's writes and returns those never seen before, which
 * makes handling idempotent: a crash between commit and ack redelivers, and the redelivered
 * message is acknowledged without being applied again.
 */
export interface UnitOfWork<Tx> {
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  claim(tx: Tx, consumer: string, messageIds: string[]): Promise<Set<string>>;
}

export interface HandlerContext<Tx> {
  tx: Tx;
  subject: string;
  deliveryCount: number;
  streamSequence: number;
}

export interface ConsumerSpec<C extends EventContract, Tx> {
  contract: C;
  /** Durable consumer name, `<service>-<purpose>`. */
  durable: string;
  /** Concrete subject filter; defaults to the contract's subject pattern. */
  filterSubject?: string;
  handle: (envelope: z.infer<C['schema']>, ctx: HandlerContext<Tx>) => Promise<void>;
  /**
   * Optional: takes the fresh messages of a batch in one call (e.g. one multi-row INSERT) instead
   * of `handle` per message. Same transaction, same idempotency, same retry and dead-letter rules.
   */
  handleBatch?: (envelopes: Array<z.infer<C['schema']>>, ctx: { tx: Tx }) => Promise<void>;
  unitOfWork?: UnitOfWork<Tx>;
  /** Deliveries before a failing message goes to the dead-letter subject. */
  maxDeliver?: number;
  /** Messages handled in one transaction at most. */
  batchSize?: number;
  /**
   * Batches in flight at once (default 1). Above 1, messages of different batches may commit in
   * any order: only for handlers that do not depend on order (idempotency still holds).
   */
  concurrency?: number;
  /** Base delay before a failed message is redelivered; doubles per delivery, capped at 60 s. */
  backoffBaseMs?: number;
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs?: number;
  /** Called after a batch committed and before it is acknowledged (metrics; crash tests). */
  onCommitted?: (envelopes: Envelope[]) => void;
}

export interface RunningConsumer {
  readonly durable: string;
  stop(): Promise<void>;
}

interface Parsed {
  msg: JsMsg;
  envelope: Envelope;
  parent: Context;
}

export class EventBus {
  readonly js: JetStreamClient;
  private readonly consumers: RunningConsumer[] = [];

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly source: string,
    private readonly logger: Logger,
  ) {
    this.js = jetstream(nc);
  }

  static async create(nc: NatsConnection, source: string, logger: Logger): Promise<EventBus> {
    return new EventBus(nc, await jetstreamManager(nc), source, logger);
  }

  /** Creates the streams if missing, and widens their subjects or limits if they differ. Idempotent. */
  async ensureStreams(names: StreamName[]): Promise<void> {
    for (const name of new Set(names)) {
      const def = STREAMS[name];
      const wanted = {
        subjects: def.subjects,
        max_age: nanos(def.maxAgeSeconds * 1000),
        max_bytes: def.maxBytes,
        duplicate_window: nanos(def.duplicateWindowSeconds * 1000),
      };
      const existing = await this.jsm.streams.info(name).catch(() => undefined);
      if (!existing) {
        try {
          await this.jsm.streams.add({ name, ...wanted });
          continue;
        } catch (err) {
          // Another service created it meanwhile: fall through to verify it.
          if (!(await this.jsm.streams.info(name).catch(() => undefined))) throw err;
        }
      }
      const cfg = (await this.jsm.streams.info(name)).config;
      const same =
        JSON.stringify([...cfg.subjects].sort()) === JSON.stringify([...wanted.subjects].sort()) &&
        cfg.max_age === wanted.max_age &&
        cfg.max_bytes === wanted.max_bytes &&
        cfg.duplicate_window === wanted.duplicate_window;
      if (!same) await this.jsm.streams.update(name, { ...cfg, ...wanted });
    }
  }

  /**
   * Publishes one event to JetStream. The envelope id doubles as `Nats-Msg-Id`, so a retried
   * publish inside the stream's duplicate window is stored once. Trace context rides in headers.
   */
  async publish<C extends EventContract>(
    contract: C,
    data: z.input<C['data']>,
    options: { subject?: string; tenant?: string; id?: string } = {},
  ): Promise<{ id: string; sequence: number; duplicate: boolean }> {
    const { envelope, subject } = buildEnvelope(contract, data, { ...options, source: this.source });
    return this.publishEnvelope(subject, envelope);
  }

  /** Publishes an already-built envelope (validated by the caller). */
  async publishEnvelope(subject: string, envelope: Envelope): Promise<{ id: string; sequence: number; duplicate: boolean }> {
    return withSpan(
      `publish ${envelope.type}`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.message.id': envelope.id } },
      async () => {
        const headers = newHeaders();
        injectTraceHeaders(carrierOf(headers));
        const ack = await this.js.publish(subject, JSON.stringify(envelope), { msgID: envelope.id, headers });
        messagesPublished.inc({ type: envelope.type });
        return { id: envelope.id, sequence: ack.seq, duplicate: ack.duplicate };
      },
    );
  }

  /** Declares the durable pull consumer (idempotent) and starts handling messages. */
  async consume<C extends EventContract, Tx>(spec: ConsumerSpec<C, Tx>): Promise<RunningConsumer> {
    const stream = spec.contract.stream;
    const filter = spec.filterSubject ?? spec.contract.subject;
    const maxDeliver = spec.maxDeliver ?? 5;
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      ack_wait: nanos(spec.ackWaitMs ?? 30_000),
      // One more than ours, as a backstop: we dead-letter at maxDeliver ourselves.
      max_deliver: maxDeliver + 1,
      max_ack_pending: 1_000,
    };
    const existing = await this.jsm.consumers.info(stream, spec.durable).catch(() => undefined);
    if (!existing) {
      await this.jsm.consumers.add(stream, config).catch(async (err: unknown) => {
        if (!(await this.jsm.consumers.info(stream, spec.durable).catch(() => undefined))) throw err;
      });
    } else if (existing.config.filter_subject !== filter || existing.config.ack_wait !== config.ack_wait || existing.config.max_deliver !== config.max_deliver) {
      await this.jsm.consumers.update(stream, spec.durable, { filter_subject: filter, ack_wait: config.ack_wait, max_deliver: config.max_deliver });
    }
    const consumer = await this.js.consumers.get(stream, spec.durable);
    const batchSize = spec.batchSize ?? 64;
    const messages = await consumer.consume({ max_messages: Math.max(batchSize * 2, 16) });
    const worker = new BatchWorker(this, spec, stream, maxDeliver, batchSize, this.logger);
    const done = worker.pump(messages);
    const running: RunningConsumer = {
      durable: spec.durable,
      stop: async () => {
        await messages.close().catch(() => undefined);
        await done;
      },
    };
    this.consumers.push(running);
    return running;
  }

  async deadLetter(msg: JsMsg, stream: string, consumer: string, reason: { code: string; message: string }, envelopeId?: string): Promise<void> {
    await this.publish(
      DeadLetterV1,
      {
        stream,
        consumer,
        subject: msg.subject,
        streamSequence: msg.info.streamSequence,
        deliveries: msg.info.deliveryCount,
        reason: { code: reason.code, message: reason.message.slice(0, 2000) },
        originalMessageId: envelopeId,
        headers: headersToRecord(msg.headers),
        payloadBase64: Buffer.from(msg.data).toString('base64'),
      },
      { subject: deadLetterSubject(stream) },
    );
  }

  /** Stops every consumer, waiting for in-flight batches, then drains the connection. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds and checks an event: the envelope against its contract, the subject against the
 * contract's pattern. Publishing invalid data is a programming error, refused before it leaves.
 */
export function buildEnvelope<C extends EventContract>(
  contract: C,
  data: z.input<C['data']>,
  options: { source: string; subject?: string; tenant?: string; id?: string },
): { envelope: Envelope; subject: string } {
  // The envelope's own fields are ours; a caller-supplied id or tenant is checked, then the data.
  if (options.id !== undefined && !UUID_V7.test(options.id)) throw new DomainError('validation-failed', `event id ${options.id} is not a UUIDv7`);
  if (options.tenant !== undefined && !TenantSchema.safeParse(options.tenant).success) throw new DomainError('validation-failed', `invalid tenant ${options.tenant}`);
  const parsedData = contract.data.safeParse(data);
  if (!parsedData.success) {
    throw new DomainError('validation-failed', `event ${contract.type} does not match its contract`, { issues: zodIssues(parsedData.error.issues).map((i) => ({ ...i, path: `data.${i.path}` })) });
  }
  const checked = { data: createEnvelope(contract, parsedData.data, options) };
  const subject = options.subject ?? contract.subject;
  if (!subjectMatches(contract.subject, subject)) {
    throw new DomainError('validation-failed', `subject ${subject} does not fit ${contract.subject}`);
  }
  return { envelope: checked.data as Envelope, subject };
}

/** Pulls messages into batches: while one batch is in a transaction, the next accumulates. */
class BatchWorker<C extends EventContract, Tx> {
  private readonly queue: JsMsg[] = [];
  private waiters: Array<() => void> = [];
  private space?: () => void;
  private ended = false;

  constructor(
    private readonly bus: EventBus,
    private readonly spec: ConsumerSpec<C, Tx>,
    private readonly stream: string,
    private readonly maxDeliver: number,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {}

  async pump(messages: AsyncIterable<JsMsg>): Promise<void> {
    const loops = Array.from({ length: Math.max(1, this.spec.concurrency ?? 1) }, () => this.loop());
    try {
      for await (const msg of messages) {
        this.queue.push(msg);
        this.notify();
        if (this.queue.length >= this.batchSize * 4) await new Promise<void>((r) => (this.space = r));
      }
    } finally {
      this.ended = true;
      this.notify();
      await Promise.all(loops);
    }
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.queue.length === 0) {
        if (this.ended) return;
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      const batch = this.queue.splice(0, this.batchSize);
      this.space?.();
      this.space = undefined;
      const timer = handlerDuration.startTimer({ consumer: this.spec.durable });
      try {
        await this.handleBatch(batch);
      } catch (err) {
        // handleBatch settles every message itself; this is only a last line of defence.
        this.logger.error({ err, consumer: this.spec.durable }, 'consumer batch failed unexpectedly; messages will be redelivered');
      } finally {
        timer();
      }
    }
  }

  private async handleBatch(batch: JsMsg[]): Promise<void> {
    const parsed: Parsed[] = [];
    for (const msg of batch) {
      const result = this.parse(msg);
      if ('envelope' in result) parsed.push(result);
      else await this.reject(msg, result.code, result.message);
    }
    if (parsed.length === 0) return;
    try {
      await this.apply(parsed);
      for (const p of parsed) p.msg.ack();
      messagesConsumed.inc({ stream: this.stream, consumer: this.spec.durable, outcome: 'ok' }, parsed.length);
    } catch (err) {
      if (parsed.length > 1) {
        // Find the poisonous one: the rest of the batch must not suffer for it.
        for (const p of parsed) await this.handleBatch([p.msg]);
        return;
      }
      await this.fail(parsed[0]!, err);
    }
  }

  private parse(msg: JsMsg): Parsed | { code: string; message: string } {
    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(msg.data));
    } catch (err) {
      return { code: 'malformed-json', message: `message is not UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
    // One full parse on the hot path; the finer diagnosis only for messages that fail it.
    const full = this.spec.contract.schema.safeParse(json);
    if (full.success) {
      // Trace context is read from the headers only when a span needs it: decoding headers is a
      // measurable share of the hot path, and untraced batches never need it.
      let parent: Context | undefined;
      return {
        msg,
        envelope: full.data as Envelope,
        get parent() {
          return (parent ??= extractTraceContext(carrierOf(msg.headers)));
        },
      };
    }
    const envelope = AnyEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { code: 'invalid-envelope', message: describe(envelope.error.issues) };
    if (envelope.data.type !== this.spec.contract.type) {
      return { code: 'unexpected-type', message: `expected ${this.spec.contract.type}, got ${envelope.data.type}` };
    }
    return { code: 'schema-invalid', message: describe(full.error.issues) };
  }

  private async apply(parsed: Parsed[]): Promise<void> {
    const uow = this.spec.unitOfWork;
    const runHandlers = async (tx: Tx) => {
      const seen = new Set<string>();
      const fresh = uow ? await uow.claim(tx, this.spec.durable, parsed.map((p) => p.envelope.id)) : undefined;
      const todo: Parsed[] = [];
      for (const p of parsed) {
        if (seen.has(p.envelope.id)) continue;
        seen.add(p.envelope.id);
        if (fresh && !fresh.has(p.envelope.id)) {
          messagesConsumed.inc({ stream: this.stream, consumer: this.spec.durable, outcome: 'duplicate' });
          continue;
        }
        todo.push(p);
      }
      if (this.spec.handleBatch) {
        if (todo.length > 0) await this.spec.handleBatch(todo.map((p) => p.envelope as z.infer<C['schema']>), { tx });
        return;
      }
      for (const p of todo) await this.processOne(p, tx);
    };
    if (!uow) {
      await runHandlers(undefined as Tx);
    } else if (parsed.length === 1 && !this.spec.handleBatch) {
      // Typical low-traffic case: the transaction belongs to the message's own trace.
      const p = parsed[0]!;
      await context.with(p.parent, () =>
        withSpan(`process ${this.spec.contract.type}`, processAttributes(p, this.spec.durable), () =>
          withSpan(`pg transaction ${this.spec.durable}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, () =>
            uow.run(async (tx) => {
              const fresh = await uow.claim(tx, this.spec.durable, [p.envelope.id]);
              if (!fresh.has(p.envelope.id)) {
                messagesConsumed.inc({ stream: this.stream, consumer: this.spec.durable, outcome: 'duplicate' });
                return;
              }
              await this.spec.handle(p.envelope as z.infer<C['schema']>, ctxOf(p, tx));
            }),
          ),
        ),
      );
    } else {
      await tracer().startActiveSpan(`pg transaction ${this.spec.durable}`, { kind: SpanKind.CLIENT, attributes: { 'messaging.batch.message_count': parsed.length } }, async (span) => {
        // Links to each message's producer, when the span is recorded at all.
        if (span.isRecording()) {
          const links: Link[] = parsed.map((p) => ({ context: trace.getSpanContext(p.parent)! })).filter((l) => l.context);
          span.addLinks(links);
        }
        try {
          await uow.run(runHandlers);
        } finally {
          span.end();
        }
      });
    }
    this.spec.onCommitted?.(parsed.map((p) => p.envelope));
  }

  private async processOne(p: Parsed, tx: Tx): Promise<void> {
    await withSpan(`process ${this.spec.contract.type}`, { ...processAttributes(p, this.spec.durable), parent: p.parent }, () =>
      this.spec.handle(p.envelope as z.infer<C['schema']>, ctxOf(p, tx)),
    );
  }

  private async fail(p: Parsed, err: unknown): Promise<void> {
    const deliveries = p.msg.info.deliveryCount;
    const permanent = isDomainError(err) && !err.retryable;
    const code = isDomainError(err) ? err.code : 'handler-failed';
    const message = err instanceof Error ? err.message : String(err);
    if (permanent || deliveries >= this.maxDeliver) {
      await this.reject(p.msg, code, permanent ? message : `failed ${deliveries} times; last error: ${message}`, p.envelope.id);
      return;
    }
    const delay = Math.min((this.spec.backoffBaseMs ?? 1_000) * 2 ** (deliveries - 1), 60_000);
    this.logger.warn({ err, consumer: this.spec.durable, messageId: p.envelope.id, deliveries, retryInMs: delay }, 'message handling failed; will retry');
    messagesConsumed.inc({ stream: this.stream, consumer: this.spec.durable, outcome: 'retry' });
    p.msg.nak(delay);
  }

  /** Moves a message to `lazaret.deadletter.<stream>` and terminates it. Never loses it: if that publish fails, it is redelivered. */
  private async reject(msg: JsMsg, code: string, message: string, envelopeId?: string): Promise<void> {
    try {
      await this.bus.deadLetter(msg, this.stream, this.spec.durable, { code, message }, envelopeId);
      msg.term(`${code}: ${message}`.slice(0, 200));
      messagesConsumed.inc({ stream: this.stream, consumer: this.spec.durable, outcome: 'dead-lettered' });
      this.logger.warn({ consumer: this.spec.durable, subject: msg.subject, seq: msg.info.streamSequence, code, reason: message }, 'message dead-lettered');
    } catch (err) {
      this.logger.error({ err, consumer: this.spec.durable }, 'could not dead-letter a message; it will be redelivered');
      msg.nak(5_000);
    }
  }
}

function ctxOf<Tx>(p: Parsed, tx: Tx): HandlerContext<Tx> {
  return { tx, subject: p.msg.subject, deliveryCount: p.msg.info.deliveryCount, streamSequence: p.msg.info.streamSequence };
}

function processAttributes(p: Parsed, consumer: string) {
  return {
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.destination.name': p.msg.subject,
      'messaging.consumer.group.name': consumer,
      'messaging.message.id': p.envelope.id,
    },
  };
}

function describe(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return zodIssues(issues)
    .slice(0, 10)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
