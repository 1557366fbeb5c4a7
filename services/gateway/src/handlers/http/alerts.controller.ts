import { AlertSeveritySchema, GetAlertV1, ListAlertsV1, RuleIdSchema } from '@lazaret/contracts';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { AlertsService } from '../../application/alerts.service';
import type { Caller } from '../../application/auth.service';
import type { Role } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';
import { IdParams } from './schemas';

/** Who may read access-monitoring alerts. */
const ALERT_READERS: readonly Role[] = ['admin', 'secops', 'auditor'];

const AlertsQuery = z.strictObject({
  ruleId: RuleIdSchema.optional().describe('A detection rule, e.g. read-burst'),
  severity: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(AlertSeveritySchema).min(1).max(5))
    .optional()
    .describe('Comma-separated severities, e.g. critical,high'),
  actorId: z.string().min(1).max(200).optional().describe('The principal (or, for failed authentications, the client address) an alert is about'),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional().describe('Alerts still firing at or after this instant'),
  before: z.uuid({ error: 'must be an alert id' }).optional().describe("Paging: the previous page's nextBefore"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

@Controller('api/v1')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @Route({ summary: 'Access-monitoring alerts, newest first', tags: ['alerts'], access: ALERT_READERS, query: AlertsQuery, response: ListAlertsV1.response })
  list(@CurrentCaller() caller: Caller, @Query() q: z.output<typeof AlertsQuery>) {
    return this.alerts.list(caller, {
      limit: q.limit,
      ...(q.ruleId ? { ruleId: q.ruleId } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.actorId ? { actorId: q.actorId } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.before ? { before: q.before } : {}),
    });
  }

  @Get('alerts/:id')
  @Route({ summary: 'An alert, with its evidence', tags: ['alerts'], access: ALERT_READERS, params: IdParams, response: GetAlertV1.response })
  get(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>) {
    return this.alerts.get(caller, params.id);
  }
}
