import { AuditRecordedV1 } from '@lazaret/contracts';
import { PLATFORM, TypeOrmUnitOfWork, type PlatformContext, type RunningConsumer } from '@lazaret/platform';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLogService } from '../application/audit-log.service';

/** Durable consumer of every audit record published anywhere on the platform. */
@Injectable()
export class AuditRecordsConsumer implements OnApplicationBootstrap {
  private running?: RunningConsumer;

  constructor(
    @Inject(PLATFORM) private readonly platform: PlatformContext,
    private readonly auditLog: AuditLogService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running = await this.platform.bus.consume({
      contract: AuditRecordedV1,
      durable: 'audit-records',
      unitOfWork: new TypeOrmUnitOfWork(this.platform.db!),
      maxDeliver: this.platform.config.LAZARET_MAX_DELIVER,
      batchSize: 128,
      handle: async (envelope, ctx) => {
        await this.auditLog.append(envelope, ctx.tx as EntityManager);
      },
    });
  }
}
