import { DomainError, OPS_ROUTE, type AuditPublisher, type Logger } from '@lazaret/platform';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { context } from '@opentelemetry/api';
import { AuthenticationFailed, type AuthService } from '../../application/auth.service';
import type { RateLimiter } from '../../domain/rate-limiter';
import { RateLimited } from './problem';
import { ROUTE_SPEC, type GatewayRequest, type RouteSpec } from './route.decorator';
import { requestContext } from './http-tracing';

export interface AuthGuardDeps {
  auth: AuthService;
  audit: AuditPublisher;
  logger: Logger;
  /** Requests per principal. */
  limiter: RateLimiter;
  /** Failed authentications per client address (slows guessing). */
  failures: RateLimiter;
}

/**
 * Authentication, rate limits and role checks for every route, failing closed: a route with no
 * access decision is refused. Authentication failures and denials are audited.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly deps: AuthGuardDeps,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<GatewayRequest>();
    return context.with(requestContext(req), () => this.check(ctx, req));
  }

  private async check(ctx: ExecutionContext, req: GatewayRequest): Promise<boolean> {
    if (this.reflector.get<boolean | undefined>(OPS_ROUTE, ctx.getHandler())) return true;
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC, ctx.getHandler());
    if (!spec) {
      this.deps.logger.error({ route: req.routeOptions?.url, handler: ctx.getHandler().name }, 'route has no access decision; refusing');
      throw new DomainError('forbidden', 'this route has no access decision');
    }
    if (spec.access === 'public') return true;
    const apiKey = header(req, 'x-api-key');
    const authorization = header(req, 'authorization');
    let caller;
    try {
      caller = await this.deps.auth.authenticate({ apiKey, authorization });
    } catch (err) {
      if (!(err instanceof AuthenticationFailed)) throw err;
      const wait = this.deps.failures.take(`ip:${req.ip}`);
      await this.auditSafely({
        action: 'auth.fail',
        actor: { type: 'anonymous', id: req.ip },
        outcome: 'failure',
        reason: err.reason,
        sourceIp: req.ip,
        details: { method: req.method, route: req.routeOptions?.url ?? req.url, keyId: err.keyId ?? null, throttled: wait > 0 },
      });
      if (wait > 0) throw new RateLimited(wait);
      throw err;
    }
    const wait = this.deps.limiter.take(`principal:${caller.id}`);
    if (wait > 0) throw new RateLimited(wait);
    if (!spec.access.some((role) => caller.roles.includes(role))) {
      await this.auditSafely({
        action: 'access.deny',
        actor: { type: 'principal', id: caller.id, name: caller.name, roles: caller.roles },
        outcome: 'denied',
        reason: `needs one of ${spec.access.join(', ')}`,
        sourceIp: req.ip,
        details: { method: req.method, route: req.routeOptions?.url ?? req.url },
      });
      throw new DomainError('forbidden', `this action needs one of the roles: ${spec.access.join(', ')}`);
    }
    req.caller = caller;
    return true;
  }

  /** The denial stands even if the audit bus is down; the failure is logged loudly. */
  private async auditSafely(record: Parameters<AuditPublisher['record']>[0]): Promise<void> {
    try {
      await this.deps.audit.record(record);
    } catch (err) {
      this.deps.logger.error({ err, action: record.action }, 'audit record for a refused request could not be published');
    }
  }
}

function header(req: GatewayRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
