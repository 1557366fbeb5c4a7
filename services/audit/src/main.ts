import { createPlatform, startService } from '@lazaret/platform';
import { AUDIT_MIGRATIONS } from './adapters/migrations';
import { AuditModule } from './audit.module';

async function main(): Promise<void> {
  const platform = await createPlatform({ service: 'audit', streams: ['AUDIT', 'DEADLETTER'], database: { migrations: AUDIT_MIGRATIONS } });
  await startService(platform, { module: AuditModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`audit failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
