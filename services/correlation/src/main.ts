import { createPlatform, startService } from '@lazaret/platform';
import { CORRELATION_MIGRATIONS } from './adapters/migrations';
import { CorrelationConfigSchema } from './config';
import { CorrelationModule } from './correlation.module';

async function main(): Promise<void> {
  const platform = await createPlatform({
    service: 'correlation',
    configSchema: CorrelationConfigSchema,
    streams: ['RUNTIME', 'ALERTS', 'AUDIT', 'DEADLETTER'],
    database: { migrations: CORRELATION_MIGRATIONS },
  });
  await startService(platform, { module: CorrelationModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`correlation failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
