import { GetSubmissionV1, SubmitImageV1 } from '@lazaret/contracts';
import { LOGGER, serveRequest, type Logger } from '@lazaret/platform';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { SubmissionService } from '../application/submission.service';

@Controller()
export class SubmissionRequestsHandler {
  constructor(
    private readonly submissions: SubmissionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(SubmitImageV1.subject)
  submit(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(SubmitImageV1, payload, ctx, this.logger, (req) => this.submissions.submit(req));
  }

  @MessagePattern(GetSubmissionV1.subject)
  get(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetSubmissionV1, payload, ctx, this.logger, (req) => this.submissions.get(req.submissionId));
  }
}
