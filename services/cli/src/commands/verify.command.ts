import { resolve } from 'node:path';
import {
  evaluatePolicy,
  KeyRing,
  loadTrustPolicy,
  trustedKey,
  verifyAttestations,
  verifyImageSignatures,
  type AttestationVerification,
  type PolicyDecision,
  type SignatureVerification,
} from '@lazaret/trust';
import type { Command, CommandContext } from '../command';
import { CliError } from '../errors';
import { formatOf, table } from '../output';
import { ATTESTATION_TYPES, attestationTypeOf } from './attest.command';
import { guardedSigning, oneImage, readSmallFile, REGISTRY_OPTIONS, REGISTRY_USAGE, resolveImage, SigningCliError, stringValue, OUTPUT_FORMATS } from './sign.command';

const MAX_POLICY_BYTES = 1024 * 1024;

const USAGE = `lazaret verify <image> (--key FILE... | --policy FILE) [options]

  <image>                      registry reference: host/repository:tag or host/repository@sha256:...
  --key FILE                   public key PEM (cosign.pub) the image must be signed with (repeatable: any one suffices)
  --type sbom|vuln|slsaprovenance
                               with --key: also require a verified attestation of this type (repeatable)
  --policy FILE                judge the image against a trust policy (YAML or JSON) instead: its keys,
                               required signatures, attestations and vulnerability limits
  --format table|json          what to print (default table)
${REGISTRY_USAGE}

Only the digest the registry resolved counts, never what a signature's payload claims.
Exit codes: 0 verified (policy: allowed), 1 not verified (policy: denied), 2 error
(a policy with errors prints one line per problem: file:line:column: path: reason).`;

async function publicKeys(files: string[]): Promise<KeyRing> {
  const ring = new KeyRing();
  for (const file of files) {
    const text = await readSmallFile(file, 'key file');
    if (/PRIVATE KEY-----/.test(text)) throw new SigningCliError('invalid-key', `${file} holds a private key; verify takes the public key (cosign.pub)`);
    let key;
    try {
      key = trustedKey({ publicKey: text });
    } catch (err) {
      throw new SigningCliError('invalid-key', `${file}: not a public key PEM: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (ring.get(key.fingerprint)) continue;
    ring.add(key);
  }
  return ring;
}

function listOf(values: CommandContext['values'], name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [String(v)];
  for (const x of list) if (x === '') throw new CliError('usage', `--${name} needs a value`);
  return list;
}

interface Report {
  image: string;
  digest: string;
  verified: boolean;
  signatures: { verified: { keyId: string; dockerReference: string; claimedTime?: string; trustedTime?: string }[]; rejected: { code: string; reason: string; keyId?: string }[] };
  attestations: { verified: { predicateType: string; keyId: string; source: string }[]; rejected: { code: string; reason: string; predicateType?: string }[] };
  missing: string[];
  policy?: { file: string; allowed: boolean; mode: string; rule?: string; violations: string[] };
}

function reportOf(image: string, digest: string, sigs: SignatureVerification, atts: AttestationVerification | undefined): Omit<Report, 'verified' | 'missing'> {
  return {
    image,
    digest,
    signatures: {
      verified: sigs.verified.map((s) => ({
        keyId: s.key.id,
        dockerReference: s.dockerReference,
        ...(s.claimedTime ? { claimedTime: s.claimedTime.toISOString() } : {}),
        ...(s.trustedTime ? { trustedTime: s.trustedTime.toISOString() } : {}),
      })),
      rejected: sigs.rejected.map((r) => ({ code: r.code, reason: r.reason, ...(r.keyId ? { keyId: r.keyId } : {}) })),
    },
    attestations: {
      verified: (atts?.verified ?? []).map((a) => ({ predicateType: a.predicateType, keyId: a.key.id, source: a.source })),
      rejected: (atts?.rejected ?? []).map((r) => ({ code: r.code, reason: r.reason, ...(r.predicateType ? { predicateType: r.predicateType } : {}) })),
    },
  };
}

function render(format: 'table' | 'json', r: Report): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  const rows: string[][] = [];
  for (const s of r.signatures.verified) rows.push(['signature', 'verified', `key ${s.keyId}${s.trustedTime ? `, trusted time ${s.trustedTime}` : ''}`]);
  for (const s of r.signatures.rejected) rows.push(['signature', 'rejected', `${s.code}: ${s.reason}`]);
  for (const a of r.attestations.verified) rows.push(['attestation', 'verified', `${a.predicateType}, key ${a.keyId}`]);
  for (const a of r.attestations.rejected) rows.push(['attestation', 'rejected', `${a.code}: ${a.reason}`]);
  for (const m of r.missing) rows.push(['missing', '-', m]);
  if (r.policy) for (const v of r.policy.violations) rows.push(['policy', r.policy.mode === 'warn' ? 'warning' : 'violation', v]);
  const head = `${r.image}@${r.digest}`;
  const verdict = r.policy
    ? `${r.policy.allowed ? 'ALLOWED' : 'DENIED'} by ${r.policy.file}${r.policy.rule ? ` (rule ${r.policy.rule}, ${r.policy.mode})` : ' (no rule matched: default action)'}`
    : r.verified
      ? 'VERIFIED'
      : 'NOT VERIFIED';
  return [head, rows.length ? table(['WHAT', 'RESULT', 'DETAIL'], rows) : 'no signatures found', verdict].join('\n');
}

/** `lazaret verify <image>`: signatures (and attestations) against keys or a trust policy. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify an image’s signatures and attestations against keys or a trust policy',
  usage: USAGE,
  options: {
    key: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
    policy: { type: 'string' },
    ...REGISTRY_OPTIONS,
  },
  async run(ctx) {
    const reference = oneImage(ctx.args, 'verify');
    const format = formatOf(ctx.values.format, OUTPUT_FORMATS);
    const keyFiles = listOf(ctx.values, 'key');
    const policyFile = stringValue(ctx.values, 'policy');
    const types = listOf(ctx.values, 'type').map(attestationTypeOf);
    if (keyFiles.length > 0 && policyFile) throw new CliError('usage', '--key and --policy do not mix: a policy names its own keys');
    if (keyFiles.length === 0 && !policyFile) throw new CliError('usage', 'lazaret verify needs --key FILE (cosign.pub) or --policy FILE');
    if (policyFile && types.length > 0) throw new CliError('usage', '--type is for --key; a policy lists its required attestations itself');
    return guardedSigning(ctx.io, async () => {
      // Local input first: a bad key or policy is reported without touching the registry.
      let policy;
      let keys: KeyRing;
      if (policyFile) {
        const text = await readSmallFile(policyFile, 'policy file', MAX_POLICY_BYTES);
        policy = loadTrustPolicy(text, { filename: policyFile });
        keys = policy.keys;
      } else {
        keys = await publicKeys(keyFiles);
      }
      const target = await resolveImage(ctx, reference);
      const sigs = await verifyImageSignatures({ image: target.image, store: target.store, keys });
      const needAtts = policy !== undefined || types.length > 0;
      const atts = needAtts ? await verifyAttestations({ image: target.image, store: target.store, keys }) : undefined;
      const base = reportOf(target.name, target.image.digest, sigs, atts);
      let report: Report;
      if (policy) {
        const decision: PolicyDecision = evaluatePolicy(policy, { name: target.name, digest: target.image.digest, signatures: sigs.verified, attestations: atts?.verified ?? [] });
        report = {
          ...base,
          verified: decision.allowed,
          missing: [],
          policy: { file: resolve(policyFile!), allowed: decision.allowed, mode: decision.mode, ...(decision.rule ? { rule: decision.rule } : {}), violations: decision.violations },
        };
        if (decision.allowed && decision.violations.length > 0) for (const v of decision.violations) ctx.io.err(`lazaret: warning: policy: ${v}`);
      } else {
        const missing = types.filter((t) => !(atts?.verified ?? []).some((a) => a.predicateType === ATTESTATION_TYPES[t])).map((t) => `no verified ${t} attestation (${ATTESTATION_TYPES[t]})`);
        if (sigs.verified.length === 0) {
          missing.unshift(
            sigs.rejected.length === 0
              ? `no signatures found (${sigs.signatureReference})`
              : `no signature verifies with ${keyFiles.length === 1 ? 'the key' : `any of the ${keyFiles.length} keys`} (${sigs.rejected.length} rejected)`,
          );
        }
        report = { ...base, verified: missing.length === 0, missing };
      }
      ctx.io.out(render(format, report));
      return report.verified ? 0 : 1;
    });
  },
};
