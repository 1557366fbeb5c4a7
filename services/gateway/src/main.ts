import { createPlatform, startService, VERSION } from '@lazaret/platform';
import { GATEWAY_MIGRATIONS } from './adapters/migrations';
import { PrincipalRepository } from './adapters/principal.repository';
import { PrincipalService } from './application/principal.service';
import { GatewayConfigSchema } from './config';
import { GATEWAY_CONTROLLERS, GatewayModule, serviceClientFor } from './gateway.module';
import { DocsController } from './handlers/http/docs.controller';
import { installHttpTracing } from './handlers/http/http-tracing';
import { UPLOAD_TYPES } from './handlers/http/scans.controller';
import { buildOpenApi } from './handlers/http/openapi';

async function main(): Promise<void> {
  const platform = await createPlatform({
    service: 'gateway',
    configSchema: GatewayConfigSchema,
    streams: ['AUDIT'],
    database: { migrations: GATEWAY_MIGRATIONS },
  });
  const client = serviceClientFor(platform, platform.config.LAZARET_SERVICE_TIMEOUT_MS);
  await client.connect();
  if (platform.config.LAZARET_ADMIN_KEY) {
    // Before listening, so the key works from the first request.
    await new PrincipalService(platform.outbox!, new PrincipalRepository(platform.db!), platform.audit).ensureBootstrapAdmin(platform.config.LAZARET_ADMIN_KEY);
    platform.logger.info('bootstrap admin key installed (the key itself is never logged)');
  }
  DocsController.setDocument(buildOpenApi(GATEWAY_CONTROLLERS, VERSION));
  await startService(platform, {
    module: GatewayModule.register(platform, client),
    port: platform.config.LAZARET_PORT,
    bodyLimit: platform.config.LAZARET_BODY_LIMIT_BYTES,
    configureFastify: (adapter) => {
      const fastify = adapter.getInstance();
      installHttpTracing(fastify);
      // Archives stay a stream: the upload route meters and stores them as they arrive.
      fastify.addContentTypeParser(UPLOAD_TYPES, (_req, payload, done) => done(null, payload));
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
