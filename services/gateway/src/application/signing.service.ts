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
import type { ServiceClient } from '@lazaret/platform';
import { actorOf, type Caller } from './auth.service';
import type { RepositoryAccessService } from './repository-access.service';

/** Keys, signatures, trust policy and admission are the signing service's. */
export class SigningGatewayService {
  constructor(
    private readonly client: ServiceClient,
    private readonly access: RepositoryAccessService,
  ) {}

  createKey(caller: Caller, name: string, algorithm: 'ecdsa-p256' | 'ed25519') {
    return this.client.request(CreateKeyV1, { actor: actorOf(caller), name, algorithm });
  }
  importKey(caller: Caller, name: string, privateKeyPem: string, password?: string) {
    return this.client.request(ImportKeyV1, { actor: actorOf(caller), name, privateKeyPem, ...(password !== undefined ? { password } : {}) });
  }
  listKeys() {
    return this.client.request(ListKeysV1, {});
  }
  rotate(caller: Caller, name: string) {
    return this.client.request(RotateKeyV1, { actor: actorOf(caller), name });
  }
  revoke(caller: Caller, keyId: string, reason: string) {
    return this.client.request(RevokeKeyV1, { actor: actorOf(caller), keyId, reason });
  }
  setCredentials(caller: Caller, registry: string, username: string, password: string) {
    return this.client.request(SetRegistryCredentialsV1, { actor: actorOf(caller), registry, username, password });
  }
  async sign(caller: Caller, reference: string, keyName: string | undefined, insecure: boolean) {
    await this.access.check(caller, reference, 'sign');
    return this.client.request(SignImageV1, { actor: actorOf(caller), reference, insecure, ...(keyName ? { keyName } : {}) }, { timeoutMs: 60_000 });
  }
  async attest(caller: Caller, reference: string, type: 'sbom' | 'vuln', keyName: string | undefined, insecure: boolean) {
    await this.access.check(caller, reference, 'attest');
    return this.client.request(AttestImageV1, { actor: actorOf(caller), reference, type, insecure, ...(keyName ? { keyName } : {}) }, { timeoutMs: 60_000 });
  }
  async verify(caller: Caller, reference: string, insecure: boolean) {
    await this.access.check(caller, reference, 'verify');
    return this.client.request(VerifyImageV1, { actor: actorOf(caller), reference, insecure }, { timeoutMs: 60_000 });
  }
  putPolicy(caller: Caller, text: string) {
    return this.client.request(PutPolicyV1, { actor: actorOf(caller), text });
  }
  getPolicy() {
    return this.client.request(GetPolicyV1, {});
  }
  async admission(review: unknown) {
    return (await this.client.request(AdmissionReviewV1, { review }, { timeoutMs: 10_000 })).review;
  }
}
