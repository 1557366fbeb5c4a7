import { generateSigningKeyPair, exportPublicKeyPem } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import { appendSignatureLayers, cosignTag, parseArtifactManifest, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, TIMESTAMP_ANNOTATION } from './cosign.layout';
import { sha256Digest } from './digest.util';
import { signImage } from './image-signature.signer';
import { isVerifiedSignature, verifyImageSignatures, verifySignatureLayer, type RejectedSignature } from './image-signature.verifier';
import { KeyRing } from './key-ring';
import { MemoryOciStore } from './memory-oci.store';
import { localTimestampAuthority } from './timestamp.authority';

// sigstore-rs `src/cosign/signature_layers.rs` (tests: build_correct_signature_layer_without_bundle):
// a signature made by cosign with a key pair, the key's public half, and the payload it signed
// (serde_json writes the object with sorted keys, which is what cosign's Go encoder wrote).
const SIGSTORE_RS = {
  publicKey: `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENptdY/l3nB0yqkXLBWkZWQwo6+cu
OSWS1X9vPavpiQOoTTGC0xX57OojUadxF1cdQmrsiReWg2Wn4FneJfa8xw==
-----END PUBLIC KEY-----`,
  otherKey: `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETJP9cqpUQsn2ggmJniWGjHdlsHzD
JsB89BPhZYch0U0hKANx5TY+ncrm0s8bfJxxHoenAEFhwhuXeb4PqIrtoQ==
-----END PUBLIC KEY-----`,
  signature: 'MEUCIQD6q/COgzOyW0YH1Dk+CCYSt4uAhm3FDHUwvPI55zwnlwIgE0ZK58ZOWpZw8YVmBapJhBqCfdPekIknimuO0xH8Jh8=',
  digest: 'sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b',
  payload:
    '{"critical":{"identity":{"docker-reference":"registry-testing.svc.lan/busybox"},"image":{"docker-manifest-digest":"sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"},"type":"cosign container image signature"},"optional":null}',
};

const NOW = new Date('2025-03-01T12:00:00Z');
const digestA = sha256Digest('image A');
const digestB = sha256Digest('image B');

function layerFor(payload: Buffer, signature: string, extra: Record<string, string> = {}) {
  return { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: sha256Digest(payload), annotations: { [SIGNATURE_ANNOTATION]: signature, ...extra } };
}

function rejected(v: unknown): RejectedSignature {
  expect(isVerifiedSignature(v as never)).toBe(false);
  return v as RejectedSignature;
}

describe('published cosign signature (sigstore-rs test vector)', () => {
  const payload = Buffer.from(SIGSTORE_RS.payload);
  it('verifies with the published key', () => {
    const keys = new KeyRing([{ id: 'rs', publicKey: SIGSTORE_RS.publicKey }]);
    const out = verifySignatureLayer({ layer: layerFor(payload, SIGSTORE_RS.signature), payload, imageDigest: SIGSTORE_RS.digest, keys, now: NOW });
    expect(isVerifiedSignature(out)).toBe(true);
    expect(out).toMatchObject({ keyId: 'rs', dockerReference: 'registry-testing.svc.lan/busybox', annotations: null });
  });
  it('fails with another key, another digest, or one changed byte', () => {
    const other = new KeyRing([{ id: 'other', publicKey: SIGSTORE_RS.otherKey }]);
    expect(rejected(verifySignatureLayer({ layer: layerFor(payload, SIGSTORE_RS.signature), payload, imageDigest: SIGSTORE_RS.digest, keys: other, now: NOW })).code).toBe('signature-invalid');
    const keys = new KeyRing([{ id: 'rs', publicKey: SIGSTORE_RS.publicKey }]);
    const swapped = rejected(verifySignatureLayer({ layer: layerFor(payload, SIGSTORE_RS.signature), payload, imageDigest: digestA, keys, now: NOW }));
    expect(swapped.code).toBe('digest-mismatch');
    expect(swapped.reason).toContain(SIGSTORE_RS.digest);
    const tampered = Buffer.from(SIGSTORE_RS.payload.replace('busybox', 'busyb0x'));
    expect(rejected(verifySignatureLayer({ layer: layerFor(tampered, SIGSTORE_RS.signature), payload: tampered, imageDigest: SIGSTORE_RS.digest, keys, now: NOW })).code).toBe('signature-invalid');
  });
});

describe('signImage / verifyImageSignatures', () => {
  const image = { registry: 'registry.test', repository: 'team/app', digest: digestA };

  it('signs, stores as cosign does and verifies; a second key appends', async () => {
    const store = new MemoryOciStore();
    const k1 = generateSigningKeyPair('ecdsa-p256');
    const k2 = generateSigningKeyPair('ed25519');
    const r1 = await signImage({ image, key: { privateKey: k1.privateKey, keyId: 'k1' }, store, annotations: { env: 'prod' }, now: NOW });
    expect(r1.signatureReference).toBe(`registry.test/team/app:${cosignTag(digestA, 'sig')}`);
    expect(r1.signatureCount).toBe(1);
    expect(r1.bundle?.messageSignature).toBeDefined();
    const r2 = await signImage({ image, key: { privateKey: k2.privateKey, keyId: 'k2' }, store, now: NOW });
    expect(r2.signatureCount).toBe(2);
    expect(r2.bundle).toBeUndefined(); // Ed25519: no messageSignature bundle
    const manifest = await store.getManifest('team/app', cosignTag(digestA, 'sig'));
    expect(parseArtifactManifest(manifest!.bytes).layers).toHaveLength(2);
    const keys = new KeyRing([
      { id: 'k1', publicKey: exportPublicKeyPem(k1.publicKey) },
      { id: 'k2', publicKey: k2.publicKey },
    ]);
    const v = await verifyImageSignatures({ image, store, keys, now: NOW });
    expect(v.rejected).toEqual([]);
    expect(v.verified.map((s) => s.keyId).sort()).toEqual(['k1', 'k2']);
    const first = v.verified.find((s) => s.keyId === 'k1')!;
    expect(first.annotations).toMatchObject({ env: 'prod', creator: 'lazaret', timestamp: Math.floor(NOW.getTime() / 1000) });
    expect(first.claimedTime?.toISOString()).toBe(NOW.toISOString());
    expect(first.trustedTime).toBeUndefined();
  });

  it('is idempotent for the same key and digest', async () => {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    await signImage({ image, key: { privateKey: k.privateKey }, store, now: NOW });
    const again = await signImage({ image, key: { privateKey: k.privateKey }, store, now: NOW });
    expect(again.alreadySigned).toBe(true);
    expect(again.signatureCount).toBe(1);
  });

  it('stores signatures in another registry (COSIGN_REPOSITORY) and reads them from there', async () => {
    const images = new MemoryOciStore('images.test');
    const sigs = new MemoryOciStore('sigs.test');
    const k = generateSigningKeyPair();
    const target = { ...image, registry: 'images.test' };
    const r = await signImage({ image: target, key: { privateKey: k.privateKey, keyId: 'k' }, store: images, location: { store: sigs, repository: 'signatures/app' }, now: NOW });
    expect(r.signatureReference).toBe(`sigs.test/signatures/app:${cosignTag(digestA, 'sig')}`);
    expect(images.writes).toEqual([]);
    const keys = new KeyRing([{ id: 'k', publicKey: k.publicKey }]);
    expect((await verifyImageSignatures({ image: target, store: images, keys, now: NOW })).verified).toHaveLength(0);
    expect((await verifyImageSignatures({ image: target, store: images, location: { store: sigs, repository: 'signatures/app' }, keys, now: NOW })).verified).toHaveLength(1);
  });

  it('rejects a signature manifest copied from another image (swapped signatures)', async () => {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    await signImage({ image, key: { privateKey: k.privateKey, keyId: 'k' }, store, now: NOW });
    const sig = await store.getManifest('team/app', cosignTag(digestA, 'sig'));
    store.setTagUnchecked('team/app', cosignTag(digestB, 'sig'), sig!.bytes, sig!.mediaType);
    const keys = new KeyRing([{ id: 'k', publicKey: k.publicKey }]);
    const v = await verifyImageSignatures({ image: { ...image, digest: digestB }, store, keys, now: NOW });
    expect(v.verified).toHaveLength(0);
    expect(v.rejected[0]).toMatchObject({ code: 'digest-mismatch', keyId: 'k' });
  });

  it('rejects a tampered payload blob and a tampered signature annotation', async () => {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    const r = await signImage({ image, key: { privateKey: k.privateKey, keyId: 'k' }, store, now: NOW });
    const keys = new KeyRing([{ id: 'k', publicKey: k.publicKey }]);
    // The registry hands back other bytes under the layer digest: the client's digest check
    // normally catches this; the verifier must too.
    const evil = Buffer.from(r.payload.toString().replace(digestA, digestB));
    store.setBlobUnchecked('team/app', r.layerDigest, evil);
    const v = await verifyImageSignatures({ image, store, keys, now: NOW });
    expect(v.rejected[0].code).toBe('digest-mismatch');
    // A payload re-hashed consistently but not re-signed:
    const doc = parseArtifactManifest((await store.getManifest('team/app', cosignTag(digestA, 'sig')))!.bytes);
    const forged = appendSignatureLayers(undefined, [layerFor(evil, doc.layers[0].annotations![SIGNATURE_ANNOTATION])], '2025-01-01T00:00:00Z');
    await store.putBlob('team/app', evil);
    store.setTagUnchecked('team/app', cosignTag(digestB, 'sig'), forged.manifest, forged.manifestMediaType);
    const v2 = await verifyImageSignatures({ image: { ...image, digest: digestB }, store, keys, now: NOW });
    expect(v2.rejected[0].code).toBe('signature-invalid');
    const noSig = appendSignatureLayers(undefined, [{ ...layerFor(r.payload, ''), annotations: {} }], '2025-01-01T00:00:00Z');
    store.setTagUnchecked('team/app', cosignTag(digestA, 'sig'), noSig.manifest, noSig.manifestMediaType);
    await store.putBlob('team/app', r.payload);
    expect((await verifyImageSignatures({ image, store, keys, now: NOW })).rejected[0].code).toBe('malformed-signature');
  });

  it('reports a truncated signature manifest as malformed, never as verified', async () => {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    await signImage({ image, key: { privateKey: k.privateKey }, store, now: NOW });
    const m = await store.getManifest('team/app', cosignTag(digestA, 'sig'));
    store.setTagUnchecked('team/app', cosignTag(digestA, 'sig'), m!.bytes.subarray(0, 100), m!.mediaType);
    const v = await verifyImageSignatures({ image, store, keys: new KeyRing([{ publicKey: k.publicKey }]), now: NOW });
    expect(v.verified).toHaveLength(0);
    expect(v.rejected[0].code).toBe('malformed-signature');
  });

  it('unknown keys verify nothing', async () => {
    const store = new MemoryOciStore();
    await signImage({ image, key: { privateKey: generateSigningKeyPair().privateKey }, store, now: NOW });
    const v = await verifyImageSignatures({ image, store, keys: new KeyRing([{ publicKey: generateSigningKeyPair().publicKey }]), now: NOW });
    expect(v.verified).toHaveLength(0);
    expect(v.rejected[0].code).toBe('signature-invalid');
  });
});

describe('key rotation and revocation', () => {
  const image = { registry: 'registry.test', repository: 'app', digest: digestA };
  const signedAt = new Date('2025-01-10T00:00:00Z');

  async function setup(withTimestamp: boolean) {
    const store = new MemoryOciStore();
    const k = generateSigningKeyPair();
    const tsa = generateSigningKeyPair();
    await signImage({
      image,
      key: { privateKey: k.privateKey },
      store,
      now: signedAt,
      ...(withTimestamp ? { timestampAuthority: localTimestampAuthority(tsa.privateKey, { keyId: 'tsa', clock: () => signedAt }) } : {}),
    });
    return { store, k, tsa };
  }

  const ring = (k: { publicKey: import('node:crypto').KeyObject }, tsa: { publicKey: import('node:crypto').KeyObject }, extra: object) =>
    new KeyRing([
      { id: 'k', publicKey: k.publicKey, ...extra },
      { id: 'tsa', publicKey: tsa.publicKey, usage: 'timestamp' },
    ]);

  it('a revoked key fails without a trusted timestamp', async () => {
    const { store, k, tsa } = await setup(false);
    const v = await verifyImageSignatures({ image, store, keys: ring(k, tsa, { revokedAt: '2025-02-01T00:00:00Z' }), now: NOW });
    expect(v.rejected[0]).toMatchObject({ code: 'key-revoked' });
    expect(v.rejected[0].reason).toContain('no trusted timestamp');
  });

  it('a revoked key still counts for a signature timestamped before the revocation, not after', async () => {
    const { store, k, tsa } = await setup(true);
    const before = await verifyImageSignatures({ image, store, keys: ring(k, tsa, { revokedAt: '2025-02-01T00:00:00Z' }), now: NOW });
    expect(before.verified).toHaveLength(1);
    expect(before.verified[0].trustedTime?.toISOString()).toBe(signedAt.toISOString());
    const after = await verifyImageSignatures({ image, store, keys: ring(k, tsa, { revokedAt: '2025-01-05T00:00:00Z' }), now: NOW });
    expect(after.rejected[0].code).toBe('key-revoked');
  });

  it('expired and not-yet-valid keys fail', async () => {
    const { store, k, tsa } = await setup(false);
    expect((await verifyImageSignatures({ image, store, keys: ring(k, tsa, { expiresAt: '2025-02-01T00:00:00Z' }), now: NOW })).rejected[0].code).toBe('key-expired');
    expect((await verifyImageSignatures({ image, store, keys: ring(k, tsa, { notBefore: '2025-06-01T00:00:00Z' }), now: NOW })).rejected[0].code).toBe('key-not-yet-valid');
    const timestamped = await setup(true);
    // Rotation: an old key past its expiry still vouches for what it signed (timestamped) while valid.
    expect((await verifyImageSignatures({ image, store: timestamped.store, keys: ring(timestamped.k, timestamped.tsa, { expiresAt: '2025-02-01T00:00:00Z' }), now: NOW })).verified).toHaveLength(1);
  });

  it('a tampered or foreign timestamp token is rejected, not ignored', async () => {
    const { store, k, tsa } = await setup(true);
    const tag = cosignTag(digestA, 'sig');
    const doc = parseArtifactManifest((await store.getManifest('app', tag))!.bytes);
    const token = JSON.parse(doc.layers[0].annotations![TIMESTAMP_ANNOTATION]);
    token.time = '2024-12-01T00:00:00.000Z';
    doc.layers[0].annotations![TIMESTAMP_ANNOTATION] = JSON.stringify(token);
    const rebuilt = appendSignatureLayers(undefined, doc.layers, '2025-01-01T00:00:00Z');
    store.setTagUnchecked('app', tag, rebuilt.manifest, rebuilt.manifestMediaType);
    const v = await verifyImageSignatures({ image, store, keys: ring(k, tsa, { revokedAt: '2025-01-05T00:00:00Z' }), now: NOW });
    expect(v.rejected[0].code).toBe('timestamp-invalid');
    // A token from a key that is not a timestamp authority:
    const notTsa = new KeyRing([{ id: 'k', publicKey: k.publicKey }, { id: 'tsa', publicKey: tsa.publicKey }]);
    const v2 = await verifyImageSignatures({ image, store, keys: notTsa, now: NOW });
    expect(v2.rejected[0].code).toBe('timestamp-invalid');
  });
});
