import { AuditRecordedV1, auditSubject, type AuditRecord } from '@lazaret/contracts';
import type { Logger } from 'pino';
import { currentTraceId } from '../telemetry/telemetry';
import type { EntityManager } from 'typeorm';
import type { EventBus } from './event-bus';
import type { Outbox } from './outbox';

/**
 * Publishes audit records on `lazaret.audit.<service>.<action>.v1`. Every state-changing action
 * and every authentication failure goes through here. The trace id of the active request is
 * attached so an auditor can open the trace.
 */
export class AuditPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly service: string,
    private readonly logger: Logger,
    private readonly outbox?: Outbox,
  ) {}

  /** Writes the record in the same transaction as the change it describes (published after commit). */
  async enqueue(tx: EntityManager, record: Omit<AuditRecord, 'service'>, options: { tenant?: string } = {}): Promise<string> {
    if (!this.outbox) throw new Error('this service has no database outbox; use record()');
    const full: AuditRecord = { ...record, service: this.service, traceId: record.traceId ?? currentTraceId() };
    const envelope = await this.outbox.enqueue(tx, AuditRecordedV1, full, { subject: auditSubject(full), tenant: options.tenant });
    return envelope.id;
  }

  async record(record: Omit<AuditRecord, 'service'>, options: { tenant?: string } = {}): Promise<string> {
    const full: AuditRecord = { ...record, service: this.service, traceId: record.traceId ?? currentTraceId() };
    try {
      const { id } = await this.bus.publish(AuditRecordedV1, full, { subject: auditSubject(full), tenant: options.tenant });
      return id;
    } catch (err) {
      // An action must not succeed silently without its audit record: callers see the failure.
      this.logger.error({ err, action: full.action }, 'could not publish audit record');
      throw err;
    }
  }
}
