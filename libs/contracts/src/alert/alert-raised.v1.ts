import { z } from 'zod';
import { defineEvent, MessageIdSchema } from '../common/envelope';
import { ActorSchema } from '../common/request';

export const AlertSeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

/** Rule ids are kebab-case, e.g. `read-burst`; the version changes whenever the rule's logic does. */
export const RuleIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a kebab-case rule id');

/** What made a rule fire: the audit records (envelope ids) and the counts behind the decision. */
export const AlertEvidenceSchema = z.strictObject({
  /** Envelope ids of the audit records that triggered it, newest last (at most 100). */
  auditRecordIds: z.array(MessageIdSchema).max(100),
  /** Records counted for the decision (for a burst: how many were in the window). */
  count: z.number().int().nonnegative(),
  /** The rule fires above this many records in `windowSeconds` (burst rules). */
  threshold: z.number().int().nonnegative().optional(),
  windowSeconds: z.number().int().positive().optional(),
  /** Rule-specific facts, e.g. the repository glob that matched or the allowed signing window. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

/**
 * An alert raised by a detection rule. The actor is whoever the rule is about (for failed
 * authentications, `anonymous` with the source address as id); the resource is what was touched.
 */
export const AlertData = z.strictObject({
  alertId: z.uuid(),
  ruleId: RuleIdSchema,
  ruleVersion: z.number().int().positive(),
  severity: AlertSeveritySchema,
  title: z.string().min(1).max(200),
  description: z.string().max(2000),
  actor: ActorSchema,
  resource: z.strictObject({ type: z.string().max(100), id: z.string().max(500) }).optional(),
  evidence: AlertEvidenceSchema,
  firstSeen: z.iso.datetime({ offset: true }),
  lastSeen: z.iso.datetime({ offset: true }),
});
export type Alert = z.infer<typeof AlertData>;

/** Published once when an alert is raised; repeats inside its de-duplication window only count. */
export const AlertRaisedV1 = defineEvent({
  type: 'lazaret.alert.raised.v1',
  subject: 'lazaret.alert.raised.v1',
  stream: 'ALERTS',
  data: AlertData,
});
