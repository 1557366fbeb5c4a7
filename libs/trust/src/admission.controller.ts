import type { ImageReference } from '@lazaret/scanner';
import { admissionResponse, admissionUid, parseAdmissionReview, type AdmissionResponse, type ContainerImage } from './admission-review.parser';
import { verifyAttestations, type VerifiedAttestation } from './attestation.verifier';
import { isImageDigest } from './digest.util';
import { TrustError } from './errors';
import { verifyImageSignatures, type VerifiedSignature } from './image-signature.verifier';
import type { KeyRing } from './key-ring';
import { parseReference, type ArtifactLocation, type ImageTarget, type OciStore } from './oci-store.port';
import { evaluatePolicy, matchRule, type PolicyDecision } from './trust-policy.evaluator';
import type { TrustPolicy } from './trust-policy.loader';

/** Resolves a tag to the manifest digest it names now (the service implements it over its registry clients). */
export interface TagResolver {
  resolve(ref: ImageReference): Promise<string>;
}

/** Verified evidence for a pinned image. */
export interface ImageEvidence {
  signatures: VerifiedSignature[];
  attestations: VerifiedAttestation[];
  /** Rejected signatures/attestations, for messages ("1 signature rejected: key revoked"). */
  problems: string[];
}

export interface EvidenceSource {
  collect(target: ImageTarget): Promise<ImageEvidence>;
}

export interface ImageDecision {
  image: string;
  name: string;
  digest?: string;
  decision: PolicyDecision;
  cached: boolean;
  problems: string[];
}

export interface AdmissionControllerOptions {
  policy: TrustPolicy;
  resolver: TagResolver;
  evidence: EvidenceSource;
  /** Admit everything, reporting violations as warnings (roll-out / dry run). */
  warnOnly?: boolean;
  /** Allow review requests for kinds that carry no pod spec (default: deny them). */
  allowUnsupportedKinds?: boolean;
  /** How long an allow (digest → decision) is reused. Default 60 s. */
  cacheTtlMs?: number;
  /** How long a deny is reused (evidence may be added meanwhile). Default 10 s. */
  denyCacheTtlMs?: number;
  /** How long tag → digest resolutions are reused. Default 30 s. */
  tagTtlMs?: number;
  maxCacheEntries?: number;
  clock?: () => number;
}

interface Entry<T> {
  value: T;
  expires: number;
}

/** A small LRU map with per-entry expiry. */
class TtlCache<T> {
  private readonly map = new Map<string, Entry<T>>();
  constructor(
    private readonly max: number,
    private readonly clock: () => number,
  ) {}

  get(key: string): T | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= this.clock()) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: T, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, expires: this.clock() + ttlMs });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The decision half of a validating admission webhook: AdmissionReview in, AdmissionReview out.
 * `review` never throws; every failure (bad request, unresolvable tag, registry down) denies.
 * Decisions are cached per policy fingerprint + repository + digest.
 */
export class AdmissionController {
  private readonly decisions: TtlCache<PolicyDecision & { problems: string[] }>;
  private readonly tags: TtlCache<string>;
  private readonly clock: () => number;

  constructor(private readonly opts: AdmissionControllerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.decisions = new TtlCache(opts.maxCacheEntries ?? 10_000, this.clock);
    this.tags = new TtlCache(opts.maxCacheEntries ?? 10_000, this.clock);
  }

  clearCache(): void {
    this.decisions.clear();
    this.tags.clear();
  }

  /** Decides one image reference (as written in a pod spec). */
  async decideImage(image: string): Promise<ImageDecision> {
    const ref = parseReference(image);
    const name = `${ref.registry}/${ref.repository}`;
    const rule = matchRule(this.opts.policy, name);
    if (!rule) {
      // No rule: the default action decides, without asking any registry.
      const decision = evaluatePolicy(this.opts.policy, { name, digest: ref.digest ?? '', signatures: [], attestations: [] });
      return { image, name, ...(ref.digest ? { digest: ref.digest } : {}), decision, cached: false, problems: [] };
    }
    let digest = ref.digest;
    if (!digest) {
      const tagKey = `${name}:${ref.tag}`;
      digest = this.tags.get(tagKey);
      if (!digest) {
        try {
          digest = await this.opts.resolver.resolve(ref);
        } catch (err) {
          throw new TrustError('resolution-failed', `cannot resolve ${image} to a digest: ${(err as Error).message}`, { cause: err });
        }
        if (!isImageDigest(digest)) throw new TrustError('resolution-failed', `resolver returned no digest for ${image}`);
        this.tags.set(tagKey, digest, this.opts.tagTtlMs ?? 30_000);
      }
    }
    const key = `${this.opts.policy.fingerprint}|${name}@${digest}`;
    const hit = this.decisions.get(key);
    if (hit) return { image, name, digest, decision: hit, cached: true, problems: hit.problems };
    const evidence = await this.opts.evidence.collect({ registry: ref.registry, repository: ref.repository, digest });
    const decision = evaluatePolicy(this.opts.policy, { name, digest, signatures: evidence.signatures, attestations: evidence.attestations, now: new Date(this.clock()) });
    const enforcedDeny = !decision.allowed;
    this.decisions.set(key, { ...decision, problems: evidence.problems }, enforcedDeny ? (this.opts.denyCacheTtlMs ?? 10_000) : (this.opts.cacheTtlMs ?? 60_000));
    return { image, name, digest, decision, cached: false, problems: evidence.problems };
  }

  /** Answers an AdmissionReview request. Never throws. */
  async review(body: unknown): Promise<AdmissionResponse> {
    const uid = admissionUid(body);
    let parsed;
    try {
      parsed = parseAdmissionReview(body);
    } catch (err) {
      return admissionResponse(uid, false, { message: `lazaret: malformed AdmissionReview: ${(err as Error).message}`, code: 400 });
    }
    if (!parsed.supported && parsed.operation !== 'DELETE' && parsed.operation !== 'CONNECT') {
      if (this.opts.allowUnsupportedKinds) return admissionResponse(parsed.uid, true, { warnings: [`lazaret: kind ${parsed.kind} is not checked`] });
      return admissionResponse(parsed.uid, false, { message: `lazaret: kind ${parsed.kind} carries no pod spec this webhook can judge` });
    }
    const unique = new Map<string, ContainerImage[]>();
    for (const c of parsed.images) unique.set(c.image, [...(unique.get(c.image) ?? []), c]);
    const denials: string[] = [];
    const warnings: string[] = [];
    const results = await Promise.all(
      [...unique.keys()].map(async (image) => {
        try {
          return { image, result: await this.decideImage(image) };
        } catch (err) {
          return { image, error: err as Error };
        }
      }),
    );
    for (const r of results) {
      const containers = (unique.get(r.image) ?? []).map((c) => c.container).join(', ');
      if ('error' in r && r.error) {
        denials.push(`image ${r.image} (container ${containers}): ${r.error.message}`);
        continue;
      }
      const d = r.result!;
      if (d.decision.violations.length === 0) continue;
      const pinned = d.digest ? ` (${d.digest})` : '';
      const why = d.decision.violations.join('; ') + (d.problems.length ? ` [${d.problems.join('; ')}]` : '');
      const line = `image ${r.image}${pinned} in container ${containers}${d.decision.rule ? `, rule "${d.decision.rule}"` : ''}: ${why}`;
      if (d.decision.allowed) warnings.push(`lazaret (warn): ${line}`);
      else denials.push(line);
    }
    if (denials.length && !this.opts.warnOnly) {
      return admissionResponse(parsed.uid, false, { message: `lazaret denied ${parsed.kind}${parsed.name ? ` ${parsed.namespace ? `${parsed.namespace}/` : ''}${parsed.name}` : ''}: ${denials.join(' | ')}`, ...(warnings.length ? { warnings } : {}) });
    }
    const all = [...denials.map((d) => `lazaret (warn-only, would deny): ${d}`), ...warnings];
    return admissionResponse(parsed.uid, true, all.length ? { warnings: all } : {});
  }
}

/** Resolves tags with one OciStore per registry host. */
export function registryTagResolver(storeFor: (registry: string) => OciStore): TagResolver {
  return {
    async resolve(ref: ImageReference): Promise<string> {
      const digest = await storeFor(ref.registry).resolveDigest(ref.repository, ref.tag ?? 'latest');
      if (!digest) throw new TrustError('resolution-failed', `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'} does not exist`);
      return digest;
    },
  };
}

/** Collects verified signatures and attestations from the registry (optionally a signature repository elsewhere). */
export function registryEvidence(options: { storeFor: (registry: string) => OciStore; keys: KeyRing; locationFor?: (target: ImageTarget) => ArtifactLocation | undefined; clock?: () => number }): EvidenceSource {
  return {
    async collect(target: ImageTarget): Promise<ImageEvidence> {
      const store = options.storeFor(target.registry);
      const location = options.locationFor?.(target);
      const now = new Date((options.clock ?? Date.now)());
      const common = { image: target, store, keys: options.keys, now, ...(location ? { location } : {}) };
      const [sigs, atts] = await Promise.all([verifyImageSignatures(common), verifyAttestations(common)]);
      const problems = [
        ...sigs.rejected.map((r) => `signature rejected (${r.code}): ${r.reason}`),
        ...atts.rejected.map((r) => `attestation rejected (${r.code}): ${r.reason}`),
      ];
      return { signatures: sigs.verified, attestations: atts.verified, problems };
    },
  };
}
