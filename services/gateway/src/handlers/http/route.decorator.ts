import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { z } from 'zod';
import type { Caller } from '../../application/auth.service';
import type { Role } from '../../domain/roles';

export const ROUTE_SPEC = 'lazaret:route-spec';

/**
 * Everything the edge needs to know about a route, in one place: who may call it, what its
 * input and output look like (validated here, published in the OpenAPI document). A route
 * without one is refused at run time and fails the route-policy test.
 */
export interface RouteSpec {
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed, or 'public' (no authentication: docs and ops endpoints only). */
  access: readonly Role[] | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /** Response content type when not JSON. */
  produces?: string;
  /** Binary request bodies (uploads): accepted content types; the body is a stream, not parsed. */
  consumes?: string[];
}

export const Route = (spec: RouteSpec) => SetMetadata(ROUTE_SPEC, spec);

export interface GatewayRequest {
  caller?: Caller;
  body: unknown;
  query: unknown;
  params: unknown;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  url: string;
  method: string;
  routeOptions?: { url?: string };
}

/** The authenticated caller (set by the auth guard). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<GatewayRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without authentication');
  return caller;
});
