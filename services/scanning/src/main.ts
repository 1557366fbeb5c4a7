import { createPlatform, startService } from '@lazaret/platform';
import { SCANNING_MIGRATIONS } from './adapters/migrations';
import { ScanningConfigSchema } from './config';
import { ScanningModule } from './scanning.module';

async function main(): Promise<void> {
  const platform = await createPlatform({
    service: 'scanning',
    configSchema: ScanningConfigSchema,
    streams: ['IMAGES', 'RUNTIME', 'AUDIT', 'DEADLETTER'],
    database: { migrations: SCANNING_MIGRATIONS },
  });
  await startService(platform, { module: ScanningModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`scanning failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
