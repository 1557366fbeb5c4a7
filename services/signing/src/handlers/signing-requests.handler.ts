import {
  AdmissionReviewV1,
  AttestImageV1,
  CreateKeyV1,
  GetPolicyV1,
  ImportKeyV1,
  ListKeysV1,
  PutPolicyV1,
  RevokeKeyV1,
  RotateKeyV1,
  SetRegistryCredentialsV1,
  SignImageV1,
  VerifyImageV1,
} from '@lazaret/contracts';
import { LOGGER, serveRequest, type Logger } from '@lazaret/platform';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { KeyService } from '../application/key.service';
import { SigningService } from '../application/signing.service';

@Controller()
export class SigningRequestsHandler {
  constructor(
    private readonly keys: KeyService,
    private readonly signing: SigningService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(CreateKeyV1.subject)
  createKey(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(CreateKeyV1, p, ctx, this.logger, (r) => this.keys.create(r.actor, r.name, r.algorithm));
  }

  @MessagePattern(ImportKeyV1.subject)
  importKey(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(ImportKeyV1, p, ctx, this.logger, (r) => this.keys.import(r.actor, r.name, r.privateKeyPem, r.password));
  }

  @MessagePattern(ListKeysV1.subject)
  listKeys(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(ListKeysV1, p ?? {}, ctx, this.logger, () => this.keys.list());
  }

  @MessagePattern(RotateKeyV1.subject)
  rotate(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(RotateKeyV1, p, ctx, this.logger, (r) => this.keys.rotate(r.actor, r.name));
  }

  @MessagePattern(RevokeKeyV1.subject)
  revoke(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(RevokeKeyV1, p, ctx, this.logger, (r) => this.keys.revoke(r.actor, r.keyId, r.reason));
  }

  @MessagePattern(SetRegistryCredentialsV1.subject)
  credentials(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(SetRegistryCredentialsV1, p, ctx, this.logger, (r) => this.keys.setCredentials(r.actor, r.registry, r.username, r.password));
  }

  @MessagePattern(SignImageV1.subject)
  sign(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(SignImageV1, p, ctx, this.logger, (r) => this.signing.sign(r.actor, r.reference, r.keyName, r.insecure));
  }

  @MessagePattern(AttestImageV1.subject)
  attest(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(AttestImageV1, p, ctx, this.logger, (r) => this.signing.attest(r.actor, r.reference, r.type, r.keyName, r.insecure));
  }

  @MessagePattern(VerifyImageV1.subject)
  verify(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(VerifyImageV1, p, ctx, this.logger, (r) => this.signing.verify(r.actor, r.reference, r.insecure));
  }

  @MessagePattern(PutPolicyV1.subject)
  putPolicy(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(PutPolicyV1, p, ctx, this.logger, (r) => this.signing.putPolicy(r.actor, r.text));
  }

  @MessagePattern(GetPolicyV1.subject)
  getPolicy(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(GetPolicyV1, p ?? {}, ctx, this.logger, () => this.signing.getPolicy());
  }

  @MessagePattern(AdmissionReviewV1.subject)
  admission(@Payload() p: unknown, @Ctx() ctx: NatsContext) {
    return serveRequest(AdmissionReviewV1, p, ctx, this.logger, async (r) => ({ review: await this.signing.admissionReview(r.review) }));
  }
}
