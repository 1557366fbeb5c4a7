import { AttestImageV1, GetPolicyV1, ImageReferenceSchema, ListKeysV1, PolicyViewSchema, RotateKeyV1, SetRegistryCredentialsV1, SigningKeyViewSchema, SignImageV1, VerifyImageV1 } from '@lazaret/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import type { Caller } from '../../application/auth.service';
import { SigningGatewayService } from '../../application/signing.service';
import { ADMIN_ONLY, IMAGE_READERS } from '../../domain/roles';
import { CurrentCaller, Route } from './route.decorator';

const KeyName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'a key name: 1-63 of a-z 0-9 . _ -');
const CreateKeyBody = z.strictObject({ name: KeyName, algorithm: z.enum(['ecdsa-p256', 'ed25519']).default('ecdsa-p256') });
const ImportKeyBody = z.strictObject({ name: KeyName, privateKeyPem: z.string().min(1).max(16_384), password: z.string().max(1024).optional() });
const KeyIdParams = z.strictObject({ id: z.string().regex(/^[a-f0-9]{64}$/, 'a key id (64 hex digits)') });
const NameParams = z.strictObject({ name: KeyName });
const RevokeBody = z.strictObject({ reason: z.string().min(1).max(500) });
const CredentialsBody = z.strictObject({ registry: z.string().regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/), username: z.string().min(1).max(256), password: z.string().min(1).max(4096) });
const ImageBody = z.strictObject({ reference: ImageReferenceSchema, keyName: KeyName.optional(), insecure: z.boolean().default(false) });
const AttestBody = z.strictObject({ reference: ImageReferenceSchema, type: z.enum(['sbom', 'vuln']), keyName: KeyName.optional(), insecure: z.boolean().default(false) });
const VerifyBody = z.strictObject({ reference: ImageReferenceSchema, insecure: z.boolean().default(false) });
const PolicyBody = z.strictObject({ text: z.string().min(1).max(256 * 1024).describe('The trust policy, YAML or JSON (see docs/signing.md)') });
const SIGNERS = ['admin', 'secops'] as const;

@Controller('api/v1')
export class SigningController {
  constructor(private readonly signing: SigningGatewayService) {}

  @Post('signing/keys')
  @Route({ summary: 'Generate a signing key (stored encrypted; only the public key ever leaves)', tags: ['signing'], access: ADMIN_ONLY, body: CreateKeyBody, response: SigningKeyViewSchema, status: 201 })
  create(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof CreateKeyBody>) {
    return this.signing.createKey(caller, body.name, body.algorithm);
  }

  @Post('signing/keys/import')
  @Route({ summary: 'Import a cosign key pair (encrypted private key and its password) or a PKCS#8 key', tags: ['signing'], access: ADMIN_ONLY, body: ImportKeyBody, response: SigningKeyViewSchema, status: 201 })
  import(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof ImportKeyBody>) {
    return this.signing.importKey(caller, body.name, body.privateKeyPem, body.password);
  }

  @Get('signing/keys')
  @Route({ summary: 'Signing keys with their public keys (PEM)', tags: ['signing'], access: IMAGE_READERS, response: ListKeysV1.response })
  list() {
    return this.signing.listKeys();
  }

  @Post('signing/keys/by-name/:name/rotate')
  @HttpCode(200)
  @Route({ summary: 'Rotate a key: a new key signs from now on, the old one keeps verifying', tags: ['signing'], access: ADMIN_ONLY, params: NameParams, body: z.strictObject({}), response: RotateKeyV1.response })
  rotate(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof NameParams>) {
    return this.signing.rotate(caller, params.name);
  }

  @Post('signing/keys/:id/revoke')
  @HttpCode(200)
  @Route({ summary: "Revoke a key: its signatures fail verification from now on", tags: ['signing'], access: ADMIN_ONLY, params: KeyIdParams, body: RevokeBody, response: SigningKeyViewSchema })
  revoke(@CurrentCaller() caller: Caller, @Param() params: z.output<typeof KeyIdParams>, @Body() body: z.output<typeof RevokeBody>) {
    return this.signing.revoke(caller, params.id, body.reason);
  }

  @Put('signing/registry-credentials')
  @Route({ summary: 'Credentials the signing service uses for a registry (stored encrypted)', tags: ['signing'], access: ADMIN_ONLY, body: CredentialsBody, response: SetRegistryCredentialsV1.response })
  credentials(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof CredentialsBody>) {
    return this.signing.setCredentials(caller, body.registry, body.username, body.password);
  }

  @Post('signatures')
  @Route({ summary: 'Sign an image (by the digest its reference resolves to), stored the way cosign stores it', tags: ['signing'], access: [...SIGNERS], body: ImageBody, response: SignImageV1.response, status: 201 })
  sign(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof ImageBody>) {
    return this.signing.sign(caller, body.reference, body.keyName, body.insecure);
  }

  @Post('attestations')
  @Route({
    summary: "Attest an image's SBOM or vulnerability verdict (from its scan) as a signed in-toto statement, stored the way cosign stores attestations",
    tags: ['signing'],
    access: [...SIGNERS],
    body: AttestBody,
    response: AttestImageV1.response,
    status: 201,
  })
  attest(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof AttestBody>) {
    return this.signing.attest(caller, body.reference, body.type, body.keyName, body.insecure);
  }

  @Post('signatures/verify')
  @HttpCode(200)
  @Route({ summary: "Verify an image's signatures against the managed keys", tags: ['signing'], access: IMAGE_READERS, body: VerifyBody, response: VerifyImageV1.response })
  verify(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof VerifyBody>) {
    return this.signing.verify(caller, body.reference, body.insecure);
  }

  @Get('trust-policy')
  @Route({ summary: 'The trust policy in force', tags: ['signing'], access: IMAGE_READERS, response: GetPolicyV1.response })
  policy() {
    return this.signing.getPolicy();
  }

  @Put('trust-policy')
  @Route({ summary: 'Replace the trust policy (validated first; errors name the line and the reason)', tags: ['signing'], access: [...SIGNERS], body: PolicyBody, response: PolicyViewSchema })
  putPolicy(@CurrentCaller() caller: Caller, @Body() body: z.output<typeof PolicyBody>) {
    return this.signing.putPolicy(caller, body.text);
  }
}

/** Kubernetes' ValidatingWebhookConfiguration posts AdmissionReview v1 here (see infra/k8s). */
@Controller('admission')
export class AdmissionController {
  constructor(private readonly signing: SigningGatewayService) {}

  @Post('validate')
  @HttpCode(200)
  @Route({ summary: 'Kubernetes admission: AdmissionReview v1 in, AdmissionReview v1 out', tags: ['admission'], access: [...SIGNERS], body: z.record(z.string(), z.unknown()), response: z.record(z.string(), z.unknown()) })
  validate(@Body() body: Record<string, unknown>) {
    return this.signing.admission(body);
  }
}

