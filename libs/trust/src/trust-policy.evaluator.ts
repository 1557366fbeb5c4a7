import type { VerifiedAttestation } from './attestation.verifier';
import type { VerifiedSignature } from './image-signature.verifier';
import { PREDICATE_TYPES, SEVERITIES, type VulnVerdictPredicate } from './predicates';
import type { PolicyRule, TrustPolicy } from './trust-policy.loader';

export interface PolicyInput {
  /** `registry/repository` of the image (normalised: `docker.io/library/nginx`). */
  name: string;
  digest: string;
  /** Only verified signatures/attestations count; pass what the verifiers returned as verified. */
  signatures: readonly VerifiedSignature[];
  attestations: readonly VerifiedAttestation[];
  now?: Date;
}

export interface PolicyDecision {
  /** Admit the image? (true in warn mode even with violations). */
  allowed: boolean;
  mode: 'enforce' | 'warn' | 'default';
  rule?: string;
  /** Why the image does not meet the rule (empty when it does). */
  violations: string[];
}

/** The first rule whose patterns match `name`, if any. */
export function matchRule(policy: TrustPolicy, name: string): PolicyRule | undefined {
  return policy.rules.find((r) => r.images.some((p) => p.matches(name)));
}

/** Pure evaluation of a loaded policy against verified evidence. */
export function evaluatePolicy(policy: TrustPolicy, input: PolicyInput): PolicyDecision {
  const now = input.now ?? new Date();
  const rule = matchRule(policy, input.name);
  if (!rule) {
    return policy.defaultAction === 'allow'
      ? { allowed: true, mode: 'default', violations: [] }
      : { allowed: false, mode: 'default', violations: [`no trust policy rule matches ${input.name} and the default action is deny`] };
  }
  const violations: string[] = [];
  // Evidence must be about this very digest.
  const sigs = input.signatures.filter((s) => {
    try {
      return (JSON.parse(s.payload.toString('utf8')) as { critical?: { image?: Record<string, unknown> } }).critical?.image?.['docker-manifest-digest'] === input.digest;
    } catch {
      return false;
    }
  });
  const [alg, hex] = input.digest.split(':');
  const atts = input.attestations.filter((a) => a.statement.subject.some((s) => s.digest[alg] === hex));

  if (rule.signatures) {
    const signedBy = new Set(sigs.map((s) => s.key.fingerprint));
    const present = rule.signatures.keys.filter((k) => signedBy.has(k.fingerprint));
    const missing = rule.signatures.keys.filter((k) => !signedBy.has(k.fingerprint));
    const req = rule.signatures.require;
    const needed = req === 'all' ? rule.signatures.keys.length : req === 'any' ? 1 : req;
    if (present.length < needed) {
      violations.push(
        req === 'all'
          ? `not signed by required key${missing.length > 1 ? 's' : ''} ${missing.map((k) => k.id).join(', ')}`
          : `signed by ${present.length} of the required keys, ${needed} needed (${rule.signatures.keys.map((k) => k.id).join(', ')})`,
      );
    }
  }
  const ruleKeys = new Set((rule.signatures?.keys ?? []).map((k) => k.fingerprint));
  const allowedSigner = (a: VerifiedAttestation, keys: readonly { fingerprint: string }[]): boolean => {
    if (keys.length > 0) return keys.some((k) => k.fingerprint === a.key.fingerprint);
    if (ruleKeys.size > 0) return ruleKeys.has(a.key.fingerprint);
    return true;
  };
  for (const req of rule.attestations) {
    if (!atts.some((a) => a.predicateType === req.predicateType && allowedSigner(a, req.keys))) {
      violations.push(`no verified ${req.predicateType} attestation${req.keys.length || ruleKeys.size ? ' signed by a key the rule accepts' : ''}`);
    }
  }
  if (rule.vulnerabilities) {
    const verdicts = atts
      .filter((a) => a.predicateType === PREDICATE_TYPES.vulnVerdictV1 && allowedSigner(a, []))
      .map((a) => a.statement.predicate as VulnVerdictPredicate)
      .sort((a, b) => Date.parse(b.scannedAt) - Date.parse(a.scannedAt));
    const verdict = verdicts[0];
    if (!verdict) violations.push('no verified vulnerability verdict attestation');
    else {
      const ageHours = (now.getTime() - Date.parse(verdict.scannedAt)) / 3_600_000;
      if (rule.vulnerabilities.maxAgeHours !== undefined && ageHours > rule.vulnerabilities.maxAgeHours) {
        violations.push(`vulnerability verdict is ${ageHours.toFixed(1)} h old (scanned ${verdict.scannedAt}), more than ${rule.vulnerabilities.maxAgeHours} h`);
      }
      for (const sev of SEVERITIES) {
        const lim = rule.vulnerabilities.limits[sev];
        if (!lim) continue;
        const c = verdict.counts[sev];
        if (lim.total !== undefined && c.total > lim.total) violations.push(`${c.total} ${sev} vulnerabilities, at most ${lim.total} allowed`);
        if (lim.fixable !== undefined && c.fixable > lim.fixable) violations.push(`${c.fixable} fixable ${sev} vulnerabilities, at most ${lim.fixable} allowed`);
      }
    }
  }
  return { allowed: violations.length === 0 || rule.mode === 'warn', mode: rule.mode, rule: rule.name, violations };
}
