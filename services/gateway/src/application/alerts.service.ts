import { GetAlertV1, ListAlertsV1, type RequestOf } from '@lazaret/contracts';
import type { AuditPublisher, ServiceClient } from '@lazaret/platform';
import { actorOf, type Caller } from './auth.service';

/** Alerts are correlation's. Reading them is audited: they name principals and what they did. */
export class AlertsService {
  constructor(
    private readonly client: ServiceClient,
    private readonly audit: AuditPublisher,
  ) {}

  async list(caller: Caller, filter: RequestOf<typeof ListAlertsV1>) {
    const result = await this.client.request(ListAlertsV1, filter);
    await this.audit.record({ action: 'alert.read', actor: actorOf(caller), outcome: 'success', details: { filter: JSON.stringify(filter).slice(0, 500), returned: result.items.length } });
    return result;
  }

  async get(caller: Caller, alertId: string) {
    const alert = await this.client.request(GetAlertV1, { alertId });
    await this.audit.record({ action: 'alert.read', actor: actorOf(caller), outcome: 'success', resource: { type: 'alert', id: alertId } });
    return alert;
  }
}
