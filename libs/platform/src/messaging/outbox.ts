import type { Envelope, EventContract } from '@lazaret/contracts';
import { context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { z } from 'zod';
import { extractTraceContext, injectTraceHeaders, SpanKind, withSpan } from '../telemetry/telemetry';
import { buildEnvelope, type EventBus } from './event-bus';

/**
 * Transactional outbox: an event is written in the same transaction as the state it announces,
 * then published after commit. If the publish fails (NATS down, process killed), the relay
 * publishes it later; the envelope id is the Nats-Msg-Id, so a repeat is stored once.
 */
export class Outbox {
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  /** Adds an event to the transaction. Returns the envelope that will be published. */
  async enqueue<C extends EventContract>(
    tx: EntityManager,
    contract: C,
    data: z.input<C['data']>,
    options: { subject?: string; tenant?: string } = {},
  ): Promise<Envelope> {
    const { envelope, subject } = buildEnvelope(contract, data, { ...options, source: this.source });
    const trace: Record<string, string> = {};
    injectTraceHeaders({ get: (k) => trace[k] ?? '', set: (k, v) => (trace[k] = v) });
    await tx.query('INSERT INTO outbox (id, subject, envelope, trace) VALUES ($1, $2, $3, $4)', [envelope.id, subject, JSON.stringify(envelope), JSON.stringify(trace)]);
    return envelope;
  }

  /**
   * Runs `fn` in a traced transaction, then publishes what it enqueued. The way request handlers
   * change state: the events are never lost, and never announced for a rolled-back change.
   */
  async transaction<T>(name: string, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await withSpan(`pg ${name}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, () => this.db.transaction(fn));
    await this.flush();
    return result;
  }

  /** Publishes everything pending (call after commit). Never throws: the relay retries. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.publishPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Re-publishes leftovers every `intervalMs`. */
  startRelay(intervalMs = 2_000): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  stopRelay(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const rows: Array<{ id: string; subject: string; envelope: Envelope; trace: Record<string, string> }> = await this.db
        .query('SELECT id, subject, envelope, trace FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT 100')
        .catch((err: unknown) => {
          this.logger.warn({ err }, 'outbox read failed');
          return [];
        });
      if (rows.length === 0) return;
      for (const row of rows) {
        try {
          const parent = extractTraceContext({ get: (k) => row.trace[k] ?? '', set: () => undefined });
          await context.with(parent, () => this.bus.publishEnvelope(row.subject, row.envelope));
          await this.db.query('UPDATE outbox SET published_at = now() WHERE id = $1', [row.id]);
        } catch (err) {
          this.logger.warn({ err, id: row.id, subject: row.subject }, 'outbox publish failed; will retry');
          return;
        }
      }
      if (rows.length < 100) return;
    }
  }
}

export class CreateOutbox1700000000001 implements MigrationInterface {
  name = 'CreateOutbox1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      subject text NOT NULL,
      envelope jsonb NOT NULL,
      trace jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      published_at timestamptz
    )`);
    await q.query('CREATE INDEX outbox_pending ON outbox (created_at) WHERE published_at IS NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
  }
}
