import { LocalKekProvider } from '@lazaret/crypto';
import { natsServers, PLATFORM, ServiceClient, type PlatformContext } from '@lazaret/platform';
import { Module } from '@nestjs/common';
import { SigningRepository } from './adapters/key.repository';
import { kekIdOf, KeyService } from './application/key.service';
import { SigningService } from './application/signing.service';
import type { SigningConfig } from './config';
import { SigningRequestsHandler } from './handlers/signing-requests.handler';

type Platform = PlatformContext & { config: PlatformContext['config'] & SigningConfig };

/** The KEK provider from configuration (a KMS adapter implements the same interface). */
export function kekProvider(config: SigningConfig): LocalKekProvider {
  if (config.LAZARET_KEKS) return LocalKekProvider.fromConfigString(config.LAZARET_KEKS);
  const value = config.LAZARET_KEK!;
  return new LocalKekProvider({ currentKeyId: kekIdOf(value), keys: { [kekIdOf(value)]: value } });
}

/** Requests to scanning (SBOMs and verdicts to attest), with this service's own NATS identity. */
function scanningClient(p: PlatformContext): ServiceClient {
  return new ServiceClient({
    servers: natsServers(p.config.NATS_URL),
    user: p.config.NATS_USER,
    password: p.config.NATS_PASSWORD,
    inboxPrefix: p.config.NATS_INBOX_PREFIX,
    name: `signing-client/${p.instance}`,
    defaultTimeoutMs: 30_000,
  });
}

@Module({
  controllers: [SigningRequestsHandler],
  providers: [
    { provide: SigningRepository, useFactory: (p: PlatformContext) => new SigningRepository(p.db!), inject: [PLATFORM] },
    { provide: KeyService, useFactory: (p: Platform, repo: SigningRepository) => new KeyService(repo, kekProvider(p.config), p.outbox!, p.audit), inject: [PLATFORM, SigningRepository] },
    {
      provide: SigningService,
      useFactory: (p: Platform, repo: SigningRepository, keys: KeyService) =>
        new SigningService(repo, keys, p.outbox!, p.audit, { allowInsecure: p.config.LAZARET_ALLOW_INSECURE_REGISTRIES, warnOnly: p.config.LAZARET_ADMISSION_WARN_ONLY }, scanningClient(p)),
      inject: [PLATFORM, SigningRepository, KeyService],
    },
  ],
})
export class SigningModule {}
