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
