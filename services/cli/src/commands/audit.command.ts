import type { ApiClient } from '../api-client';

interface Verify {
  ok: boolean;
  count: number;
  headHash: string | null;
  firstBroken: { seq: number; id: string | null; reason: string } | null;
}

/** `lazaret audit verify`: recompute the audit hash chain on the server. Exit 1 when broken. */
export async function auditVerifyCommand(api: ApiClient, format: 'table' | 'json', out: (s: string) => void): Promise<number> {
  const v = await api.get<Verify>('audit/verify');
  if (format === 'json') out(JSON.stringify(v, null, 2));
  else if (v.ok) out(`audit chain intact: ${v.count} records, head ${v.headHash ?? '(empty)'}`);
  else out(`audit chain BROKEN at seq ${v.firstBroken?.seq} (${v.firstBroken?.reason}); ${v.count} records verified before it`);
  return v.ok ? 0 : 1;
}
