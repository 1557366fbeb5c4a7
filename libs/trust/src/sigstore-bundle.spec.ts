import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { KeyObject } from 'node:crypto';
import { generateSigningKeyPair, keySigner, publicKeyDer, sign, signDsse, type DsseEnvelope } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import { signAttestation } from './attestation.signer';
import { sha256Digest } from './digest.util';
import { isTrustError } from './errors';
import { KeyRing } from './key-ring';
import { PREDICATE_TYPES, vulnVerdict } from './predicates';
import { dsseBundle, messageSignatureBundle, verifySigstoreBundle, type SigstoreBundle } from './sigstore-bundle.codec';

// @sigstore/verify with trust material built from our public key alone: an empty trusted root
// and a key finder for the bundle's publicKey hint; no tlog, ctlog or timestamp required.
function sigstoreVerify(bundle: SigstoreBundle, hint: string, publicKey: KeyObject, artifact?: Buffer): void {
  const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(root as never, { [hint]: { rawBytes: publicKeyDer(publicKey), keyDetails: 0 } as never });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact));
}

const image = { registry: 'registry.test', repository: 'app', digest: sha256Digest('img') };

describe('Sigstore bundles v0.3 (key-based) against @sigstore/verify', () => {
  it('messageSignature bundles verify, and fail for another artifact or key', () => {
    const k = generateSigningKeyPair('ecdsa-p256');
    const artifact = Buffer.from('{"critical":{}}');
    const bundle = messageSignatureBundle(artifact, sign(artifact, k.privateKey), 'key-1');
    expect(() => sigstoreVerify(bundle, 'key-1', k.publicKey, artifact)).not.toThrow();
    expect(() => sigstoreVerify(bundle, 'key-1', k.publicKey, Buffer.from('{"critical":{ }}'))).toThrow(/signature/i);
    expect(() => sigstoreVerify(bundle, 'key-1', generateSigningKeyPair().publicKey, artifact)).toThrow(/signature/i);
    const ours = verifySigstoreBundle(bundle, new KeyRing([{ id: 'key-1', publicKey: k.publicKey }]), artifact);
    expect(ours.kind).toBe('messageSignature');
    expect(() => verifySigstoreBundle(bundle, new KeyRing([{ id: 'key-1', publicKey: k.publicKey }]), Buffer.from('x'))).toThrow(/digest/);
  });

  it.each(['ecdsa-p256', 'ed25519'] as const)('DSSE attestation bundles (%s) verify with @sigstore/verify and with us', async (alg) => {
    const k = generateSigningKeyPair(alg);
    const predicate = vulnVerdict({ imageDigest: image.digest, scanner: { name: 'lazaret', version: '0.1.0' }, scannedAt: '2025-01-01T00:00:00Z', findings: [], verdict: 'pass' });
    const { envelope, keyId } = await signAttestation(image, { privateKey: k.privateKey }, PREDICATE_TYPES.vulnVerdictV1, predicate);
    const bundle = dsseBundle(envelope, keyId);
    expect(() => sigstoreVerify(bundle, keyId, k.publicKey)).not.toThrow();
    const ours = verifySigstoreBundle(bundle, new KeyRing([{ publicKey: k.publicKey }]));
    expect(JSON.parse(ours.payload!.toString()).predicateType).toBe(PREDICATE_TYPES.vulnVerdictV1);
    // Tampered payload type changes the PAE: both verifiers refuse.
    const tampered = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope!, payloadType: 'application/json' } };
    expect(() => sigstoreVerify(tampered, keyId, k.publicKey)).toThrow();
    expect(() => verifySigstoreBundle(tampered, new KeyRing([{ publicKey: k.publicKey }]))).toThrow(/does not verify/);
  });

  it('our DSSE envelopes (multi-signature too) verify with @sigstore/verify one signature at a time', async () => {
    const a = generateSigningKeyPair();
    const b = generateSigningKeyPair('ed25519');
    const env: DsseEnvelope = await signDsse(Buffer.from('{"_type":"x"}'), 'application/vnd.in-toto+json', [keySigner(a.privateKey, 'a'), keySigner(b.privateKey, 'b')]);
    for (const [i, key] of [a, b].entries()) {
      const single = { ...env, signatures: [env.signatures[i]] };
      expect(() => sigstoreVerify(dsseBundle(single, `k${i}`), `k${i}`, key.publicKey)).not.toThrow();
    }
    expect(() => dsseBundle(env, 'a')).toThrow(/exactly one/);
  });

  it('rejects malformed bundles and unknown keys with codes', () => {
    const keys = new KeyRing([{ id: 'k', publicKey: generateSigningKeyPair().publicKey }]);
    const cases: [unknown, string][] = [
      [null, 'malformed-bundle'],
      [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.1+json' }, 'malformed-bundle'],
      [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {} }, 'malformed-bundle'],
      [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'nope' } } }, 'unknown-key'],
      [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'k' } } }, 'malformed-bundle'],
      [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'k' } }, dsseEnvelope: { payload: '!!', payloadType: 'x', signatures: [{ sig: '' }] } }, 'malformed-bundle'],
    ];
    for (const [bundle, code] of cases) {
      let caught: unknown;
      try {
        verifySigstoreBundle(bundle, keys, Buffer.from('x'));
      } catch (err) {
        caught = err;
      }
      expect(isTrustError(caught, code as never), `${JSON.stringify(bundle)} → ${String(caught)}`).toBe(true);
    }
  });
});
