import { resolveInfrastructure, type Infrastructure } from '@lazaret/testing';

let infra: Infrastructure | undefined;

/** Resolves real NATS and Postgres once per test run and hands them to every worker via env. */
export async function setup(): Promise<void> {
  infra = await resolveInfrastructure();
  process.env.NATS_URL = infra.natsUrl;
  process.env.DATABASE_URL = infra.databaseUrl;
  if (infra.origin.nats !== 'env' || infra.origin.postgres !== 'env') {
    process.stderr.write(`[lazaret tests] nats: ${infra.origin.nats}, postgres: ${infra.origin.postgres}\n`);
  }
}

export async function teardown(): Promise<void> {
  await infra?.stop();
}
