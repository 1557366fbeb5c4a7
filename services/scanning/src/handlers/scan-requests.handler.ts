import { GetImageV1, GetSbomChunkV1, GetScanV1, ListPackagesV1 } from '@lazaret/contracts';
import { DomainError } from '@lazaret/platform';
import { LOGGER, serveRequest, type Logger } from '@lazaret/platform';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { ScanRepository } from '../adapters/scan.repository';
import { ScanQueryService } from '../application/scan-query.service';

@Controller()
export class ScanRequestsHandler {
  constructor(
    private readonly queries: ScanQueryService,
    private readonly scans: ScanRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(GetScanV1.subject)
  scan(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetScanV1, payload, ctx, this.logger, (req) => this.queries.scan(req.scanId));
  }

  @MessagePattern(GetImageV1.subject)
  image(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetImageV1, payload, ctx, this.logger, async (req) => {
      const found = await this.scans.image(req.digest);
      if (!found) throw new DomainError('not-found', `no scanned image ${req.digest}`);
      return found;
    });
  }

  @MessagePattern(ListPackagesV1.subject)
  packages(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(ListPackagesV1, payload, ctx, this.logger, (req) => this.queries.packages(req));
  }

  @MessagePattern(GetSbomChunkV1.subject)
  sbom(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetSbomChunkV1, payload, ctx, this.logger, (req) => this.queries.sbomChunk(req));
  }
}
