import { AuditEntrySchema, AuditOutcomeSchema, HealthResponseSchema, ImageReferenceSchema, PlatformSchema, SubmissionSchema } from '@lazaret/contracts';
import { z } from 'zod';
import { ROLES } from '../../domain/roles';
import { SCOPE_PATTERN } from '@lazaret/contracts';

export const RoleSchema = z.enum(ROLES);
export const IdParams = z.strictObject({ id: z.uuid({ error: 'must be a UUID' }) });
export const KeyIdParams = z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{12}$/, 'must be a 12-hex-digit key id') });
const pageNumber = (def: number, max: number) => z.coerce.number().int().min(0).max(max).default(def);

export const PrincipalSchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(['user', 'service']),
  roles: z.array(RoleSchema),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  disabledAt: z.string().nullable(),
});

export const CreatePrincipalBody = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._@-]{1,62}$/, 'must be 2-63 of a-z 0-9 . _ @ - starting with a letter or digit'),
  type: z.enum(['user', 'service']).default('user'),
  roles: z.array(RoleSchema).min(1, 'give at least one role').max(4),
  scopes: z.array(z.string().regex(SCOPE_PATTERN, 'a repository pattern like registry.example.com/team/** or registry.example.com/team/*')).max(100).default([]),
});

export const UpdatePrincipalBody = z
  .strictObject({
    roles: z.array(RoleSchema).min(1).max(4).optional(),
    scopes: z.array(z.string().regex(SCOPE_PATTERN, 'a repository pattern like registry.example.com/team/**')).max(100).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.roles !== undefined || b.disabled !== undefined || b.scopes !== undefined, 'give roles, scopes or disabled');

export const PageQuery = z.strictObject({ limit: pageNumber(50, 500).pipe(z.number().min(1)), offset: pageNumber(0, 1_000_000) });

export const ApiKeySchema = z.strictObject({
  id: z.string(),
  principalId: z.uuid(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const CreateApiKeyBody = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/, 'must be 1-63 letters, digits, space . _ -'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string().describe('The API key. Shown only in this response; store it now.') });

export const MeSchema = z.strictObject({ id: z.string(), name: z.string(), roles: z.array(RoleSchema), scopes: z.array(z.string()), method: z.enum(['api-key', 'oidc']), keyId: z.string().optional() });

export const StatusSchema = z.strictObject({
  status: z.enum(['ok', 'degraded', 'down']),
  services: z.array(
    z.strictObject({
      service: z.string(),
      status: z.enum(['ok', 'degraded', 'down']),
      version: z.string().optional(),
      instance: z.string().optional(),
      uptimeSeconds: z.number().optional(),
      checks: HealthResponseSchema.shape.checks,
      error: z.string().optional(),
    }),
  ),
});

export const SubmitImageBody = z.strictObject({
  reference: ImageReferenceSchema,
  platform: PlatformSchema.default('linux/amd64'),
  insecure: z.boolean().default(false).describe('Allow plain HTTP to the registry (local registries only).'),
});

export { SubmissionSchema };

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });
export const AuditListQuery = z.strictObject({
  service: z.string().regex(/^[a-z]+$/).optional(),
  action: z.string().max(200).optional(),
  actorId: z.string().max(200).optional(),
  outcome: AuditOutcomeSchema.optional(),
  resourceType: z.string().max(100).optional(),
  resourceId: z.string().max(500).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditListSchema = z.strictObject({ items: z.array(AuditEntrySchema), nextBeforeSeq: z.number().int().nullable() });

export const AuditVerifySchema = z.strictObject({
  ok: z.boolean(),
  count: z.number().int(),
  headHash: z.string().nullable(),
  firstBroken: z.strictObject({ seq: z.number().int(), id: z.string().nullable(), reason: z.enum(['hash-mismatch', 'prev-mismatch', 'seq-gap']) }).nullable(),
});

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string().optional(),
  traceId: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
