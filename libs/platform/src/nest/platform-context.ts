import { hostname } from 'node:os';
import { DEFAULT_OPS_PORTS, type ServiceName, type StreamName } from '@lazaret/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import { BaseConfigSchema, loadConfigOrExit, type BaseConfig } from '../config/config';
import { openDatabase, type DatabaseOptions } from '../db/database';
import { createLogger } from '../logging/logger';
import { connectNats, natsServers } from '../messaging/connection';
import { EventBus } from '../messaging/event-bus';
import { AuditPublisher } from '../messaging/audit';
import { Outbox } from '../messaging/outbox';
import { startDefaultMetrics } from '../telemetry/metrics';
import { startTelemetry } from '../telemetry/telemetry';

export interface HealthCheckResult {
  name: string;
  status: 'up' | 'down';
  detail?: string;
}

/** Everything a service process shares: config, logger, NATS, JetStream, Postgres, health. */
export interface PlatformContext<C extends BaseConfig = BaseConfig> {
  service: ServiceName;
  instance: string;
  version: string;
  startedAt: number;
  config: C;
  logger: Logger;
  nc: NatsConnection;
  bus: EventBus;
  db?: DataSource;
  /** Transactional outbox (services with a database). */
  outbox?: Outbox;
  audit: AuditPublisher;
  healthChecks: Array<() => Promise<HealthCheckResult>>;
  /** Closes consumers, NATS and Postgres, in that order. */
  close(): Promise<void>;
}

export interface PlatformOptions<S extends z.ZodObject> {
  service: ServiceName;
  configSchema?: S;
  /** Streams this service publishes to or consumes from (declared at start-up). */
  streams: StreamName[];
  database?: Omit<DatabaseOptions, 'url' | 'logger' | 'schema'> & { schema?: string };
  env?: NodeJS.ProcessEnv;
}

export const VERSION = '0.1.0';

/**
 * Starts the shared parts of a service in the right order: telemetry first (so everything after
 * is traced), configuration (a bad variable stops the process with one line), NATS and the
 * streams, then Postgres and migrations.
 */
export async function createPlatform<S extends z.ZodObject = typeof BaseConfigSchema>(
  options: PlatformOptions<S>,
): Promise<PlatformContext<BaseConfig & z.infer<S>>> {
  startTelemetry(options.service, { version: VERSION });
  const schema = (options.configSchema ? BaseConfigSchema.extend(options.configSchema.shape) : BaseConfigSchema) as z.ZodObject;
  const config = loadConfigOrExit(schema, options.env ?? process.env) as BaseConfig & z.infer<S>;
  const logger = createLogger(options.service, config.LAZARET_LOG_LEVEL);
  startDefaultMetrics(options.service);
  const instance = config.LAZARET_INSTANCE ?? `${hostname()}-${process.pid}`;

  const nc = await connectNats({ servers: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD, inboxPrefix: config.NATS_INBOX_PREFIX, name: `${options.service}/${instance}` }, logger);
  const bus = await EventBus.create(nc, options.service, logger);
  await bus.ensureStreams(options.streams);

  let db: DataSource | undefined;
  if (options.database) {
    db = await openDatabase({ ...options.database, schema: options.database.schema ?? options.service, url: config.DATABASE_URL, logger });
  }

  let outbox: Outbox | undefined;
  if (db) {
    outbox = new Outbox(db, bus, options.service, logger);
    outbox.startRelay();
    void outbox.flush();
  }
  const audit = new AuditPublisher(bus, options.service, logger, outbox);

  const healthChecks: Array<() => Promise<HealthCheckResult>> = [
    async () => ({ name: 'nats', status: nc.isClosed() ? 'down' : 'up', detail: natsServers(config.NATS_URL).join(',') }),
  ];
  if (db) {
    const source = db;
    healthChecks.push(async () => {
      try {
        await Promise.race([source.query('SELECT 1'), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2_000))]);
        return { name: 'postgres', status: 'up' };
      } catch (err) {
        return { name: 'postgres', status: 'down', detail: err instanceof Error ? err.message : String(err) };
      }
    });
  }

  let closed = false;
  return {
    service: options.service,
    instance,
    version: VERSION,
    startedAt: Date.now(),
    config,
    logger,
    nc,
    bus,
    db,
    outbox,
    audit,
    healthChecks,
    async close() {
      if (closed) return;
      closed = true;
      outbox?.stopRelay();
      await bus.close();
      if (db?.isInitialized) await db.destroy();
    },
  };
}

export function defaultOpsPort(service: ServiceName): number {
  return service === 'gateway' ? 8080 : DEFAULT_OPS_PORTS[service];
}

export async function runHealthChecks(platform: PlatformContext): Promise<{ status: 'ok' | 'degraded' | 'down'; checks: HealthCheckResult[] }> {
  const checks = await Promise.all(platform.healthChecks.map((check) => check()));
  const down = checks.filter((c) => c.status === 'down').length;
  return { status: down === 0 ? 'ok' : down === checks.length ? 'down' : 'degraded', checks };
}
