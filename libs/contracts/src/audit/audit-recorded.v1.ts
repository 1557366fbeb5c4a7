import { z } from 'zod';
import { defineEvent } from '../common/envelope';
import { ActorSchema } from '../common/request';

export const AuditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

/**
 * One audit record, published by the service that acted on `lazaret.audit.<service>.<action>.v1`
 * (action with dots replaced by dashes). Details never carry secrets.
 */
export const AuditRecordData = z.strictObject({
  service: z.string().regex(/^[a-z]+$/),
  /** `<resource>.<verb>`, e.g. `apikey.create`, `auth.fail`, `image.submit`. */
  action: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/),
  actor: ActorSchema,
  outcome: AuditOutcomeSchema,
  resource: z.strictObject({ type: z.string().max(100), id: z.string().max(500) }).optional(),
  reason: z.string().max(2000).optional(),
  sourceIp: z.string().max(100).optional(),
  /** W3C trace id of the request that caused it, for correlation with traces. */
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])).optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordData>;

export const AuditRecordedV1 = defineEvent({
  type: 'lazaret.audit.recorded.v1',
  subject: 'lazaret.audit.*.*.v1',
  stream: 'AUDIT',
  data: AuditRecordData,
});

/** Subject for one record: `lazaret.audit.<service>.<action-with-dashes>.v1`. */
export function auditSubject(record: Pick<AuditRecord, 'service' | 'action'>): string {
  return `lazaret.audit.${record.service}.${record.action.replace(/\./g, '-')}.v1`;
}
