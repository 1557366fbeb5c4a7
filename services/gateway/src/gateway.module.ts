import { PLATFORM, ServiceClient, natsServers, type PlatformContext } from '@lazaret/platform';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { OidcVerifier } from './adapters/oidc-verifier';
import { PrincipalRepository } from './adapters/principal.repository';
import { AuditTrailService } from './application/audit-trail.service';
import { AuthService } from './application/auth.service';
import { ImagesService } from './application/images.service';
import { PlatformStatusService } from './application/platform-status.service';
import { PrincipalService } from './application/principal.service';
import { ScansService } from './application/scans.service';
import { RepositoryAccessService } from './application/repository-access.service';
import { AlertsService } from './application/alerts.service';
import { AlertsController } from './handlers/http/alerts.controller';
import { VulnerabilitiesService } from './application/vulnerabilities.service';
import { VulnerabilitiesController } from './handlers/http/vulnerabilities.controller';
import { AdmissionController, SigningController } from './handlers/http/signing.controller';
import { SigningGatewayService } from './application/signing.service';
import type { GatewayConfig } from './config';
import { RateLimiter } from './domain/rate-limiter';
import { AuthGuard } from './handlers/http/auth.guard';
import { DocsController } from './handlers/http/docs.controller';
import { TraceContextInterceptor } from './handlers/http/http-tracing';
import { PlatformController } from './handlers/http/platform.controller';
import { PrincipalsController } from './handlers/http/principals.controller';
import { ProblemFilter } from './handlers/http/problem';
import { ScansController, UPLOAD_LIMIT } from './handlers/http/scans.controller';
import { UploadStore } from './adapters/upload.store';
import { ValidationInterceptor } from './handlers/http/validation.interceptor';

/** Every HTTP controller of the gateway: the route-policy test and the OpenAPI document walk this list. */
export const GATEWAY_CONTROLLERS: Type[] = [PrincipalsController, PlatformController, ScansController, VulnerabilitiesController, SigningController, AdmissionController, AlertsController, DocsController];

type Platform = PlatformContext & { config: PlatformContext['config'] & GatewayConfig };

@Module({})
export class GatewayModule {
  static register(platform: Platform, client: ServiceClient): DynamicModule {
    const cfg = platform.config;
    const db = platform.db!;
    const repo = new PrincipalRepository(db);
    const oidc =
      cfg.LAZARET_OIDC_ISSUER && cfg.LAZARET_OIDC_JWKS_URL && cfg.LAZARET_OIDC_AUDIENCE
        ? new OidcVerifier({ issuer: cfg.LAZARET_OIDC_ISSUER, audience: cfg.LAZARET_OIDC_AUDIENCE, jwksUrl: cfg.LAZARET_OIDC_JWKS_URL })
        : undefined;
    const auth = new AuthService(repo, oidc, cfg.LAZARET_OIDC_ROLES_CLAIM);
    const access = new RepositoryAccessService(platform.audit, cfg.LAZARET_SENSITIVE_REPOSITORIES, client);
    return {
      module: GatewayModule,
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: ServiceClient, useValue: client },
        { provide: PrincipalService, useValue: new PrincipalService(platform.outbox!, repo, platform.audit) },
        { provide: PlatformStatusService, useFactory: (p: PlatformContext) => new PlatformStatusService(p, client), inject: [PLATFORM] },
        { provide: ImagesService, useValue: new ImagesService(client, access) },
        { provide: AuditTrailService, useValue: new AuditTrailService(client, platform.audit) },
        { provide: ScansService, useValue: new ScansService(client, platform.audit, access) },
        { provide: UploadStore, useValue: new UploadStore(platform.nc) },
        { provide: AlertsService, useValue: new AlertsService(client, platform.audit) },
        { provide: SigningGatewayService, useValue: new SigningGatewayService(client, access) },
        { provide: VulnerabilitiesService, useValue: new VulnerabilitiesService(client, platform.audit, access) },
        { provide: UPLOAD_LIMIT, useValue: cfg.LAZARET_UPLOAD_LIMIT_BYTES },
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) =>
            new AuthGuard(reflector, {
              auth,
              audit: platform.audit,
              logger: platform.logger,
              limiter: new RateLimiter(cfg.LAZARET_RATE_LIMIT_PER_MINUTE),
              failures: new RateLimiter(cfg.LAZARET_AUTH_FAILURES_PER_MINUTE),
            }),
          inject: [Reflector],
        },
        { provide: APP_INTERCEPTOR, useClass: TraceContextInterceptor },
        { provide: APP_INTERCEPTOR, useFactory: (reflector: Reflector) => new ValidationInterceptor(reflector), inject: [Reflector] },
        { provide: APP_FILTER, useValue: new ProblemFilter(platform.logger) },
      ],
    };
  }
}

export function serviceClientFor(platform: PlatformContext, timeoutMs: number): ServiceClient {
  return new ServiceClient({
    servers: natsServers(platform.config.NATS_URL),
    user: platform.config.NATS_USER,
    password: platform.config.NATS_PASSWORD,
    inboxPrefix: platform.config.NATS_INBOX_PREFIX,
    name: `gateway-client/${platform.instance}`,
    defaultTimeoutMs: timeoutMs,
  });
}
