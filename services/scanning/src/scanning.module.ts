import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ScanRepository } from './adapters/scan.repository';
import { UploadReader } from './adapters/upload.reader';
import { ScanQueryService } from './application/scan-query.service';
import { ScanQueueService } from './application/scan-queue.service';
import { ScanRunner } from './application/scan-runner.service';
import type { ScanningConfig } from './config';
import { ImageSubmittedConsumer } from './handlers/image-submitted.consumer';
import { ScanRequestsHandler } from './handlers/scan-requests.handler';

type Platform = PlatformContext & { config: PlatformContext['config'] & ScanningConfig };

@Module({
  controllers: [ScanRequestsHandler],
  providers: [
    { provide: ScanRepository, useFactory: (p: PlatformContext) => new ScanRepository(p.db!), inject: [PLATFORM] },
    { provide: ScanQueueService, useFactory: (p: PlatformContext) => new ScanQueueService(p.audit), inject: [PLATFORM] },
    { provide: ScanQueryService, useFactory: (repo: ScanRepository) => new ScanQueryService(repo), inject: [ScanRepository] },
    {
      provide: ScanRunner,
      useFactory: (p: Platform, repo: ScanRepository) =>
        new ScanRunner(repo, p.outbox!, p.audit, p.logger, new UploadReader(p.nc), {
          cacheDir: p.config.LAZARET_SCAN_CACHE_DIR,
          concurrency: p.config.LAZARET_SCAN_CONCURRENCY,
          staleSeconds: p.config.LAZARET_SCAN_STALE_SECONDS,
          maxAttempts: p.config.LAZARET_SCAN_MAX_ATTEMPTS,
        }),
      inject: [PLATFORM, ScanRepository],
    },
    ImageSubmittedConsumer,
  ],
})
export class ScanningModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ScanRunner) private readonly runner: ScanRunner) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
