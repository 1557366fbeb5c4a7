import { AlertRaisedV1, uuidv7, type Alert, type AlertView } from '@lazaret/contracts';
import { DomainError, type AuditPublisher, type Outbox } from '@lazaret/platform';
import type { EntityManager } from 'typeorm';
import type { AlertFilter, AlertRepository } from '../adapters/alert.repository';
import { foldEvidence, type Detection } from '../domain/detection-engine';

/**
 * Turns detections into alerts. A detection for a rule and subject that already has an alert
 * first seen within the rule's de-duplication window is folded into it (one more occurrence);
 * otherwise a new alert is stored, announced on `lazaret.alert.raised.v1` and audited, all in the
 * caller's transaction (outbox).
 */
export class AlertService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditPublisher,
  ) {}

  async raiseOrFold(tx: EntityManager, d: Detection): Promise<{ alertId: string; raised: boolean }> {
    const open = await this.alerts.findOpen(tx, d.ruleId, d.subjectKey, new Date(d.lastSeen.getTime() - d.dedupeSeconds * 1000));
    if (open) {
      await this.alerts.fold(tx, open.id, foldEvidence(open.evidence, d.evidence), d.firstSeen, d.lastSeen);
      return { alertId: open.id, raised: false };
    }
    const alertId = uuidv7();
    await this.alerts.insert(tx, alertId, d);
    await this.outbox.enqueue(tx, AlertRaisedV1, toAlert(alertId, d), { tenant: d.tenant });
    await this.audit.enqueue(
      tx,
      {
        action: 'alert.raise',
        actor: { type: 'service', id: 'correlation' },
        outcome: 'success',
        resource: { type: 'alert', id: alertId },
        details: { ruleId: d.ruleId, ruleVersion: d.ruleVersion, severity: d.severity, subject: d.actor.id, count: d.evidence.count },
      },
      { tenant: d.tenant },
    );
    return { alertId, raised: true };
  }

  list(filter: AlertFilter): Promise<AlertView[]> {
    return this.alerts.list(filter);
  }

  async get(id: string): Promise<AlertView> {
    const found = await this.alerts.get(id);
    if (!found) throw new DomainError('not-found', `no alert ${id}`);
    return found;
  }
}

function toAlert(alertId: string, d: Detection): Alert {
  return {
    alertId,
    ruleId: d.ruleId,
    ruleVersion: d.ruleVersion,
    severity: d.severity,
    title: d.title,
    description: d.description,
    actor: d.actor,
    ...(d.resource ? { resource: d.resource } : {}),
    evidence: d.evidence,
    firstSeen: d.firstSeen.toISOString(),
    lastSeen: d.lastSeen.toISOString(),
  };
}
