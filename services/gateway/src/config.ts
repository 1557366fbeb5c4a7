import { portSchema } from '@lazaret/platform';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Gateway settings (besides the platform's). */
export const GatewayConfigSchema = z.object({
  LAZARET_PORT: portSchema.default(8080),
  /** Bootstrap admin API key (`lzk_<12 hex>_<43 base64url>`); stored hashed, replaces the previous bootstrap key. */
  LAZARET_ADMIN_KEY: z
    .string()
    .regex(/^lzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/, 'expected an API key lzk_<12 hex>_<43 base64url chars> (npm start generates one)')
    .optional(),
  LAZARET_OIDC_ISSUER: z.url({ error: 'expected the issuer URL' }).optional(),
  LAZARET_OIDC_AUDIENCE: z.string().min(1).optional(),
  LAZARET_OIDC_JWKS_URL: z.url({ error: 'expected the JWKS URL' }).optional(),
  LAZARET_OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  LAZARET_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  LAZARET_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  LAZARET_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(1024 * 1024),
  /** Largest image archive accepted by POST /api/v1/scans/archive. */
  LAZARET_UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 ** 3).default(4 * 1024 ** 3),
  /** Repositories whose every access is audited as sensitive (comma-separated globs, `*` one segment, `**` any depth). */
  LAZARET_SENSITIVE_REPOSITORIES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  LAZARET_TRUST_PROXY: bool.default(false),
  LAZARET_SERVICE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
