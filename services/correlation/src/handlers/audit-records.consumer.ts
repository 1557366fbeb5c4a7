import { AuditRecordedV1 } from '@lazaret/contracts';
import { PLATFORM, TypeOrmUnitOfWork, type PlatformContext } from '@lazaret/platform';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DetectionService } from '../application/detection.service';

/** Durable consumer of every audit record: the detection rules' input. */
@Injectable()
export class AuditRecordsConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(PLATFORM) private readonly platform: PlatformContext,
    private readonly detection: DetectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.platform.bus.consume({
      contract: AuditRecordedV1,
      durable: 'correlation-audit-records',
      unitOfWork: new TypeOrmUnitOfWork(this.platform.db!),
      maxDeliver: this.platform.config.LAZARET_MAX_DELIVER,
      batchSize: 64,
      handle: async (envelope, ctx) => {
        await this.detection.handleBatch([envelope], ctx.tx as EntityManager);
      },
      handleBatch: async (envelopes, ctx) => {
        await this.detection.handleBatch(envelopes, ctx.tx as EntityManager);
      },
      // Alerts and their audit records were written to the outbox in the batch's transaction.
      onCommitted: () => void this.platform.outbox?.flush(),
    });
  }
}
