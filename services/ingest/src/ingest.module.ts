import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import type { IngestConfig } from './config';
import { RegistryPolicy } from './domain/registry-policy';
import { Module } from '@nestjs/common';
import { SubmissionRepository } from './adapters/submission.repository';
import { SubmissionService } from './application/submission.service';
import { SubmissionRequestsHandler } from './handlers/submission-requests.handler';

@Module({
  controllers: [SubmissionRequestsHandler],
  providers: [
    {
      provide: SubmissionService,
      useFactory: (p: PlatformContext & { config: IngestConfig }) => new SubmissionService(new RegistryPolicy(p.config.LAZARET_REGISTRY_ALLOWLIST, p.config.LAZARET_ALLOW_INSECURE_REGISTRIES), new SubmissionRepository(p.db!), p.outbox!, p.audit),
      inject: [PLATFORM],
    },
  ],
})
export class IngestModule {}
