import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertRepository } from './adapters/alert.repository';
import { DetectionStateRepository } from './adapters/detection-state.repository';
import { AlertService } from './application/alert.service';
import { DetectionService } from './application/detection.service';
import { configuredRules, type CorrelationConfig } from './config';
import { DetectionEngine } from './domain/detection-engine';
import { AlertRequestsHandler } from './handlers/alert-requests.handler';
import { AuditRecordsConsumer } from './handlers/audit-records.consumer';

type Platform = PlatformContext & { config: PlatformContext['config'] & CorrelationConfig };

/** Access monitoring: detection rules over the audit trail, alerts, and the requests that read them. */
@Module({
  controllers: [AlertRequestsHandler],
  providers: [
    {
      provide: DetectionEngine,
      useFactory: (p: Platform) =>
        new DetectionEngine(configuredRules(p.config), { minMaturity: p.config.LAZARET_DETECTION_MATURITY, disabled: p.config.LAZARET_DETECTION_DISABLED_RULES }),
      inject: [PLATFORM],
    },
    { provide: DetectionStateRepository, useFactory: (p: PlatformContext) => new DetectionStateRepository(p.db!), inject: [PLATFORM] },
    { provide: AlertRepository, useFactory: (p: PlatformContext) => new AlertRepository(p.db!), inject: [PLATFORM] },
    { provide: AlertService, useFactory: (p: PlatformContext, repo: AlertRepository) => new AlertService(repo, p.outbox!, p.audit), inject: [PLATFORM, AlertRepository] },
    {
      provide: DetectionService,
      useFactory: (p: PlatformContext, engine: DetectionEngine, state: DetectionStateRepository, alerts: AlertService) => new DetectionService(engine, state, alerts, p.logger),
      inject: [PLATFORM, DetectionEngine, DetectionStateRepository, AlertService],
    },
    AuditRecordsConsumer,
  ],
})
export class CorrelationModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private purge?: NodeJS.Timeout;

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(DetectionEngine) private readonly engine: DetectionEngine,
    @Inject(DetectionStateRepository) private readonly state: DetectionStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.platform.logger.info(
      {
        active: this.engine.active.map((r) => `${r.definition.id}@${r.definition.version}`),
        inactive: this.engine.rules.filter((r) => !r.active).map((r) => `${r.definition.id}: ${r.inactiveReason}`),
      },
      'detection rules loaded',
    );
    // Any replica may purge: the DELETE is idempotent.
    this.purge = setInterval(() => {
      this.state.purgeExpired(this.platform.config.LAZARET_CORRELATION_STATE_GRACE_SECONDS).catch((err: unknown) => this.platform.logger.warn({ err }, 'purging expired detection state failed'));
    }, 60_000);
    this.purge.unref();
  }

  onApplicationShutdown(): void {
    if (this.purge) clearInterval(this.purge);
  }
}
