import { AuditQueryV1, AuditVerifyV1 } from '@lazaret/contracts';
import { LOGGER, serveRequest, type Logger } from '@lazaret/platform';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { AuditLogService } from '../application/audit-log.service';

@Controller()
export class AuditRequestsHandler {
  constructor(
    private readonly auditLog: AuditLogService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(AuditQueryV1.subject)
  query(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(AuditQueryV1, payload, ctx, this.logger, async (req) => {
      const items = await this.auditLog.find(req);
      return { items, nextBeforeSeq: items.length === req.limit ? items[items.length - 1]!.seq : null };
    });
  }

  @MessagePattern(AuditVerifyV1.subject)
  verify(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(AuditVerifyV1, payload ?? {}, ctx, this.logger, () => this.auditLog.verify());
  }
}
