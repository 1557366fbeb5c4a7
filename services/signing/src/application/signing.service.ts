import { createHash } from 'node:crypto';
import { GetSbomChunkV1, GetVerdictV1, ListFindingsV1, type Actor } from '@lazaret/contracts';
import { DomainError, type AuditPublisher, type Outbox, type ServiceClient } from '@lazaret/platform';
import { parseImageReference, RegistryPushClient } from '@lazaret/scanner';
import {
  AdmissionController,
  attachAttestation,
  imageTarget,
  PREDICATE_TYPES,
  vulnVerdict,
  isTrustError,
  KeyRing,
  loadTrustPolicy,
  registryEvidence,
  registryTagResolver,
  signImage,
  trustedKey,
  verifyImageSignatures,
  type OciStore,
  type TrustPolicy,
} from '@lazaret/trust';
import { parse as parseYaml } from 'yaml';
import type { KeyRow, SigningRepository } from '../adapters/key.repository';
import type { KeyService } from './key.service';

const DEFAULT_POLICY = `apiVersion: lazaret.dev/v1
kind: TrustPolicy
# No policy was stored yet: admit nothing that is not explicitly allowed.
defaultAction: deny
rules: []
`;

/**
 * Signs and verifies images in their registries (cosign's layout), keeps the trust policy, and
 * answers Kubernetes admission reviews with it. The policy's keys are the stored policy's plus
 * every key managed here (by its id), with revocation times.
 */
export class SigningService {
  private admission?: { fingerprint: string; controller: AdmissionController };
  /** Signing appends to one `.sig` manifest per image: serialise per digest (registries have no compare-and-swap). */
  private readonly signing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repo: SigningRepository,
    private readonly keys: KeyService,
    private readonly outbox: Outbox,
    private readonly audit: AuditPublisher,
    private readonly settings: { allowInsecure: boolean; warnOnly: boolean },
    private readonly scanning?: ServiceClient,
  ) {}

  /**
   * Attests what scanning knows about the image (by the digest the registry resolves): its
   * CycloneDX SBOM, or its vulnerability verdict with the findings behind it.
   */
  async attest(actor: Actor, reference: string, type: 'sbom' | 'vuln', keyName: string | undefined, insecure: boolean) {
    if (!this.scanning) throw new DomainError('unavailable', 'attestations need the scanning service');
    const { store, target } = await this.resolve(reference, insecure).catch(mapTrust);
    const predicate = type === 'sbom' ? await this.sbomOf(target.digest) : await this.verdictOf(target.digest);
    const predicateType = type === 'sbom' ? PREDICATE_TYPES.cyclonedx : PREDICATE_TYPES.vulnVerdictV1;
    const key = await this.keys.signingKey(keyName);
    const result = await attachAttestation({ image: target, key: { privateKey: key.privateKey, keyId: key.row.id }, store, predicateType, predicate }).catch(mapTrust);
    await this.outbox.transaction('signing log-attestation', async (tx) => {
      await this.audit.enqueue(tx, {
        action: 'image.attest',
        actor,
        outcome: 'success',
        resource: { type: 'image', id: `${target.registry}/${target.repository}@${target.digest}` },
        details: { reference, predicateType, keyId: key.row.id },
      });
    });
    return { reference, digest: target.digest, keyId: key.row.id, predicateType, attestationReference: result.attestationReference };
  }

  private async sbomOf(digest: string): Promise<unknown> {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const c = await this.scanning!.request(GetSbomChunkV1, { digest, format: 'cyclonedx', offset }).catch((err: unknown) => {
        throw err instanceof DomainError && err.code === 'not-found' ? new DomainError('not-found', `scan ${digest} first: there is no SBOM for it`) : err;
      });
      const data = Buffer.from(c.dataBase64, 'base64');
      chunks.push(data);
      offset += data.length;
      if (offset >= c.totalBytes || data.length === 0) break;
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  private async verdictOf(digest: string) {
    const verdict = await this.scanning!.request(GetVerdictV1, { digest });
    const findings: Array<{ id: string; severity: 'critical' | 'high' | 'medium' | 'low' | 'unknown'; package: string; installedVersion: string; fixedVersion: string | null }> = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.scanning!.request(ListFindingsV1, { digest, limit: 1000, offset, sort: 'id' });
      for (const f of page.items) {
        findings.push({ id: f.id, severity: f.severity === 'negligible' ? 'low' : f.severity, package: f.package.purl, installedVersion: f.installedVersion, fixedVersion: f.fixedVersions[0] ?? null });
      }
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
    return vulnVerdict({ imageDigest: digest, scanner: { name: 'lazaret', version: '0.1.0' }, scannedAt: new Date(), findings, verdict: verdict.pass ? 'pass' : 'fail', policy: JSON.stringify(verdict.policy) });
  }

  private async storeFor(registry: string, insecure: boolean): Promise<OciStore> {
    if (insecure && !this.settings.allowInsecure) throw new DomainError('forbidden', 'plain-HTTP registries are disabled here (LAZARET_ALLOW_INSECURE_REGISTRIES)');
    const credentials = await this.keys.credentials(registry);
    return new RegistryPushClient({ registry, insecure, ...(credentials ? { credentials } : {}) });
  }

  private async resolve(reference: string, insecure: boolean) {
    const ref = parseImageReference(reference);
    const store = await this.storeFor(ref.registry, insecure);
    const digest = ref.digest ?? (await store.resolveDigest(ref.repository, ref.tag ?? 'latest'));
    if (!digest) throw new DomainError('not-found', `${reference} does not exist in its registry`);
    return { store, target: imageTarget(ref.registry, ref.repository, digest) };
  }

  async sign(actor: Actor, reference: string, keyName: string | undefined, insecure: boolean) {
    const { store, target } = await this.resolve(reference, insecure).catch(mapTrust);
    const key = await this.keys.signingKey(keyName);
    const lockKey = `${target.registry}/${target.repository}@${target.digest}`;
    const previous = this.signing.get(lockKey) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => signImage({ image: target, key: { privateKey: key.privateKey, keyId: key.row.id }, store }));
    this.signing.set(lockKey, run);
    const result = await run.catch(mapTrust).finally(() => {
      if (this.signing.get(lockKey) === run) this.signing.delete(lockKey);
    });
    await this.outbox.transaction('signing log-signature', async (tx) => {
      await this.repo.logSignature(tx, { reference, digest: target.digest, keyId: key.row.id, signatureReference: result.signatureReference, by: actor.id });
      await this.audit.enqueue(tx, {
        action: 'image.sign',
        actor,
        outcome: 'success',
        resource: { type: 'image', id: `${target.registry}/${target.repository}@${target.digest}` },
        details: { reference, keyId: key.row.id, keyName: key.row.name, alreadySigned: result.alreadySigned },
      });
    });
    return {
      reference,
      digest: target.digest,
      keyId: key.row.id,
      signatureReference: result.signatureReference,
      alreadySigned: result.alreadySigned,
      signatureCount: result.signatureCount,
      ...('bundle' in result && result.bundle ? { bundle: result.bundle } : {}),
    };
  }

  private async keyRing(): Promise<{ ring: KeyRing; names: Map<string, string> }> {
    const rows = await this.repo.keys();
    return { ring: new KeyRing(rows.map(trustedInput)), names: new Map(rows.map((r) => [r.id, r.name])) };
  }

  async verify(actor: Actor, reference: string, insecure: boolean) {
    const { store, target } = await this.resolve(reference, insecure).catch(mapTrust);
    const { ring, names } = await this.keyRing();
    const result = await verifyImageSignatures({ image: target, store, keys: ring }).catch(mapTrust);
    await this.audit.record({
      action: 'image.verify',
      actor,
      outcome: result.verified.length > 0 ? 'success' : 'failure',
      resource: { type: 'image', id: `${target.registry}/${target.repository}@${target.digest}` },
      details: { verified: result.verified.length, rejected: result.rejected.length },
    });
    return {
      reference,
      digest: target.digest,
      verified: result.verified.map((v) => ({ keyId: v.keyId, keyName: names.get(v.keyId) ?? null, claimedTime: v.claimedTime?.toISOString() ?? null })),
      rejected: result.rejected.map((r) => ({ code: r.code, reason: r.reason, keyId: r.keyId ?? null })),
    };
  }

  /** Validates (with the managed keys) and stores a new policy version. */
  async putPolicy(actor: Actor, text: string) {
    await this.compile(text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    return this.outbox.transaction('signing put-policy', async (tx) => {
      const row = await this.repo.insertPolicy(tx, text, sha256, actor.id);
      await this.audit.enqueue(tx, { action: 'trust-policy.update', actor, outcome: 'success', resource: { type: 'trust-policy', id: String(row.version) }, details: { sha256 } });
      this.admission = undefined;
      return { version: row.version, sha256, text, updatedAt: row.created_at.toISOString(), updatedBy: actor.id };
    });
  }

  async getPolicy() {
    const row = await this.repo.currentPolicy();
    if (!row) return { version: 0, sha256: createHash('sha256').update(DEFAULT_POLICY).digest('hex'), text: DEFAULT_POLICY, updatedAt: new Date(0).toISOString(), updatedBy: 'default' };
    return { version: row.version, sha256: row.sha256, text: row.text, updatedAt: row.created_at.toISOString(), updatedBy: row.created_by };
  }

  private async compile(text: string): Promise<TrustPolicy> {
    const rows = await this.repo.keys();
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch {
      doc = undefined;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return this.load(text, 'policy.yaml');
    const own = (doc as { keys?: unknown }).keys;
    const userKeys = Array.isArray(own) ? own : [];
    const taken = new Set<string>();
    for (const k of userKeys) {
      try {
        const t = trustedKey(k as Parameters<typeof trustedKey>[0]);
        taken.add(t.id);
        taken.add(t.fingerprint);
      } catch {
        // The loader reports it with its line.
      }
    }
    const managed = rows.filter((r) => !taken.has(r.id)).map((r) => ({ id: r.id, publicKey: r.public_pem, ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}) }));
    const merged = { ...(doc as object), keys: [...userKeys, ...managed] };
    try {
      return loadTrustPolicy(JSON.stringify(merged, null, 2), { filename: 'policy.json' });
    } catch (err) {
      // Report against the text the user wrote when it is wrong on its own (lines then match).
      try {
        loadTrustPolicy(text, { filename: 'policy.yaml' });
      } catch (own) {
        if (!(own instanceof Error && /unknown key/.test(own.message))) throw policyError(own);
      }
      throw policyError(err);
    }
  }

  private load(text: string, filename: string): TrustPolicy {
    try {
      return loadTrustPolicy(text, { filename });
    } catch (err) {
      throw policyError(err);
    }
  }

  /** Never throws: the admission controller answers every review, denying on any doubt. */
  async admissionReview(review: unknown): Promise<Record<string, unknown>> {
    const policy = await this.getPolicy();
    const fingerprint = `${policy.sha256}:${(await this.repo.keys()).map((k) => `${k.id}:${k.status}`).join(',')}`;
    if (!this.admission || this.admission.fingerprint !== fingerprint) {
      const compiled = await this.compile(policy.text);
      const stores = new Map<string, OciStore>();
      const storeFor = (registry: string) => {
        let s = stores.get(registry);
        if (!s) stores.set(registry, (s = new RegistryPushClient({ registry, insecure: this.settings.allowInsecure && isLoopback(registry) })));
        return s;
      };
      this.admission = {
        fingerprint,
        controller: new AdmissionController({ policy: compiled, resolver: registryTagResolver(storeFor), evidence: registryEvidence({ storeFor, keys: compiled.keys }), warnOnly: this.settings.warnOnly }),
      };
    }
    const reply = (await this.admission.controller.review(review)) as unknown as Record<string, unknown>;
    const response = (reply.response ?? {}) as { allowed?: boolean; uid?: string; status?: { message?: string } };
    await this.audit
      .record({
        action: 'admission.decide',
        actor: { type: 'service', id: 'kubernetes' },
        outcome: response.allowed ? 'success' : 'denied',
        resource: { type: 'admission-review', id: String(response.uid ?? 'unknown') },
        ...(response.status?.message ? { reason: response.status.message.slice(0, 1000) } : {}),
      })
      .catch(() => undefined);
    return reply;
  }
}

function isLoopback(registry: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(registry);
}

function trustedInput(r: KeyRow) {
  return { id: r.id, publicKey: r.public_pem, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}) };
}

function policyError(err: unknown): DomainError {
  const issues = (err as { issues?: Array<{ line: number; column: number; path: string; message: string }> }).issues;
  return new DomainError('validation-failed', err instanceof Error ? err.message.split('\n')[0]!.slice(0, 500) : 'invalid policy', {
    issues: (issues ?? []).slice(0, 50).map((i) => ({ path: `${i.line}:${i.column} ${i.path}`, message: i.message })),
  });
}

/** Trust-engine errors carry codes; the edge needs ours. */
function mapTrust(err: unknown): never {
  if (err instanceof DomainError) throw err;
  if (isTrustError(err)) {
    const code = err.code.includes('not-found') || err.code === 'resolution-failed' ? 'not-found' : err.code.includes('invalid') ? 'validation-failed' : 'unavailable';
    throw new DomainError(code, err.message, { cause: err });
  }
  const code = typeof err === 'object' && err && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code === 'unauthorized') throw new DomainError('forbidden', 'the registry refused the credentials stored for it', { cause: err });
  if (code === 'source-not-found' || code === 'manifest-unknown') throw new DomainError('not-found', err instanceof Error ? err.message : 'not found', { cause: err });
  throw new DomainError('unavailable', `the registry could not be used: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
