import { z } from 'zod';
import { ActorSchema, defineRequest } from '../common/request';
import { DigestSchema } from '../scan/scan-completed.v1';
import { SeveritySchema, VerdictSchema } from './findings.v1';

/** An accepted risk: a vulnerability that does not fail verdicts for matching repositories until it expires. */
export const VulnExceptionSchema = z.strictObject({
  id: z.uuid(),
  vulnerabilityId: z.string(),
  /** Repository glob (`registry.example.com/team/**`). */
  repository: z.string(),
  reason: z.string(),
  expiresAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const CreateExceptionV1 = defineRequest({
  subject: 'lazaret.scanning.create-exception.v1',
  request: z.strictObject({
    actor: ActorSchema,
    vulnerabilityId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{1,99}$/),
    repository: z.string().min(1).max(300),
    reason: z.string().min(10, 'say why the risk is accepted (10 characters at least)').max(2000),
    expiresAt: z.iso.datetime({ offset: true }),
  }),
  response: VulnExceptionSchema,
});

export const ListExceptionsV1 = defineRequest({
  subject: 'lazaret.scanning.list-exceptions.v1',
  request: z.strictObject({ includeInactive: z.boolean().default(false) }),
  response: z.strictObject({ items: z.array(VulnExceptionSchema) }),
});

export const RevokeExceptionV1 = defineRequest({
  subject: 'lazaret.scanning.revoke-exception.v1',
  request: z.strictObject({ actor: ActorSchema, id: z.uuid() }),
  response: VulnExceptionSchema,
});

/** v2 of the verdict: also lists the findings that an active exception kept from failing it. */
export const GetVerdictV2 = defineRequest({
  subject: 'lazaret.scanning.get-verdict.v2',
  request: z.strictObject({ digest: DigestSchema }),
  response: VerdictSchema.extend({
    excepted: z.array(z.strictObject({ id: z.string(), package: z.string(), severity: SeveritySchema, exceptionId: z.uuid(), expiresAt: z.string() })),
  }),
});
