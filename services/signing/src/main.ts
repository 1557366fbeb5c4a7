import { createPlatform, startService } from '@lazaret/platform';
import { SIGNING_MIGRATIONS } from './adapters/migrations';
import { SigningConfigSchema } from './config';
import { kekProvider, SigningModule } from './signing.module';

async function main(): Promise<void> {
  const platform = await createPlatform({ service: 'signing', configSchema: SigningConfigSchema, streams: ['AUDIT'], database: { migrations: SIGNING_MIGRATIONS } });
  // A KEK that does not parse stops the service before it can store anything.
  try {
    kekProvider(platform.config);
  } catch (err) {
    process.stderr.write(`invalid configuration: LAZARET_KEK: ${err instanceof Error ? err.message : 'unusable key-encryption key'}\n`);
    process.exit(78);
  }
  await startService(platform, { module: SigningModule, rpc: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`signing failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
