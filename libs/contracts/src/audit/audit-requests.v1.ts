import { z } from 'zod';
import { defineRequest } from '../common/request';
import { AuditOutcomeSchema, AuditRecordData } from './audit-recorded.v1';

export const AuditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  id: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  tenant: z.string(),
  record: AuditRecordData,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQueryRequest = z.strictObject({
  service: z.string().max(50).optional(),
  action: z.string().max(200).optional(),
  actorId: z.string().max(200).optional(),
  outcome: AuditOutcomeSchema.optional(),
  resourceType: z.string().max(100).optional(),
  resourceId: z.string().max(500).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** Return records with seq below this (newest first paging). */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export const AuditQueryV1 = defineRequest({
  subject: 'lazaret.audit.query.v1',
  request: AuditQueryRequest,
  response: z.strictObject({ items: z.array(AuditEntrySchema), nextBeforeSeq: z.number().int().positive().nullable() }),
});

export const AuditVerifyV1 = defineRequest({
  subject: 'lazaret.audit.verify.v1',
  request: z.strictObject({}),
  response: z.strictObject({
    ok: z.boolean(),
    count: z.number().int().nonnegative(),
    headHash: z.string().nullable(),
    firstBroken: z
      .strictObject({ seq: z.number().int(), id: z.string().nullable(), reason: z.enum(['hash-mismatch', 'prev-mismatch', 'seq-gap']) })
      .nullable(),
  }),
});
