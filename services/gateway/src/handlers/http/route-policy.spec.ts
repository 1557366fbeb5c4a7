import { OPS_ROUTE, OpsController, createLogger } from '@lazaret/platform';
import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CONTROLLERS } from '../../gateway.module';
import { RateLimiter } from '../../domain/rate-limiter';
import { ROLES } from '../../domain/roles';
import { AuthGuard } from './auth.guard';
import { buildOpenApi, describeRoutes } from './openapi';

describe('route policy', () => {
  const routes = describeRoutes(GATEWAY_CONTROLLERS);

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s has an explicit access decision', (_name, route) => {
    expect(route.spec, `${route.controller}.${route.handler} needs @Route({ access })`).toBeDefined();
    const access = route.spec!.access;
    if (access === 'public') {
      // Only the documentation is public; everything else names its roles.
      expect(route.path.startsWith('/api/docs')).toBe(true);
    } else {
      expect(access.length).toBeGreaterThan(0);
      for (const role of access) expect(ROLES).toContain(role);
    }
    if (['POST', 'PUT', 'PATCH'].includes(route.method) && !route.path.endsWith('/revoke')) {
      expect(route.spec!.body ?? route.spec!.consumes, 'state-changing routes validate a body or declare a binary one').toBeDefined();
    }
  });

  it('marks the unauthenticated ops endpoints as such', () => {
    for (const name of ['live', 'ready', 'metrics'] as const) {
      expect(Reflect.getMetadata(OPS_ROUTE, OpsController.prototype[name])).toBe(true);
    }
  });

  it('publishes every guarded route in the OpenAPI document with its roles', () => {
    const doc = buildOpenApi(GATEWAY_CONTROLLERS, 'test') as { paths: Record<string, Record<string, { 'x-lazaret-roles'?: string[] }>> };
    for (const r of routes.filter((x) => x.spec && x.spec.access !== 'public')) {
      const op = doc.paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op?.['x-lazaret-roles'], `${r.method} ${r.path}`).toEqual(r.spec!.access);
    }
  });

  it('refuses at run time a route that has no decision (fails closed)', async () => {
    @Controller('x')
    class Undecided {
      @Get()
      handler() {
        return 'should never run';
      }
    }
    const failIfCalled = () => {
      throw new Error('must not be reached');
    };
    const guard = new AuthGuard(new Reflector(), {
      auth: { authenticate: failIfCalled } as never,
      audit: { record: failIfCalled } as never,
      logger: createLogger('test', 'silent'),
      limiter: new RateLimiter(10),
      failures: new RateLimiter(10),
    });
    const ctx = {
      getHandler: () => Undecided.prototype.handler,
      getClass: () => Undecided,
      switchToHttp: () => ({ getRequest: () => ({ headers: {}, ip: '127.0.0.1', url: '/x', method: 'GET' }) }),
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(ctx)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
