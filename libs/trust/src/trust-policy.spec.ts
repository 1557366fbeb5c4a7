import { exportPublicKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import type { VerifiedAttestation } from './attestation.verifier';
import { sha256Digest } from './digest.util';
import { compileImagePattern } from './image-pattern.matcher';
import type { VerifiedSignature } from './image-signature.verifier';
import { PREDICATE_TYPES, vulnVerdict, type VulnFinding } from './predicates';
import { evaluatePolicy } from './trust-policy.evaluator';
import { loadTrustPolicy, PolicyError } from './trust-policy.loader';

const k1 = generateSigningKeyPair();
const k2 = generateSigningKeyPair('ed25519');
const indent = (pem: string, n: number) => pem.trim().split('\n').map((l) => ' '.repeat(n) + l).join('\n');

const POLICY = `apiVersion: lazaret.dev/v1
kind: TrustPolicy
defaultAction: deny
keys:
  - id: release
    publicKey: |
${indent(exportPublicKeyPem(k1.publicKey), 6)}
  - id: ci
    publicKey: |
${indent(exportPublicKeyPem(k2.publicKey), 6)}
rules:
  - name: prod
    images: ["registry.test/prod/**"]
    signatures:
      keys: [release, ci]
      require: all
    attestations:
      - https://slsa.dev/provenance/v1
    vulnerabilities:
      maxAgeHours: 24
      limits:
        critical: { fixable: 0 }
        high: { total: 1 }
  - name: staging
    images: ["registry.test/staging/*"]
    mode: warn
    signatures: { keys: [release, ci], require: any }
  - name: public
    images: ["docker.io/library/*"]
    signatures: { keys: [release] }
`;

const NOW = new Date('2025-03-01T12:00:00Z');
const digest = sha256Digest('img');

function sig(key: ReturnType<typeof loadTrustPolicy>['keys'] extends infer R ? R : never, id: string, forDigest = digest): VerifiedSignature {
  const k = key.get(id)!;
  return { keyId: id, key: k, layerDigest: 'sha256:' + '0'.repeat(64), payload: Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': forDigest } } })), dockerReference: 'x', annotations: null };
}

function att(keys: ReturnType<typeof loadTrustPolicy>['keys'], id: string, predicateType: string, predicate: unknown, forDigest = digest): VerifiedAttestation {
  return {
    predicateType,
    keyId: id,
    key: keys.get(id)!,
    layerDigest: 'sha256:' + '1'.repeat(64),
    source: 'tag',
    statement: { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: forDigest.slice(7) } }], predicateType, predicate },
  };
}

const crit = (fixed: string | null): VulnFinding => ({ id: 'CVE-1', severity: 'critical', package: 'pkg:deb/debian/a@1', installedVersion: '1', fixedVersion: fixed });

describe('image patterns', () => {
  it.each([
    ['registry.test/prod/**', 'registry.test/prod/app', true],
    ['registry.test/prod/**', 'registry.test/prod/a/b', true],
    ['registry.test/prod/**', 'registry.test/prod', true],
    ['registry.test/prod/**', 'registry.test/production/app', false],
    ['registry.test/staging/*', 'registry.test/staging/a/b', false],
    ['registry.test/*/app', 'registry.test/team/app', true],
    ['REGISTRY.test/team/app', 'registry.test/team/app', true],
    ['*.example.com/**', 'eu.example.com/x/y', true],
    ['*.example.com/**', 'example.com/x', false],
    ['127.0.0.1:5000/app?', '127.0.0.1:5000/app1', true],
  ])('%s vs %s → %s', (p, name, want) => {
    expect(compileImagePattern(p).matches(name)).toBe(want);
  });
  it('refuses patterns without a registry or with a tag', () => {
    expect(() => compileImagePattern('nginx')).toThrow(/registry\/repository/);
    expect(() => compileImagePattern('docker.io/library/nginx:1.25')).toThrow(/tag/);
  });
});

describe('loading policies', () => {
  it('loads YAML and the same policy as JSON', () => {
    const p = loadTrustPolicy(POLICY);
    expect(p.rules.map((r) => r.name)).toEqual(['prod', 'staging', 'public']);
    expect(p.rules[0].signatures?.keys.map((k) => k.id)).toEqual(['release', 'ci']);
    const asJson = JSON.stringify({ keys: [{ id: 'release', publicKey: exportPublicKeyPem(k1.publicKey) }], rules: [{ name: 'r', images: ['registry.test/**'], signatures: { keys: ['release'] } }] }, null, 2);
    expect(loadTrustPolicy(asJson).rules[0].signatures?.require).toBe('all');
  });

  const errors = (text: string): PolicyError => {
    try {
      loadTrustPolicy(text, { filename: 'p.yaml' });
    } catch (err) {
      if (err instanceof PolicyError) return err;
      throw err;
    }
    throw new Error('policy loaded but should not have');
  };

  it.each([
    ['a YAML syntax error', 'rules:\n  - name: a\n    images: [x\n', 4, /flow|collection|end/i],
    ['a duplicate key', 'rules:\n  - name: a\n    name: b\n', 3, /unique|duplicate/i],
    ['an unknown top-level field', 'rules: []\nrulez: []\n', 2, /unknown field "rulez"/],
    ['a misspelled rule field', 'rules:\n  - name: a\n    images: [registry.test/a]\n    signature: {keys: [x]}\n', 4, /unknown field "signature"/],
    ['an unknown key id', 'rules:\n  - name: a\n    images: [registry.test/a]\n    signatures:\n      keys: [nope]\n', 5, /unknown key id "nope"/],
    ['a bad mode', 'rules:\n  - name: a\n    images: [registry.test/a]\n    mode: audit\n    attestations: [https://slsa.dev/provenance/v1]\n', 4, /enforce or warn/],
    ['a pattern without registry', 'rules:\n  - name: a\n    images: [nginx]\n    attestations: [https://slsa.dev/provenance/v1]\n', 3, /registry\/repository/],
    ['an empty rule', 'rules:\n  - name: a\n    images: [registry.test/a]\n', 2, /would admit anything/],
    ['a bad severity', 'rules:\n  - name: a\n    images: [registry.test/a]\n    vulnerabilities:\n      limits:\n        severe: {total: 0}\n', 6, /unknown severity/],
    ['a bad key date', 'keys:\n  - id: k\n    publicKey: "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"\n    revokedAt: soon\nrules: []\n', 3, /public key|RFC 3339/],
    ['JSON with a trailing comma', '{\n  "rules": [],\n}', 3, /invalid JSON/],
    ['a document that is a list', '- a\n- b\n', 1, /mapping/],
    ['require larger than the key list', `keys:\n  - id: k\n    publicKey: |\n${indent(exportPublicKeyPem(k1.publicKey), 6)}\nrules:\n  - name: a\n    images: [registry.test/a]\n    signatures: {keys: [k], require: 2}\n`, 11, /exceeds/],
  ])('rejects %s with its line', (_n, text, line, pattern) => {
    const e = errors(text);
    expect(e.code).toBe('policy-invalid');
    expect(e.issues.some((i) => i.line === line && pattern.test(i.message)), e.message).toBe(true);
    expect(e.message).toMatch(new RegExp(`p\\.yaml:${line}:`));
  });
});

describe('evaluating policies', () => {
  const policy = loadTrustPolicy(POLICY);
  const keys = policy.keys;
  const fresh = vulnVerdict({ imageDigest: digest, scanner: { name: 'lazaret', version: '1' }, scannedAt: '2025-03-01T10:00:00Z', findings: [crit(null)], verdict: 'pass' });
  const provenance = { buildDefinition: { buildType: 'x:y', externalParameters: {} }, runDetails: { builder: { id: 'b' } } };
  const full = {
    name: 'registry.test/prod/app',
    digest,
    signatures: [sig(keys, 'release'), sig(keys, 'ci')],
    attestations: [att(keys, 'release', PREDICATE_TYPES.slsaProvenanceV1, provenance), att(keys, 'ci', PREDICATE_TYPES.vulnVerdictV1, fresh)],
    now: NOW,
  };

  it('allows an image that meets every requirement (unfixable critical is fine)', () => {
    expect(evaluatePolicy(policy, full)).toEqual({ allowed: true, mode: 'enforce', rule: 'prod', violations: [] });
  });
  it('denies when a required key did not sign', () => {
    const d = evaluatePolicy(policy, { ...full, signatures: [sig(keys, 'release')] });
    expect(d.allowed).toBe(false);
    expect(d.violations).toEqual(['not signed by required key ci']);
  });
  it('ignores evidence about another digest', () => {
    const other = sha256Digest('other');
    const d = evaluatePolicy(policy, { ...full, signatures: [sig(keys, 'release', other), sig(keys, 'ci')], attestations: [att(keys, 'release', PREDICATE_TYPES.slsaProvenanceV1, provenance, other)] });
    expect(d.violations).toEqual(['not signed by required key release', `no verified ${PREDICATE_TYPES.slsaProvenanceV1} attestation signed by a key the rule accepts`, 'no verified vulnerability verdict attestation']);
  });
  it('denies a fixable critical, too many highs, and a stale verdict', () => {
    const bad = vulnVerdict({
      imageDigest: digest,
      scanner: { name: 'lazaret', version: '1' },
      scannedAt: '2025-02-01T00:00:00Z',
      findings: [crit('2'), { ...crit(null), id: 'CVE-2', severity: 'high' }, { ...crit(null), id: 'CVE-3', severity: 'high' }],
      verdict: 'fail',
    });
    const d = evaluatePolicy(policy, { ...full, attestations: [full.attestations[0], att(keys, 'ci', PREDICATE_TYPES.vulnVerdictV1, bad)] });
    expect(d.allowed).toBe(false);
    expect(d.violations.join('\n')).toMatch(/h old/);
    expect(d.violations).toContain('1 fixable critical vulnerabilities, at most 0 allowed');
    expect(d.violations).toContain('2 high vulnerabilities, at most 1 allowed');
  });
  it('uses the newest verdict', () => {
    const old = vulnVerdict({ imageDigest: digest, scanner: { name: 'l', version: '1' }, scannedAt: '2025-03-01T09:00:00Z', findings: [crit('2')], verdict: 'fail' });
    expect(evaluatePolicy(policy, { ...full, attestations: [...full.attestations, att(keys, 'ci', PREDICATE_TYPES.vulnVerdictV1, old)] }).allowed).toBe(true);
  });
  it('warn mode admits with violations; any-of keys; default deny and allow', () => {
    const warn = evaluatePolicy(policy, { ...full, name: 'registry.test/staging/app', signatures: [] });
    expect(warn).toMatchObject({ allowed: true, mode: 'warn', rule: 'staging' });
    expect(warn.violations).toHaveLength(1);
    expect(evaluatePolicy(policy, { ...full, name: 'registry.test/staging/app', signatures: [sig(keys, 'ci')] }).violations).toEqual([]);
    expect(evaluatePolicy(policy, { ...full, name: 'elsewhere.test/x' })).toMatchObject({ allowed: false, mode: 'default' });
    const open = loadTrustPolicy(POLICY.replace('defaultAction: deny', 'defaultAction: allow'));
    expect(evaluatePolicy(open, { ...full, name: 'elsewhere.test/x' })).toMatchObject({ allowed: true, mode: 'default' });
  });
});
