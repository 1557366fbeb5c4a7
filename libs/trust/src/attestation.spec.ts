import Ajv2020 from 'ajv/dist/2020';
import { generateSigningKeyPair, keySigner, signDsse, statementPayload, makeStatement } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import { attachAttestation } from './attestation.signer';
import { isVerifiedAttestation, verifyAttestationEnvelope, verifyAttestations, type RejectedAttestation } from './attestation.verifier';
import { cosignTag, DSSE_MEDIA_TYPE, parseArtifactManifest, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION } from './cosign.layout';
import { sha256Digest } from './digest.util';
import { isTrustError } from './errors';
import { KeyRing } from './key-ring';
import { MemoryOciStore } from './memory-oci.store';
import { assertVulnVerdict, PREDICATE_TYPES, VULN_VERDICT_SCHEMA, vulnVerdict, type VulnFinding } from './predicates';

const NOW = new Date('2025-03-01T12:00:00Z');
const digest = sha256Digest('the image');
const image = { registry: 'registry.test', repository: 'team/app', digest };

const findings: VulnFinding[] = [
  { id: 'CVE-2024-0001', severity: 'critical', package: 'pkg:deb/debian/openssl@3.0.11-1', installedVersion: '3.0.11-1', fixedVersion: '3.0.13-1' },
  { id: 'CVE-2024-0002', severity: 'high', package: 'pkg:deb/debian/zlib@1.2.13', installedVersion: '1.2.13', fixedVersion: null },
];
const verdict = vulnVerdict({ imageDigest: digest, scanner: { name: 'lazaret', version: '0.1.0' }, scannedAt: '2025-03-01T10:00:00Z', findings, verdict: 'fail', policy: 'no-fixable-critical' });
const sbom = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] };
const provenance = {
  buildDefinition: { buildType: 'https://lazaret.dev/build/v1', externalParameters: { repository: 'https://git.example/app' }, resolvedDependencies: [] },
  runDetails: { builder: { id: 'https://ci.example/builder' } },
};

function rejectedOf(v: unknown): RejectedAttestation {
  expect(isVerifiedAttestation(v as never)).toBe(false);
  return v as RejectedAttestation;
}

describe('vuln-verdict predicate', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(VULN_VERDICT_SCHEMA);
  it('what we build follows the published schema', () => {
    expect(validate(verdict), JSON.stringify(validate.errors)).toBe(true);
    expect(verdict.counts.critical).toEqual({ total: 1, fixable: 1 });
    expect(verdict.counts.high).toEqual({ total: 1, fixable: 0 });
  });
  it.each([
    ['a missing scanner', (v: Record<string, unknown>) => delete v.scanner],
    ['an unknown field', (v: Record<string, unknown>) => (v.extra = 1)],
    ['a bad digest', (v: Record<string, unknown>) => (v.image = { digest: 'sha256:abc' })],
    ['a negative count', (v: Record<string, unknown>) => ((v.counts as Record<string, unknown>).low = { total: -1, fixable: 0 })],
    ['a bad severity', (v: Record<string, unknown>) => ((v.findings as Record<string, unknown>[])[0].severity = 'severe')],
    ['a bad time', (v: Record<string, unknown>) => (v.scannedAt = 'yesterday')],
  ])('schema and assertVulnVerdict both reject %s', (_n, mutate) => {
    const v = structuredClone(verdict) as unknown as Record<string, unknown>;
    mutate(v);
    expect(validate(v)).toBe(false);
    expect(() => assertVulnVerdict(v)).toThrow(/vuln-verdict/);
  });
  it('counts that disagree with the findings are refused (the schema cannot say this)', () => {
    const v = structuredClone(verdict);
    v.counts.critical = { total: 0, fixable: 0 };
    expect(validate(v)).toBe(true);
    expect(() => assertVulnVerdict(v)).toThrow(/disagree/);
  });
});

describe('attestations in the registry', () => {
  it('attaches SBOM, verdict and provenance as cosign .att layers and verifies them', async () => {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    for (const [type, predicate] of [
      [PREDICATE_TYPES.cyclonedx, sbom],
      [PREDICATE_TYPES.vulnVerdictV1, verdict],
      [PREDICATE_TYPES.slsaProvenanceV1, provenance],
    ] as const) {
      const r = await attachAttestation({ image, key: { privateKey: k.privateKey, keyId: 'k' }, store, predicateType: type, predicate, now: NOW });
      expect(r.referrersSupported).toBe(false);
      expect(r.referrerManifestDigest).toBeUndefined();
    }
    const m = parseArtifactManifest((await store.getManifest('team/app', cosignTag(digest, 'att')))!.bytes);
    expect(m.layers.map((l) => l.mediaType)).toEqual([DSSE_MEDIA_TYPE, DSSE_MEDIA_TYPE, DSSE_MEDIA_TYPE]);
    expect(m.layers[1].annotations).toEqual({ [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: PREDICATE_TYPES.vulnVerdictV1 });
    const keys = new KeyRing([{ id: 'k', publicKey: k.publicKey }]);
    const all = await verifyAttestations({ image, store, keys, now: NOW });
    expect(all.rejected).toEqual([]);
    expect(all.verified.map((a) => a.predicateType)).toEqual([PREDICATE_TYPES.cyclonedx, PREDICATE_TYPES.vulnVerdictV1, PREDICATE_TYPES.slsaProvenanceV1]);
    const only = await verifyAttestations({ image, store, keys, now: NOW, predicateType: PREDICATE_TYPES.slsaProvenanceV1 });
    expect(only.verified).toHaveLength(1);
    expect(only.verified[0].statement.subject[0]).toEqual({ name: 'registry.test/team/app', digest: { sha256: digest.slice(7) } });
  });

  it('pushes an OCI 1.1 referrer when the registry supports referrers, and reads it back', async () => {
    const store = new MemoryOciStore('registry.test', { referrers: true });
    const imageManifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"' + sha256Digest('{}') + '"},"layers":[]}');
    const pushed = await store.putManifest('team/app', 'v1', imageManifest, 'application/vnd.oci.image.manifest.v1+json');
    const target = { ...image, digest: pushed.digest };
    const k = generateSigningKeyPair();
    const r = await attachAttestation({ image: target, key: { privateKey: k.privateKey }, store, predicateType: PREDICATE_TYPES.cyclonedx, predicate: sbom, now: NOW });
    expect(r.referrersSupported).toBe(true);
    const refs = await store.listReferrers('team/app', target.digest, DSSE_MEDIA_TYPE);
    expect(refs!.map((d) => d.digest)).toEqual([r.referrerManifestDigest]);
    const doc = parseArtifactManifest((await store.getManifest('team/app', r.referrerManifestDigest!))!.bytes);
    expect(doc.subject).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: imageManifest.length, digest: target.digest });
    // Read through referrers only (the .att tag removed): still verified, from the referrers API.
    store.setTagUnchecked('team/app', cosignTag(target.digest, 'att'), Buffer.from('{"schemaVersion":2,"config":{"mediaType":"a","size":2,"digest":"' + sha256Digest('{}') + '"},"layers":[]}'), 'application/vnd.oci.image.manifest.v1+json');
    const v = await verifyAttestations({ image: target, store, keys: new KeyRing([{ publicKey: k.publicKey }]), now: NOW });
    expect(v.referrersSupported).toBe(true);
    expect(v.verified.map((a) => a.source)).toEqual(['referrers']);
  });

  describe('verifyAttestationEnvelope rejects', () => {
    const k = generateSigningKeyPair();
    const keys = new KeyRing([{ id: 'k', publicKey: k.publicKey }]);
    const sign = async (statement: object, payloadType = 'application/vnd.in-toto+json') =>
      Buffer.from(JSON.stringify(await signDsse(Buffer.from(JSON.stringify(statement)), payloadType, [keySigner(k.privateKey, 'k')])));
    const good = makeStatement([{ name: 'x', digest: { sha256: digest.slice(7) } }], PREDICATE_TYPES.vulnVerdictV1, verdict);

    it('nothing when all is well', async () => {
      expect(isVerifiedAttestation(verifyAttestationEnvelope({ envelope: await sign(good), imageDigest: digest, keys, now: NOW, predicateType: PREDICATE_TYPES.vulnVerdictV1 }))).toBe(true);
    });
    it('another predicate type than asked', async () => {
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(good), imageDigest: digest, keys, now: NOW, predicateType: PREDICATE_TYPES.cyclonedx })).code).toBe('predicate-mismatch');
    });
    it('an annotation that disagrees with the signed statement', async () => {
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(good), imageDigest: digest, keys, now: NOW, annotatedPredicateType: PREDICATE_TYPES.cyclonedx })).code).toBe('predicate-mismatch');
    });
    it('a statement about another image', async () => {
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(good), imageDigest: sha256Digest('other'), keys, now: NOW })).code).toBe('subject-mismatch');
    });
    it('a verdict whose predicate names another image than its subject', async () => {
      const other = vulnVerdict({ imageDigest: sha256Digest('other'), scanner: { name: 'l', version: '1' }, scannedAt: '2025-01-01T00:00:00Z', findings: [], verdict: 'pass' });
      const st = makeStatement([{ name: 'x', digest: { sha256: digest.slice(7) } }], PREDICATE_TYPES.vulnVerdictV1, other);
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(st), imageDigest: digest, keys, now: NOW })).code).toBe('subject-mismatch');
    });
    it('an invalid predicate of a known type', async () => {
      const st = { ...good, predicate: { ...verdict, verdict: 'maybe' } };
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(st), imageDigest: digest, keys, now: NOW })).code).toBe('invalid-predicate');
    });
    it('a payload changed after signing, and a payload type changed (PAE)', async () => {
      const env = JSON.parse((await sign(good)).toString());
      const evil = JSON.parse(statementPayload(good).toString());
      evil.predicate.counts.critical = { total: 0, fixable: 0 };
      evil.predicate.findings = evil.predicate.findings.slice(1);
      const changed = { ...env, payload: Buffer.from(JSON.stringify(evil)).toString('base64') };
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: Buffer.from(JSON.stringify(changed)), imageDigest: digest, keys, now: NOW })).code).toBe('signature-invalid');
      const retyped = { ...env, payloadType: 'application/vnd.in-toto+json ' };
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: Buffer.from(JSON.stringify(retyped)), imageDigest: digest, keys, now: NOW })).code).toBe('malformed-attestation');
    });
    it('truncated envelopes, non-in-toto payloads and unknown keys', async () => {
      const env = await sign(good);
      for (const cut of [1, 20, env.length - 2]) {
        expect(rejectedOf(verifyAttestationEnvelope({ envelope: env.subarray(0, cut), imageDigest: digest, keys, now: NOW })).code).toBe('malformed-attestation');
      }
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: await sign(good, 'application/json'), imageDigest: digest, keys, now: NOW })).code).toBe('malformed-attestation');
      const strangers = new KeyRing([{ publicKey: generateSigningKeyPair().publicKey }]);
      expect(rejectedOf(verifyAttestationEnvelope({ envelope: env, imageDigest: digest, keys: strangers, now: NOW })).code).toBe('signature-invalid');
    });
  });

  it('refuses to sign an invalid predicate of a known type', async () => {
    const store = new MemoryOciStore();
    let caught: unknown;
    try {
      await attachAttestation({ image, key: { privateKey: generateSigningKeyPair().privateKey }, store, predicateType: PREDICATE_TYPES.slsaProvenanceV1, predicate: { buildDefinition: {} } });
    } catch (err) {
      caught = err;
    }
    expect(isTrustError(caught, 'invalid-predicate')).toBe(true);
    expect(store.writes).toEqual([]);
  });
});
