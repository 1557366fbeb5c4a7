import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, LoggerService, Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { stopTelemetry } from '../telemetry/telemetry';
import { natsServers } from '../messaging/connection';
import { defaultOpsPort, type PlatformContext } from './platform-context';
import { PlatformModule } from './platform.module';

export interface StartOptions {
  /** The service's root module; it is given the platform module. */
  module: Type | DynamicModule;
  /** HTTP port (gateway API, or the ops endpoints elsewhere). */
  port?: number;
  /** Request body limit in bytes (413 above it). */
  bodyLimit?: number;
  /** Serve requests on NATS (every backend service). */
  rpc?: boolean;
  /** Extra Fastify set-up before Nest registers routes (hooks, parsers). */
  configureFastify?: (adapter: FastifyAdapter) => void;
}

/** Nest's own logs, through the service's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/**
 * Creates and starts the Nest application of a service: Fastify HTTP (ops endpoints, and the API
 * in the gateway) and, for backend services, the NATS request/reply server in the service's queue
 * group. Handles SIGTERM/SIGINT by closing everything in order.
 */
export async function startService(platform: PlatformContext, options: StartOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1024 * 1024, logger: false });
  options.configureFastify?.(adapter);
  const root: DynamicModule = { module: class LazaretRootModule {}, imports: [PlatformModule.forRoot(platform), options.module] };
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger: new PinoNestLogger(platform.logger), bufferLogs: false });
  if (options.rpc) {
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.NATS,
      options: {
        servers: natsServers(platform.config.NATS_URL),
        user: platform.config.NATS_USER,
        pass: platform.config.NATS_PASSWORD,
        inboxPrefix: platform.config.NATS_INBOX_PREFIX,
        queue: platform.service,
        name: `${platform.service}-rpc/${platform.instance}`,
        maxReconnectAttempts: -1,
      },
    });
    await app.startAllMicroservices();
  }
  const port = options.port ?? platform.config.LAZARET_HTTP_PORT ?? defaultOpsPort(platform.service);
  await app.listen(port, platform.config.LAZARET_HOST);
  platform.logger.info({ port, host: platform.config.LAZARET_HOST, instance: platform.instance }, `${platform.service} started`);
  installShutdown(platform, app);
  return app;
}

function installShutdown(platform: PlatformContext, app: NestFastifyApplication): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.logger.info({ signal }, `${platform.service} stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await platform.close();
      await stopTelemetry();
    } catch (err) {
      platform.logger.error({ err }, 'error while stopping');
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => platform.logger.error({ err: reason }, 'unhandled rejection'));
}
