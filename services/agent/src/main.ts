import { createPlatform, startService } from '@lazaret/platform';
import { AgentModule } from './agent.module';

async function main(): Promise<void> {
  // No streams declared: an agent's NATS identity may only publish its own subjects.
  const platform = await createPlatform({ service: 'agent', streams: [] });
  await startService(platform, { module: AgentModule, rpc: false });
}

main().catch((err: unknown) => {
  process.stderr.write(`agent failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
