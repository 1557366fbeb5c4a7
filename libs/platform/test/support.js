"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.testMigration = void 0;
exports.testContract = testContract;
const contracts_1 = require("@lazaret/contracts");
const zod_1 = require("zod");
/** A contract on a stream of the test's own, so suites never touch the platform's streams. */
function testContract(stream, subject) {
    const contract = (0, contracts_1.defineEvent)({
        type: 'lazaret.test.item-recorded.v1',
        subject,
        stream: 'IMAGES',
        data: zod_1.z.strictObject({ item: zod_1.z.string().min(1), n: zod_1.z.number().int(), fail: zod_1.z.enum(['never', 'always', 'twice', 'permanent']).default('never') }),
    });
    return { ...contract, stream: stream };
}
const testMigration = (table) => class CreateItems1700000000001 {
    name = 'CreateItems1700000000001';
    async up(q) {
        await q.query(`CREATE TABLE ${table} (message_id uuid PRIMARY KEY, item text NOT NULL, n int NOT NULL)`);
    }
    async down(q) {
        await q.query(`DROP TABLE ${table}`);
    }
};
exports.testMigration = testMigration;
//# sourceMappingURL=support.js.map