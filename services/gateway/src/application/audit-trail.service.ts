import { AuditQueryV1, AuditVerifyV1, type RequestOf } from '@lazaret/contracts';
import type { AuditPublisher, ServiceClient } from '@lazaret/platform';
import { actorOf, type Caller } from './auth.service';

/** Reading the audit log is itself audited: who looked, and for what. */
export class AuditTrailService {
  constructor(
    private readonly client: ServiceClient,
    private readonly audit: AuditPublisher,
  ) {}

  async query(caller: Caller, filter: RequestOf<typeof AuditQueryV1>) {
    const result = await this.client.request(AuditQueryV1, filter);
    await this.audit.record({ action: 'audit.read', actor: actorOf(caller), outcome: 'success', details: { filter: JSON.stringify(filter).slice(0, 500), returned: result.items.length } });
    return result;
  }

  async verify(caller: Caller) {
    const result = await this.client.request(AuditVerifyV1, {}, { timeoutMs: 60_000 });
    await this.audit.record({ action: 'audit.verify', actor: actorOf(caller), outcome: result.ok ? 'success' : 'failure', details: { count: result.count, brokenAt: result.firstBroken?.seq ?? null } });
    return result;
  }
}
