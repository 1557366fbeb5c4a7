import { GetAlertV1, ListAlertsV1 } from '@lazaret/contracts';
import { LOGGER, serveRequest, type Logger } from '@lazaret/platform';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { AlertService } from '../application/alert.service';

@Controller()
export class AlertRequestsHandler {
  constructor(
    private readonly alerts: AlertService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(ListAlertsV1.subject)
  list(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(ListAlertsV1, payload, ctx, this.logger, async (req) => {
      const items = await this.alerts.list(req);
      return { items, nextBefore: items.length === req.limit ? items[items.length - 1]!.alertId : null };
    });
  }

  @MessagePattern(GetAlertV1.subject)
  get(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetAlertV1, payload, ctx, this.logger, (req) => this.alerts.get(req.alertId));
  }
}
