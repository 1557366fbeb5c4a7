import { type StreamName } from '@lazaret/contracts';
import { z } from 'zod';
/** A contract on a stream of the test's own, so suites never touch the platform's streams. */
export declare function testContract(stream: string, subject: string): {
    stream: StreamName;
    kind: "event";
    type: "lazaret.test.item-recorded.v1";
    subject: string;
    data: z.ZodObject<{
        item: z.ZodString;
        n: z.ZodNumber;
        fail: z.ZodDefault<z.ZodEnum<{
            never: "never";
            always: "always";
            twice: "twice";
            permanent: "permanent";
        }>>;
    }, z.core.$strict>;
    schema: z.ZodObject<{
        id: z.ZodString;
        type: z.ZodLiteral<"lazaret.test.item-recorded.v1">;
        occurredAt: z.ZodISODateTime;
        source: z.ZodString;
        tenant: z.ZodDefault<z.ZodString>;
        data: z.ZodObject<{
            item: z.ZodString;
            n: z.ZodNumber;
            fail: z.ZodDefault<z.ZodEnum<{
                never: "never";
                always: "always";
                twice: "twice";
                permanent: "permanent";
            }>>;
        }, z.core.$strict>;
    }, z.core.$strict>;
    published: boolean;
};
export declare const testMigration: (table: string) => {
    new (): {
        name: string;
        up(q: {
            query(sql: string): Promise<unknown>;
        }): Promise<void>;
        down(q: {
            query(sql: string): Promise<unknown>;
        }): Promise<void>;
    };
};
