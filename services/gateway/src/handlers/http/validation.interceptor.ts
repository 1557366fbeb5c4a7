import { DomainError, zodIssues } from '@lazaret/platform';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import type { z } from 'zod';
import type { ProblemCode } from './problem';
import { ROUTE_SPEC, type GatewayRequest, type RouteSpec } from './route.decorator';

/**
 * Parses params, query and body with the route's schemas before the handler runs. Schemas are
 * strict: an unknown field is an error, never silently dropped.
 */
@Injectable()
export class ValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<GatewayRequest>();
    if (spec?.params) req.params = parse(spec.params, req.params ?? {}, 'path');
    if (spec?.query) req.query = parse(spec.query, req.query ?? {}, 'query');
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (spec?.consumes && !spec.consumes.includes(type)) {
      throw new DomainError<ProblemCode>('unsupported-media-type', `send the body as ${spec.consumes.join(' or ')}, not ${type || 'nothing'}`);
    }
    if (spec?.body) {
      if (type !== 'application/json') throw new DomainError<ProblemCode>('unsupported-media-type', `send the body as application/json, not ${type || 'nothing'}`);
      req.body = parse(spec.body, req.body, 'body');
    }
    return next.handle();
  }
}

function parse(schema: z.ZodType, value: unknown, where: string): unknown {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DomainError('validation-failed', `invalid ${where}`, { issues: zodIssues(result.error.issues).map((i) => ({ ...i, path: `${where}.${i.path}` })) });
  }
  return result.data;
}
