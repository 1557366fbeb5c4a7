import { ImageSubmittedV1 } from '@lazaret/contracts';
import { PLATFORM, TypeOrmUnitOfWork, type PlatformContext } from '@lazaret/platform';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ScanQueueService } from '../application/scan-queue.service';
import { ScanRunner } from '../application/scan-runner.service';

@Injectable()
export class ImageSubmittedConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(PLATFORM) private readonly platform: PlatformContext,
    private readonly scans: ScanQueueService,
    private readonly runner: ScanRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.platform.bus.consume({
      contract: ImageSubmittedV1,
      durable: 'scanning-image-submitted',
      unitOfWork: new TypeOrmUnitOfWork(this.platform.db!),
      maxDeliver: this.platform.config.LAZARET_MAX_DELIVER,
      batchSize: 16,
      handle: async (envelope, ctx) => {
        await this.scans.enqueue(envelope, ctx.tx as EntityManager);
      },
      onCommitted: () => {
        void this.platform.outbox?.flush();
        this.runner.kick();
      },
    });
  }
}
