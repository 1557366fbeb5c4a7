import type { Readable } from 'node:stream';
import { CreateExceptionV1, DigestSchema, FindingViewSchema, GetVerdictV2, ListExceptionsV1, SeveritySchema, VulnDbImportSchema, VulnDbStatusV1, VulnExceptionSchema, GetVulnerabilityV1 } from '@lazaret/contracts';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { UploadStore } from '../../adapters/upload.store';
import type { Caller } from '../../application/auth.service';
import { VulnerabilitiesService } from '../../application/vulnerabilities.service';
import { ADMIN_ONLY, IMAGE_READERS } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';
import { UPLOAD_LIMIT, UPLOAD_TYPES } from './scans.controller';
import { IdParams } from './schemas';

const DigestParams = z.strictObject({ digest: DigestSchema });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const FindingsQuery = z.strictObject({
  severity: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(SeveritySchema))
    .optional()
    .describe('Comma-separated severities, e.g. critical,high'),
  fixable: flag.optional(),
  kev: flag.optional(),
  package: z.string().max(200).optional(),
  id: z.string().max(100).optional().describe('A vulnerability id or alias (CVE, GHSA, DSA...)'),
  sort: z.enum(['severity', 'score', 'epss', 'package', 'id']).default('severity'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const VulnIdParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{1,99}$/, 'a vulnerability id such as CVE-2023-4863 or GHSA-xxxx-xxxx-xxxx') });
const ExceptionBody = CreateExceptionV1.request.omit({ actor: true });
const ExceptionsQuery = z.strictObject({ includeInactive: z.enum(['true', 'false']).transform((v) => v === 'true').default(false) });
const ImportQuery = z.strictObject({ fileName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/).optional() });

@Controller('api/v1')
export class VulnerabilitiesController {
  constructor(
    private readonly vulns: VulnerabilitiesService,
    private readonly uploads: UploadStore,
    @Inject(UPLOAD_LIMIT) private readonly uploadLimit: number,
  ) {}

  @Get('images/:digest/findings')
  @Route({
    summary: "An image's vulnerability findings",
    tags: ['findings'],
    access: IMAGE_READERS,
    params: DigestParams,
    query: FindingsQuery,
    response: z.strictObject({ total: z.number().int(), items: z.array(FindingViewSchema) }),
  })
  findings(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof DigestParams>, @Query() q: z.output<typeof FindingsQuery>) {
    return this.vulns.findings(caller, {
      digest: params.digest,
      sort: q.sort,
      limit: q.limit,
      offset: q.offset,
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.fixable !== undefined ? { fixable: q.fixable } : {}),
      ...(q.kev !== undefined ? { kev: q.kev } : {}),
      ...(q.package ? { package: q.package } : {}),
      ...(q.id ? { id: q.id } : {}),
    });
  }

  @Get('images/:digest/verdict')
  @Route({ summary: "An image's verdict against the vulnerability policy (findings under an active exception are listed apart)", tags: ['findings'], access: IMAGE_READERS, params: DigestParams, response: GetVerdictV2.response })
  verdict(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof DigestParams>) {
    return this.vulns.verdict(caller, params.digest);
  }

  @Post('exceptions')
  @Route({
    summary: 'Approve an exception: a vulnerability that does not fail verdicts for matching repositories until it expires (at most a year)',
    tags: ['findings'],
    access: ['admin', 'secops'],
    body: ExceptionBody,
    response: VulnExceptionSchema,
    status: 201,
  })
  approve(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof ExceptionBody>) {
    return this.vulns.createException(caller, body);
  }

  @Get('exceptions')
  @Route({ summary: 'Vulnerability exceptions (active ones unless includeInactive=true)', tags: ['findings'], access: IMAGE_READERS, query: ExceptionsQuery, response: ListExceptionsV1.response })
  exceptions(@Query() q: z.output<typeof ExceptionsQuery>) {
    return this.vulns.listExceptions(q.includeInactive);
  }

  @Delete('exceptions/:id')
  @Route({ summary: 'Revoke an exception', tags: ['findings'], access: ['admin', 'secops'], params: IdParams, response: VulnExceptionSchema })
  revokeException(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>) {
    return this.vulns.revokeException(caller, params.id);
  }

  @Get('vulnerabilities/:id')
  @Route({ summary: 'A vulnerability: its advisories, and which images have it where', tags: ['findings'], access: IMAGE_READERS, params: VulnIdParams, response: GetVulnerabilityV1.response })
  vulnerability(@Param() params: z.output<typeof VulnIdParams>) {
    return this.vulns.vulnerability(params.id);
  }

  @Get('vulndb')
  @Route({ summary: 'Vulnerability database status: counts per ecosystem, last import', tags: ['vulndb'], access: IMAGE_READERS, response: VulnDbStatusV1.response })
  status() {
    return this.vulns.status();
  }

  @Post('vulndb/imports')
  @HttpCode(202)
  @Route({
    summary: 'Import advisories: an OSV zip (e.g. an osv.dev all.zip), an OSV JSON file, the CISA KEV catalog or EPSS scores',
    tags: ['vulndb'],
    access: ADMIN_ONLY,
    query: ImportQuery,
    consumes: UPLOAD_TYPES,
    response: VulnDbImportSchema,
    status: 202,
  })
  import(@CurrentCaller() caller: Caller, @Query() q: z.output<typeof ImportQuery>, @Req() req: { body: Readable }) {
    return this.vulns.startImport(caller, this.uploads, req.body, this.uploadLimit, q.fileName);
  }

  @Get('vulndb/imports/:id')
  @Route({ summary: 'A vulnerability database import', tags: ['vulndb'], access: ['admin', 'secops'], params: IdParams, response: VulnDbImportSchema })
  importStatus(@Param() params: z.output<typeof IdParams>) {
    return this.vulns.importStatus(params.id);
  }
}
