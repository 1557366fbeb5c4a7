import { z } from 'zod';
import { ActorSchema, defineRequest } from '../common/request';
import { ImageReferenceSchema } from '../image/image-submitted.v1';

const KeyName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1-63 of a-z 0-9 . _ - starting with a letter or digit');

export const SigningKeyViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  algorithm: z.string(),
  publicKeyPem: z.string(),
  status: z.enum(['active', 'retired', 'revoked']),
  current: z.boolean(),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
});

export const CreateKeyV1 = defineRequest({
  subject: 'lazaret.signing.create-key.v1',
  request: z.strictObject({ actor: ActorSchema, name: KeyName, algorithm: z.enum(['ecdsa-p256', 'ed25519']).default('ecdsa-p256') }),
  response: SigningKeyViewSchema,
});

export const ImportKeyV1 = defineRequest({
  subject: 'lazaret.signing.import-key.v1',
  request: z.strictObject({
    actor: ActorSchema,
    name: KeyName,
    /** A cosign key (`ENCRYPTED SIGSTORE PRIVATE KEY` / `ENCRYPTED COSIGN PRIVATE KEY`) or a PKCS#8 PEM. */
    privateKeyPem: z.string().min(1).max(16_384),
    password: z.string().max(1024).optional(),
  }),
  response: SigningKeyViewSchema,
});

export const ListKeysV1 = defineRequest({
  subject: 'lazaret.signing.list-keys.v1',
  request: z.strictObject({}),
  response: z.strictObject({ items: z.array(SigningKeyViewSchema) }),
});

export const RotateKeyV1 = defineRequest({
  subject: 'lazaret.signing.rotate-key.v1',
  request: z.strictObject({ actor: ActorSchema, name: KeyName }),
  response: z.strictObject({ previous: SigningKeyViewSchema, current: SigningKeyViewSchema }),
});

export const RevokeKeyV1 = defineRequest({
  subject: 'lazaret.signing.revoke-key.v1',
  request: z.strictObject({ actor: ActorSchema, keyId: z.string().regex(/^[a-f0-9]{64}$/), reason: z.string().min(1).max(500) }),
  response: SigningKeyViewSchema,
});

export const SetRegistryCredentialsV1 = defineRequest({
  subject: 'lazaret.signing.set-registry-credentials.v1',
  request: z.strictObject({
    actor: ActorSchema,
    registry: z.string().regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'a registry host[:port]'),
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(4096),
  }),
  response: z.strictObject({ registry: z.string(), username: z.string(), updatedAt: z.string() }),
});

export const SignImageV1 = defineRequest({
  subject: 'lazaret.signing.sign-image.v1',
  request: z.strictObject({ actor: ActorSchema, reference: ImageReferenceSchema, keyName: KeyName.optional(), insecure: z.boolean().default(false) }),
  response: z.strictObject({
    reference: z.string(),
    digest: z.string(),
    keyId: z.string(),
    signatureReference: z.string(),
    alreadySigned: z.boolean(),
    signatureCount: z.number().int(),
    bundle: z.unknown().optional(),
  }),
});

export const VerifyImageV1 = defineRequest({
  subject: 'lazaret.signing.verify-image.v1',
  request: z.strictObject({ actor: ActorSchema, reference: ImageReferenceSchema, insecure: z.boolean().default(false) }),
  response: z.strictObject({
    reference: z.string(),
    digest: z.string(),
    verified: z.array(z.strictObject({ keyId: z.string(), keyName: z.string().nullable(), claimedTime: z.string().nullable() })),
    rejected: z.array(z.strictObject({ code: z.string(), reason: z.string(), keyId: z.string().nullable() })),
  }),
});

export const PolicyViewSchema = z.strictObject({ version: z.number().int(), sha256: z.string(), text: z.string(), updatedAt: z.string(), updatedBy: z.string() });

export const PutPolicyV1 = defineRequest({
  subject: 'lazaret.signing.put-policy.v1',
  request: z.strictObject({ actor: ActorSchema, text: z.string().min(1).max(256 * 1024) }),
  response: PolicyViewSchema,
});

export const GetPolicyV1 = defineRequest({
  subject: 'lazaret.signing.get-policy.v1',
  request: z.strictObject({}),
  response: PolicyViewSchema,
});

/** Kubernetes admission: the AdmissionReview goes through as it came; the reply is an AdmissionReview. */
export const AdmissionReviewV1 = defineRequest({
  subject: 'lazaret.signing.admission-review.v1',
  request: z.strictObject({ review: z.unknown() }),
  response: z.strictObject({ review: z.record(z.string(), z.unknown()) }),
});

/** Attest an image: its SBOM or its vulnerability verdict (from scanning), signed as DSSE in-toto statements. */
export const AttestImageV1 = defineRequest({
  subject: 'lazaret.signing.attest-image.v1',
  request: z.strictObject({ actor: ActorSchema, reference: ImageReferenceSchema, type: z.enum(['sbom', 'vuln']), keyName: KeyName.optional(), insecure: z.boolean().default(false) }),
  response: z.strictObject({ reference: z.string(), digest: z.string(), keyId: z.string(), predicateType: z.string(), attestationReference: z.string() }),
});
