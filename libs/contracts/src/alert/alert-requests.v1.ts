import { z } from 'zod';
import { defineRequest } from '../common/request';
import { AlertData, AlertSeveritySchema, RuleIdSchema } from './alert-raised.v1';

/** An alert as stored: what was published, plus how often it fired since (de-duplicated repeats). */
export const AlertViewSchema = AlertData.extend({
  /** Triggering records folded into this alert (1 when it never repeated). */
  occurrences: z.number().int().positive(),
  tenant: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

export const ListAlertsV1 = defineRequest({
  subject: 'lazaret.correlation.list-alerts.v1',
  request: z.strictObject({
    ruleId: RuleIdSchema.optional(),
    severity: z.array(AlertSeveritySchema).min(1).max(5).optional(),
    actorId: z.string().min(1).max(200).optional(),
    /** Alerts still firing at or after this instant (their last sighting). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** Paging, newest first: alerts raised before this alert id (the previous page's `nextBefore`). */
    before: z.uuid().optional(),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  response: z.strictObject({ items: z.array(AlertViewSchema), nextBefore: z.uuid().nullable() }),
});

export const GetAlertV1 = defineRequest({
  subject: 'lazaret.correlation.get-alert.v1',
  request: z.strictObject({ alertId: z.uuid() }),
  response: AlertViewSchema,
});
