export { which, checkTools, assertTools, type ToolCheck } from './tools';
export {
  resolveInfrastructure,
  testNatsUrl,
  testDatabaseUrl,
  uniqueName,
  createTestDatabase,
  tcpAnswers,
  eventually,
  InfrastructureUnavailable,
  type Infrastructure,
  type TestDatabase,
} from './infrastructure';
export { freePort, startNatsServer, type NatsServerHandle } from './nats-server';
export { startPlatform, newAdminKey, PLATFORM_SERVICES, type RunningPlatform, type PlatformService } from './platform-harness';
export { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver';
