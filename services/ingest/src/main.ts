import { createPlatform, startService } from '@lazaret/platform';
import { INGEST_MIGRATIONS } from './adapters/migrations';
import { IngestConfigSchema } from './config';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const platform = await createPlatform({
    service: 'ingest',
    configSchema: IngestConfigSchema,
    streams: ['IMAGES', 'RUNTIME', 'AGENTS', 'AUDIT', 'DEADLETTER'],
    database: { migrations: INGEST_MIGRATIONS },
  });
  await startService(platform, { module: IngestModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
