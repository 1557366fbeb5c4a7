import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import { AuditTrailService } from '../../application/audit-trail.service';
import type { Caller } from '../../application/auth.service';
import { ImagesService } from '../../application/images.service';
import { PlatformStatusService } from '../../application/platform-status.service';
import { ANY_ROLE, AUDIT_READERS, IMAGE_WRITERS } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';
import { AuditListQuery, AuditListSchema, AuditVerifySchema, IdParams, StatusSchema, SubmissionSchema, SubmitImageBody } from './schemas';

@Controller('api/v1')
export class PlatformController {
  constructor(
    private readonly status: PlatformStatusService,
    private readonly images: ImagesService,
    private readonly auditTrail: AuditTrailService,
  ) {}

  @Get('status')
  @Route({ summary: 'Health of every service', tags: ['platform'], access: ANY_ROLE, response: StatusSchema })
  platformStatus() {
    return this.status.status();
  }

  @Post('images')
  @HttpCode(202)
  @Route({ summary: 'Submit an image for scanning', tags: ['images'], access: IMAGE_WRITERS, body: SubmitImageBody, response: SubmissionSchema, status: 202 })
  submit(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof SubmitImageBody>) {
    return this.images.submit(caller, { kind: 'registry', reference: body.reference, insecure: body.insecure }, body.platform);
  }

  @Get('images/submissions/:id')
  @Route({ summary: 'An image submission', tags: ['images'], access: [...IMAGE_WRITERS, 'auditor'], params: IdParams, response: SubmissionSchema })
  submission(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>) {
    return this.images.submission(caller, params.id);
  }

  @Get('audit')
  @Route({ summary: 'List audit records, newest first', tags: ['audit'], access: AUDIT_READERS, query: AuditListQuery, response: AuditListSchema })
  audit(@CurrentCaller() caller: Caller, @Query() query: z.output<typeof AuditListQuery>) {
    return this.auditTrail.query(caller, query);
  }

  @Get('audit/verify')
  @Route({ summary: 'Recompute the audit hash chain and report the first broken link', tags: ['audit'], access: AUDIT_READERS, response: AuditVerifySchema })
  verify(@CurrentCaller() caller: Caller) {
    return this.auditTrail.verify(caller);
  }
}
