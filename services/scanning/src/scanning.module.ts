import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PostgresAdvisoryStore } from './adapters/advisory.store';
import { FindingsRepository } from './adapters/findings.repository';
import { ScanRepository } from './adapters/scan.repository';
import { UploadReader } from './adapters/upload.reader';
import { ScanQueryService } from './application/scan-query.service';
import { ScanQueueService } from './application/scan-queue.service';
import { ScanRunner } from './application/scan-runner.service';
import { VulnerabilityService } from './application/vulnerability.service';
import type { ScanningConfig } from './config';
import { ImageSubmittedConsumer } from './handlers/image-submitted.consumer';
import { ScanRequestsHandler } from './handlers/scan-requests.handler';
import { VulnerabilityRequestsHandler } from './handlers/vulnerability-requests.handler';

type Platform = PlatformContext & { config: PlatformContext['config'] & ScanningConfig };

@Module({
  controllers: [ScanRequestsHandler, VulnerabilityRequestsHandler],
  providers: [
    { provide: ScanRepository, useFactory: (p: PlatformContext) => new ScanRepository(p.db!), inject: [PLATFORM] },
    { provide: FindingsRepository, useFactory: (p: PlatformContext) => new FindingsRepository(p.db!), inject: [PLATFORM] },
    { provide: UploadReader, useFactory: (p: PlatformContext) => new UploadReader(p.nc), inject: [PLATFORM] },
    { provide: ScanQueueService, useFactory: (p: PlatformContext) => new ScanQueueService(p.audit), inject: [PLATFORM] },
    { provide: ScanQueryService, useFactory: (repo: ScanRepository) => new ScanQueryService(repo), inject: [ScanRepository] },
    {
      provide: VulnerabilityService,
      useFactory: (p: Platform, findings: FindingsRepository, uploads: UploadReader) =>
        new VulnerabilityService(p.db!, new PostgresAdvisoryStore(p.db!), findings, uploads, p.outbox!, p.audit, p.logger, {
          failOnFixable: p.config.LAZARET_VERDICT_FAIL_ON_FIXABLE,
          failOnKev: p.config.LAZARET_VERDICT_FAIL_ON_KEV,
        }),
      inject: [PLATFORM, FindingsRepository, UploadReader],
    },
    {
      provide: ScanRunner,
      useFactory: (p: Platform, repo: ScanRepository, uploads: UploadReader, vulns: VulnerabilityService) =>
        new ScanRunner(repo, p.outbox!, p.audit, p.logger, uploads, vulns, {
          cacheDir: p.config.LAZARET_SCAN_CACHE_DIR,
          concurrency: p.config.LAZARET_SCAN_CONCURRENCY,
          staleSeconds: p.config.LAZARET_SCAN_STALE_SECONDS,
          maxAttempts: p.config.LAZARET_SCAN_MAX_ATTEMPTS,
        }),
      inject: [PLATFORM, ScanRepository, UploadReader, VulnerabilityService],
    },
    ImageSubmittedConsumer,
  ],
})
export class ScanningModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ScanRunner) private readonly runner: ScanRunner,
    @Inject(VulnerabilityService) private readonly vulns: VulnerabilityService,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.vulns.failInterrupted();
    if (this.platform.config.LAZARET_VULNDB_SEED) {
      // Several replicas may start at once: one seeds, the others find the database filled.
      await this.platform.db!.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('lazaret-vulndb-seed'))");
        await this.vulns.seedIfEmpty();
      });
    }
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
