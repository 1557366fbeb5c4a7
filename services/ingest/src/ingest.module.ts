import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import { Module } from '@nestjs/common';
import { SubmissionRepository } from './adapters/submission.repository';
import { SubmissionService } from './application/submission.service';
import { SubmissionRequestsHandler } from './handlers/submission-requests.handler';

@Module({
  controllers: [SubmissionRequestsHandler],
  providers: [
    {
      provide: SubmissionService,
      useFactory: (p: PlatformContext) => new SubmissionService(new SubmissionRepository(p.db!), p.outbox!, p.audit),
      inject: [PLATFORM],
    },
  ],
})
export class IngestModule {}
