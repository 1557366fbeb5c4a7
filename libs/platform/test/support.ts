import { defineEvent, type StreamName } from '@lazaret/contracts';
import { z } from 'zod';

/** A contract on a stream of the test's own, so suites never touch the platform's streams. */
export function testContract(stream: string, subject: string) {
  const contract = defineEvent({
    type: 'lazaret.test.item-recorded.v1',
    subject,
    stream: 'IMAGES',
    data: z.strictObject({ item: z.string().min(1), n: z.number().int(), fail: z.enum(['never', 'always', 'twice', 'permanent']).default('never') }),
  });
  return { ...contract, stream: stream as StreamName };
}

export const testMigration = (table: string) =>
  class CreateItems1700000000001 {
    name = 'CreateItems1700000000001';
    async up(q: { query(sql: string): Promise<unknown> }) {
      await q.query(`CREATE TABLE ${table} (message_id uuid PRIMARY KEY, item text NOT NULL, n int NOT NULL)`);
    }
    async down(q: { query(sql: string): Promise<unknown> }) {
      await q.query(`DROP TABLE ${table}`);
    }
  };
