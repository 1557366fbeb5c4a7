import type { Command } from '../command';
import { formatOf } from '../output';

interface Verify {
  ok: boolean;
  count: number;
  headHash: string | null;
  firstBroken: { seq: number; id: string | null; reason: string } | null;
}

/** `lazaret audit verify`: recompute the audit hash chain on the server. Exit 1 when broken. */
export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: "recompute the audit log's hash chain and report the first broken link",
  usage: 'lazaret audit verify [--format table|json]',
  async run({ api, values, io }) {
    const format = formatOf(values.format, ['table', 'json']);
    const v = await api().get<Verify>('audit/verify');
    if (format === 'json') io.out(JSON.stringify(v, null, 2));
    else if (v.ok) io.out(`audit chain intact: ${v.count} records, head ${v.headHash ?? '(empty)'}`);
    else io.out(`audit chain BROKEN at seq ${v.firstBroken?.seq} (${v.firstBroken?.reason}); ${v.count} records verified before it`);
    return v.ok ? 0 : 1;
  },
};
