import { createPlatform, startService } from '@lazaret/platform';
import { QuarantineModule } from './quarantine.module';

async function main(): Promise<void> {
  const platform = await createPlatform({ service: 'quarantine', streams: ['ALERTS', 'COMMANDS', 'AGENTS', 'AUDIT', 'DEADLETTER'], database: { migrations: [] } });
  await startService(platform, { module: QuarantineModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`quarantine failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
