import { DigestSchema, ImageReferenceSchema, PackageViewSchema, PlatformSchema, SbomFormatSchema, ScanViewSchema } from '@lazaret/contracts';
import type { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { z } from 'zod';
import type { Caller } from '../../application/auth.service';
import { UploadStore } from '../../adapters/upload.store';
import { ScansService } from '../../application/scans.service';
import { IMAGE_READERS, IMAGE_WRITERS } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';
import { IdParams } from './schemas';

const SubmitScanBody = z.strictObject({
  reference: ImageReferenceSchema,
  platform: PlatformSchema.default('linux/amd64'),
  insecure: z.boolean().default(false).describe('Allow plain HTTP to the registry (local registries only).'),
});
const ArchiveQuery = z.strictObject({
  format: z.enum(['oci-archive', 'docker-archive']),
  platform: PlatformSchema.default('linux/amd64'),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/, 'a name for the image, 1-200 of A-Z a-z 0-9 . _ : / @ -').optional(),
});
export const UPLOAD_TYPES = ['application/octet-stream', 'application/x-tar', 'application/zip', 'application/gzip'];
export const UPLOAD_LIMIT = Symbol('lazaret.upload-limit');

const DigestParams = z.strictObject({ digest: DigestSchema });
const SbomQuery = z.strictObject({ format: SbomFormatSchema.default('cyclonedx') });
const PackagesQuery = z.strictObject({
  type: z.string().max(20).optional(),
  name: z.string().max(200).optional(),
  layer: DigestSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Controller('api/v1')
export class ScansController {
  constructor(
    private readonly scans: ScansService,
    private readonly uploads: UploadStore,
    @Inject(UPLOAD_LIMIT) private readonly uploadLimit: number,
  ) {}

  @Post('scans/archive')
  @HttpCode(202)
  @Route({
    summary: 'Scan an uploaded image archive',
    description: 'The body is an oci-archive or a docker-archive (`docker save` output), streamed into the NATS Object Store.',
    tags: ['scans'],
    access: IMAGE_WRITERS,
    query: ArchiveQuery,
    consumes: UPLOAD_TYPES,
    response: ScanViewSchema,
    status: 202,
  })
  upload(@CurrentCaller() caller: Caller, @Query() query: z.output<typeof ArchiveQuery>, @Req() req: { body: Readable }) {
    return this.scans.upload(caller, this.uploads, req.body, this.uploadLimit, query.format, query.platform, query.name);
  }

  @Post('scans')
  @HttpCode(202)
  @Route({ summary: 'Scan an image from a registry', tags: ['scans'], access: IMAGE_WRITERS, body: SubmitScanBody, response: ScanViewSchema, status: 202 })
  submit(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof SubmitScanBody>) {
    return this.scans.submit(caller, body.reference, body.platform, body.insecure);
  }

  @Get('scans/:id')
  @Route({ summary: 'A scan: status, progress, result', tags: ['scans'], access: IMAGE_READERS, params: IdParams, response: ScanViewSchema })
  get(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>) {
    return this.scans.get(caller, params.id);
  }

  @Get('images/:digest/packages')
  @Route({
    summary: "An image's packages, with the layer that introduced each",
    tags: ['images'],
    access: IMAGE_READERS,
    params: DigestParams,
    query: PackagesQuery,
    response: z.strictObject({ total: z.number().int(), items: z.array(PackageViewSchema) }),
  })
  packages(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof DigestParams>, @Query() query: z.output<typeof PackagesQuery>) {
    return this.scans.packages(caller, { digest: params.digest, type: query.type, name: query.name, layerDigest: query.layer, limit: query.limit, offset: query.offset });
  }

  @Get('images/:digest/sbom')
  @Route({ summary: "An image's SBOM (CycloneDX 1.6 or SPDX 2.3 JSON)", tags: ['images'], access: IMAGE_READERS, params: DigestParams, query: SbomQuery, produces: 'application/json' })
  async sbom(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof DigestParams>, @Query() query: z.output<typeof SbomQuery>, @Res() reply: Reply) {
    const sbom = await this.scans.sbom(caller, params.digest, query.format);
    reply
      .header('content-type', sbom.contentType)
      .header('content-length', String(sbom.totalBytes))
      .header('digest', `sha-256=${Buffer.from(sbom.sha256, 'hex').toString('base64')}`)
      .header('content-disposition', `attachment; filename="${params.digest.replace(':', '-')}.${query.format}.json"`)
      .send(sbom.body);
  }
}
