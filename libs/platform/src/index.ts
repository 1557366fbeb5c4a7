export { DomainError, isDomainError, zodIssues } from './errors';
export { parseConfig, loadConfigOrExit, ConfigError, BaseConfigSchema, portSchema, type BaseConfig } from './config/config';
export { createLogger, REDACTED_PATHS, type Logger } from './logging/logger';
export {
  startTelemetry,
  stopTelemetry,
  tracer,
  withSpan,
  injectTraceHeaders,
  extractTraceContext,
  currentTraceId,
  SpanKind,
  type HeaderCarrier,
} from './telemetry/telemetry';
export { metricsRegistry, startDefaultMetrics, requestsServed, requestDuration } from './telemetry/metrics';
export { connectNats, natsServers, type NatsSettings } from './messaging/connection';
export { carrierOf, newHeaders, headersToRecord } from './messaging/headers';
export { AuditPublisher } from './messaging/audit';
export { Outbox, CreateOutbox1700000000001 } from './messaging/outbox';
export { EventBus, type UnitOfWork, type ConsumerSpec, type HandlerContext, type RunningConsumer } from './messaging/event-bus';
export { openDatabase, returnedRows, TypeOrmUnitOfWork, CreateProcessedMessages1700000000000, type DatabaseOptions, type Migration } from './db/database';
export { serveRequest, toErrorBody, RpcReplySchema, type RpcReply } from './nest/rpc';
export { ServiceClient, type ServiceClientOptions } from './nest/service-client';
export { createPlatform, runHealthChecks, defaultOpsPort, VERSION, type PlatformContext, type PlatformOptions, type HealthCheckResult } from './nest/platform-context';
export { PlatformModule, OpsController, PLATFORM, EVENT_BUS, DATA_SOURCE, LOGGER, OPS_ROUTE } from './nest/platform.module';
export { startService, PinoNestLogger, type StartOptions } from './nest/bootstrap';
