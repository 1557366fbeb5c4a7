import { BACKEND_SERVICES, HealthRequests, type HealthResponse } from '@lazaret/contracts';
import { isDomainError, runHealthChecks, type PlatformContext, type ServiceClient } from '@lazaret/platform';

export interface ServiceStatus {
  service: string;
  status: 'ok' | 'degraded' | 'down';
  version?: string;
  instance?: string;
  uptimeSeconds?: number;
  checks: HealthResponse['checks'];
  error?: string;
}

/** Asks every backend service for its health over NATS, in parallel, with a short timeout. */
export class PlatformStatusService {
  constructor(
    private readonly platform: PlatformContext,
    private readonly client: ServiceClient,
  ) {}

  async status(): Promise<{ status: 'ok' | 'degraded' | 'down'; services: ServiceStatus[] }> {
    const self = await runHealthChecks(this.platform);
    const gateway: ServiceStatus = {
      service: 'gateway',
      status: self.status,
      version: this.platform.version,
      instance: this.platform.instance,
      uptimeSeconds: Math.round((Date.now() - this.platform.startedAt) / 1000),
      checks: self.checks,
    };
    const others = await Promise.all(
      BACKEND_SERVICES.map(async (service): Promise<ServiceStatus> => {
        try {
          const h = await this.client.request(HealthRequests[service], {}, { timeoutMs: 2_000 });
          return { service, status: h.status, version: h.version, instance: h.instance, uptimeSeconds: h.uptimeSeconds, checks: h.checks };
        } catch (err) {
          return { service, status: 'down', checks: [], error: isDomainError(err) ? `${err.code}: ${err.message}` : String(err) };
        }
      }),
    );
    const services = [gateway, ...others];
    const bad = services.filter((s) => s.status !== 'ok').length;
    return { status: bad === 0 ? 'ok' : bad === services.length ? 'down' : 'degraded', services };
  }
}
