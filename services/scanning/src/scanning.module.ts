import { PLATFORM, type PlatformContext } from '@lazaret/platform';
import { Module } from '@nestjs/common';
import { ScanQueueService } from './application/scan-queue.service';
import { ImageSubmittedConsumer } from './handlers/image-submitted.consumer';

@Module({
  providers: [{ provide: ScanQueueService, useFactory: (p: PlatformContext) => new ScanQueueService(p.audit), inject: [PLATFORM] }, ImageSubmittedConsumer],
})
export class ScanningModule {}
