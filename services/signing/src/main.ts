import { createPlatform, startService } from '@lazaret/platform';
import { SigningModule } from './signing.module';

async function main(): Promise<void> {
  const platform = await createPlatform({ service: 'signing', streams: ['AUDIT'], database: { migrations: [] } });
  await startService(platform, { module: SigningModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`signing failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
