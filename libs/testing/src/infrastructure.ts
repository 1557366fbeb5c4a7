import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Client } from 'pg';

export interface Infrastructure {
  natsUrl: string;
  databaseUrl: string;
  /** Stops containers this process started (nothing when the env provided them). */
  stop(): Promise<void>;
  /** Where each came from, for the test log. */
  origin: { nats: 'env' | 'testcontainers'; postgres: 'env' | 'testcontainers' };
}

export class InfrastructureUnavailable extends Error {
  override readonly name = 'InfrastructureUnavailable';
}

/**
 * Real NATS (with JetStream) and Postgres for integration tests: from NATS_URL / DATABASE_URL when
 * set, otherwise containers started with testcontainers. When neither is possible it fails fast
 * with one line saying what to do.
 */
export async function resolveInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let natsUrl = env.NATS_URL;
  let databaseUrl = env.DATABASE_URL;
  const origin: Infrastructure['origin'] = { nats: 'env', postgres: 'env' };
  if (!natsUrl || !databaseUrl) {
    let tc: typeof import('testcontainers');
    try {
      tc = await import('testcontainers');
    } catch (err) {
      throw new InfrastructureUnavailable(`set NATS_URL and DATABASE_URL, or install Docker for testcontainers (${String(err)})`);
    }
    try {
      if (!natsUrl) {
        const nats = await new tc.GenericContainer('nats:2.10-alpine').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(tc.Wait.forLogMessage(/Server is ready/)).start();
        natsUrl = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
        origin.nats = 'testcontainers';
        stops.push(async () => void (await nats.stop()));
      }
      if (!databaseUrl) {
        const pg = await new tc.GenericContainer('postgres:16-alpine')
          .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
          .withExposedPorts(5432)
          .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
          .start();
        databaseUrl = `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;
        origin.postgres = 'testcontainers';
        stops.push(async () => void (await pg.stop()));
      }
    } catch (err) {
      await Promise.all(stops.map((s) => s().catch(() => undefined)));
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new InfrastructureUnavailable(`no NATS/Postgres for tests: set NATS_URL and DATABASE_URL, or make Docker available to testcontainers (${why})`);
    }
  }
  return { natsUrl, databaseUrl, origin, stop: async () => void (await Promise.all(stops.map((s) => s()))) };
}

/** The NATS URL of the test run (set by the global setup). */
export function testNatsUrl(): string {
  const url = process.env.NATS_URL;
  if (!url) throw new InfrastructureUnavailable('NATS_URL is not set: run tests through `npm test` (its global setup provides it)');
  return url;
}

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new InfrastructureUnavailable('DATABASE_URL is not set: run tests through `npm test` (its global setup provides it)');
  return url;
}

/** A short random name, safe for databases, schemas, streams and durable consumers. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the test Postgres server, so suites never see each other's rows. */
export async function createTestDatabase(prefix = 'lzt'): Promise<TestDatabase> {
  const base = new URL(testDatabaseUrl());
  const name = uniqueName(prefix).toLowerCase();
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base.toString() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function tcpAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
