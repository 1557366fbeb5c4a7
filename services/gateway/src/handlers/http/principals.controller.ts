import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import type { Caller } from '../../application/auth.service';
import { PrincipalService } from '../../application/principal.service';
import { ADMIN_ONLY, ANY_ROLE } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';
import {
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  CreatePrincipalBody,
  IdParams,
  KeyIdParams,
  MeSchema,
  PageQuery,
  PrincipalSchema,
  UpdatePrincipalBody,
} from './schemas';
import { z as zod } from 'zod';

@Controller('api/v1')
export class PrincipalsController {
  constructor(private readonly principals: PrincipalService) {}

  @Get('me')
  @Route({ summary: 'Who am I', tags: ['principals'], access: ANY_ROLE, response: MeSchema })
  me(@CurrentCaller() caller: Caller) {
    return caller;
  }

  @Post('principals')
  @Route({ summary: 'Create a principal', tags: ['principals'], access: ADMIN_ONLY, body: CreatePrincipalBody, response: PrincipalSchema, status: 201 })
  create(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof CreatePrincipalBody>) {
    return this.principals.create(caller, body);
  }

  @Get('principals')
  @Route({ summary: 'List principals', tags: ['principals'], access: ADMIN_ONLY, query: PageQuery, response: zod.array(PrincipalSchema) })
  list(@Query() query: z.output<typeof PageQuery>) {
    return this.principals.list(query.limit, query.offset);
  }

  @Get('principals/:id')
  @Route({ summary: 'Get a principal', tags: ['principals'], access: ADMIN_ONLY, params: IdParams, response: PrincipalSchema })
  get(@Param() params: z.output<typeof IdParams>) {
    return this.principals.get(params.id);
  }

  @Patch('principals/:id')
  @Route({ summary: 'Change roles or disable a principal', tags: ['principals'], access: ADMIN_ONLY, params: IdParams, body: UpdatePrincipalBody, response: PrincipalSchema })
  update(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>, @Body() body: z.output<typeof UpdatePrincipalBody>) {
    return this.principals.update(caller, params.id, body);
  }

  @Post('principals/:id/api-keys')
  @Route({
    summary: 'Create an API key',
    description: 'The key is returned once, in this response, and stored only as a hash.',
    tags: ['api-keys'],
    access: ADMIN_ONLY,
    params: IdParams,
    body: CreateApiKeyBody,
    response: CreatedApiKeySchema,
    status: 201,
  })
  createKey(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof IdParams>, @Body() body: z.output<typeof CreateApiKeyBody>) {
    return this.principals.createKey(caller, params.id, body);
  }

  @Get('principals/:id/api-keys')
  @Route({ summary: "List a principal's API keys (never the keys themselves)", tags: ['api-keys'], access: ADMIN_ONLY, params: IdParams, response: zod.array(ApiKeySchema) })
  keys(@Param() params: z.output<typeof IdParams>) {
    return this.principals.keys(params.id);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @Route({ summary: 'Revoke an API key', tags: ['api-keys'], access: ADMIN_ONLY, params: KeyIdParams, status: 204 })
  async revoke(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof KeyIdParams>) {
    await this.principals.revokeKey(caller, params.keyId);
  }
}
