import type { Logger } from 'pino';
import { Client } from 'pg';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner, type MixedList, type EntitySchema } from 'typeorm';
import type { UnitOfWork } from '../messaging/event-bus';
import { CreateOutbox1700000000001 } from '../messaging/outbox';

export type Migration = new () => MigrationInterface;
type EntityList = MixedList<string | (new (...args: never[]) => unknown) | EntitySchema>;

export interface DatabaseOptions {
  url: string;
  /** The service's own Postgres schema: it writes nowhere else. */
  schema: string;
  entities?: EntityList;
  /** The service's migrations, in order. The platform's own (processed messages, outbox) run first. */
  migrations: Migration[];
  logger?: Logger;
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * A TypeORM data source bound to one schema. Migrations run at start-up under an advisory lock
 * (several replicas may start at once); `synchronize` is never used.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  await withMigrationLock(options.url, options.schema, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  });
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: [CreateProcessedMessages1700000000000, CreateOutbox1700000000001, ...options.migrations],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    // Raw SQL (migrations, repositories) resolves unqualified names in the service's own schema.
    extra: { max: options.poolSize ?? 10, application_name: `lazaret-${options.schema}`, options: `-c search_path=${options.schema}` },
  });
  await dataSource.initialize();
  try {
    await withMigrationLock(options.url, options.schema, async () => {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) options.logger?.info({ schema: options.schema, migrations: applied.map((m) => m.name) }, 'migrations applied');
    });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

async function withMigrationLock(url: string, schema: string, fn: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`lazaret-migrate-${schema}`]);
    try {
      await fn(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`lazaret-migrate-${schema}`]);
    }
  } finally {
    await client.end();
  }
}

/** Every service's inbox of handled message ids (idempotent consumers). */
export class CreateProcessedMessages1700000000000 implements MigrationInterface {
  name = 'CreateProcessedMessages1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE processed_messages (
      consumer text NOT NULL,
      message_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`);
    await q.query('CREATE INDEX processed_messages_at ON processed_messages (processed_at)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processed_messages');
  }
}

/** UnitOfWork over a TypeORM data source: one transaction, with the processed-message claim in it. */
export class TypeOrmUnitOfWork implements UnitOfWork<EntityManager> {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  async claim(tx: EntityManager, consumer: string, messageIds: string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows: Array<{ message_id: string }> = await tx.query(
      `INSERT INTO processed_messages (consumer, message_id)
       SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING
       RETURNING message_id`,
      [consumer, messageIds],
    );
    return new Set(rows.map((r) => r.message_id));
  }
}

/** TypeORM answers `UPDATE/DELETE … RETURNING` with `[rows, affected]` and `INSERT … RETURNING` with rows. */
export function returnedRows<T>(result: T[] | [T[], number]): T[] {
  return Array.isArray(result[0]) && result.length === 2 && typeof result[1] === 'number' ? (result[0] as T[]) : (result as T[]);
}
