import { HealthRequests, type BackendService } from '@lazaret/contracts';
import { Controller, Get, Header, Inject, Module, Res, SetMetadata, type DynamicModule, type Type } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { metricsRegistry } from '../telemetry/metrics';
import { runHealthChecks, type PlatformContext } from './platform-context';
import { serveRequest } from './rpc';

export const PLATFORM = Symbol('lazaret.platform');
export const EVENT_BUS = Symbol('lazaret.event-bus');
export const DATA_SOURCE = Symbol('lazaret.data-source');
export const LOGGER = Symbol('lazaret.logger');
/** Marks the unauthenticated operational endpoints, so an HTTP guard can tell them apart. */
export const OPS_ROUTE = 'lazaret:ops-route';
const OpsRoute = () => SetMetadata(OPS_ROUTE, true);

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/** Liveness, readiness and Prometheus metrics, on every service's HTTP port. Unauthenticated by design: bind them to a private address. */
@Controller()
export class OpsController {
  constructor(@Inject(PLATFORM) private readonly platform: PlatformContext) {}

  @Get('healthz')
  @OpsRoute()
  live() {
    return { status: 'ok', service: this.platform.service, instance: this.platform.instance };
  }

  @Get('readyz')
  @OpsRoute()
  async ready(@Res() reply: Reply) {
    const health = await runHealthChecks(this.platform);
    reply.status(health.status === 'ok' ? 200 : 503).send({ service: this.platform.service, ...health });
  }

  @Get('metrics')
  @OpsRoute()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics() {
    return metricsRegistry.metrics();
  }
}

function healthRpcController(service: BackendService): Type {
  const contract = HealthRequests[service];
  @Controller()
  class HealthRpcController {
    constructor(@Inject(PLATFORM) private readonly platform: PlatformContext) {}

    @MessagePattern(contract.subject)
    health(@Payload() payload: unknown, @Ctx() ctx: NatsContext) {
      return serveRequest(contract, payload ?? {}, ctx, this.platform.logger, async () => {
        const health = await runHealthChecks(this.platform);
        return {
          service,
          status: health.status,
          version: this.platform.version,
          instance: this.platform.instance,
          uptimeSeconds: Math.round((Date.now() - this.platform.startedAt) / 1000),
          checks: health.checks,
        };
      });
    }
  }
  return HealthRpcController;
}

/** Makes the platform parts injectable and adds the ops endpoints (and the health request for backend services). */
@Module({})
export class PlatformModule {
  static forRoot(platform: PlatformContext): DynamicModule {
    const controllers: Type[] = [OpsController];
    if (platform.service !== 'gateway' && platform.service !== 'agent') controllers.push(healthRpcController(platform.service));
    return {
      module: PlatformModule,
      global: true,
      controllers,
      providers: [
        { provide: PLATFORM, useValue: platform },
        { provide: EVENT_BUS, useValue: platform.bus },
        { provide: DATA_SOURCE, useValue: platform.db },
        { provide: LOGGER, useValue: platform.logger },
      ],
      exports: [PLATFORM, EVENT_BUS, DATA_SOURCE, LOGGER],
    };
  }
}
