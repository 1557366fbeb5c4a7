import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKeyPem, generateSigningKeyPair, verify, type SigningKeyPair } from '@lazaret/crypto';
import { RegistryPushClient } from '@lazaret/scanner';
import { assertTools, checkTools } from '@lazaret/testing';
// The registry and image fixtures are shared test infrastructure of libs/scanner (not a published API).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureBusyboxFixture, pushToRegistry, startRegistry, type RunningRegistry } from '../../scanner/test/fixtures';
import {
  AdmissionController,
  attachAttestation,
  cosignTag,
  DSSE_MEDIA_TYPE,
  isTrustError,
  KeyRing,
  loadTrustPolicy,
  PREDICATE_TYPES,
  registryEvidence,
  registryTagResolver,
  signImage,
  SIMPLE_SIGNING_MEDIA_TYPE,
  verifyAttestations,
  verifyImageSignatures,
  vulnVerdict,
  type ImageTarget,
} from '../src/index';
import { startFakeReferrersRegistry, type FakeRegistry } from './fake-referrers.registry';

const exec = promisify(execFile);
const TOOLS = ['skopeo', 'umoci', 'docker-registry', 'htpasswd', 'busybox', 'openssl'];
const tools = checkTools(...TOOLS);

describe.skipIf(tools.skip)('signatures and attestations in real registries', () => {
  let anon: RunningRegistry;
  let second: RunningRegistry;
  let basic: RunningRegistry;
  let fake: FakeRegistry;
  let work: string;
  let client: RegistryPushClient;
  let image: ImageTarget;
  const user = { username: 'signer', password: 'sign me please' };
  const ours: SigningKeyPair = generateSigningKeyPair('ecdsa-p256');

  async function skopeoJson(args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await exec('skopeo', args, { timeout: 60_000 });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  beforeAll(async () => {
    assertTools(...TOOLS);
    work = mkdtempSync(join(tmpdir(), 'lazaret-trust-'));
    const fx = await ensureBusyboxFixture();
    [anon, second, basic, fake] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ auth: { basic: user } }), startFakeReferrersRegistry()]);
    await pushToRegistry(anon, fx.ociLayoutDir, fx.tag, 'team/busybox:1');
    await pushToRegistry(anon, fx.ociLayoutDir, fx.tag, 'team/unsigned:1');
    await pushToRegistry(basic, fx.ociLayoutDir, fx.tag, 'team/busybox:1');
    client = new RegistryPushClient({ registry: anon.host, insecure: true });
    const digest = await client.resolveDigest('team/busybox', '1');
    image = { registry: anon.host, repository: 'team/busybox', digest: digest! };
  }, 240_000);

  afterAll(async () => {
    await Promise.all([anon?.stop(), second?.stop(), basic?.stop(), fake?.close()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // Debian's skopeo/containers-image are built with sigstore disabled ("Debian-local change:
  // sigstore disabled"), so no packaged tool can run cosign's verification here; skopeo proves
  // the layout (tags, manifest, layer, annotation) and the byte-level ground truth is in
  // src/cosign.layout.spec.ts (a recorded cosign push reproduced byte for byte).
  it('signs as cosign lays it out: skopeo lists the .sig tag and reads the manifest, layer and annotation', async () => {
    const r = await signImage({ image, key: { privateKey: ours.privateKey, keyId: 'ours' }, store: client });
    const tags = (await skopeoJson(['list-tags', '--tls-verify=false', `docker://${anon.host}/team/busybox`])).Tags as string[];
    expect(tags).toContain(cosignTag(image.digest, 'sig'));
    const sigRef = `docker://${anon.host}/team/busybox:${cosignTag(image.digest, 'sig')}`;
    const raw = await skopeoJson(['inspect', '--raw', '--tls-verify=false', sigRef]);
    expect(raw.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const layer = (raw.layers as { mediaType: string; digest: string; annotations: Record<string, string> }[])[0];
    expect(layer.mediaType).toBe(SIMPLE_SIGNING_MEDIA_TYPE);
    expect(layer.annotations['dev.cosignproject.cosign/signature']).toBe(r.signature);
    expect(layer.digest).toBe(r.layerDigest);
    const config = await skopeoJson(['inspect', '--config', '--raw', '--tls-verify=false', sigRef]);
    expect(config).toMatchObject({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [r.layerDigest] } });
    // The payload blob as skopeo fetches it is what was signed.
    const blobDir = mkdtempSync(join(work, 'sig-'));
    await exec('skopeo', ['copy', '-q', '--insecure-policy', '--src-tls-verify=false', sigRef, `dir:${blobDir}`], { timeout: 60_000 });
    const payload = readFileSync(join(blobDir, r.layerDigest.slice(7)));
    expect(payload.equals(r.payload)).toBe(true);
    expect(verify(payload, Buffer.from(r.signature, 'base64'), ours.publicKey)).toBe(true);
    // A second key appends a second layer to the same manifest.
    const other = generateSigningKeyPair('ed25519');
    await signImage({ image, key: { privateKey: other.privateKey, keyId: 'other' }, store: client });
    const again = await skopeoJson(['inspect', '--raw', '--tls-verify=false', sigRef]);
    expect((again.layers as unknown[]).length).toBe(2);
    const keys = new KeyRing([{ id: 'ours', publicKey: ours.publicKey }, { id: 'other', publicKey: other.publicKey }]);
    expect((await verifyImageSignatures({ image, store: client, keys })).verified.map((s) => s.keyId)).toEqual(['ours', 'other']);
    const unsigned = await verifyImageSignatures({ image: { ...image, repository: 'team/unsigned' }, store: client, keys });
    expect(unsigned.verified).toEqual([]);
  });

  it('stores signatures in a second registry (COSIGN_REPOSITORY) and verifies them from there', async () => {
    const sigs = new RegistryPushClient({ registry: second.host, insecure: true });
    const location = { store: sigs, repository: 'signatures/busybox' };
    const r = await signImage({ image, key: { privateKey: ours.privateKey, keyId: 'ours' }, store: client, location });
    expect(r.signatureReference).toBe(`${second.host}/signatures/busybox:${cosignTag(image.digest, 'sig')}`);
    const tags = (await skopeoJson(['list-tags', '--tls-verify=false', `docker://${second.host}/signatures/busybox`])).Tags as string[];
    expect(tags).toEqual([cosignTag(image.digest, 'sig')]);
    const keys = new KeyRing([{ id: 'ours', publicKey: ours.publicKey }]);
    expect((await verifyImageSignatures({ image, store: client, location, keys })).verified).toHaveLength(1);
  });

  it('works against an htpasswd registry with credentials, and fails clearly without', async () => {
    const authed = new RegistryPushClient({ registry: basic.host, insecure: true, credentials: user });
    const digest = (await authed.resolveDigest('team/busybox', '1'))!;
    const target = { registry: basic.host, repository: 'team/busybox', digest };
    await signImage({ image: target, key: { privateKey: ours.privateKey }, store: authed });
    expect((await verifyImageSignatures({ image: target, store: authed, keys: new KeyRing([{ publicKey: ours.publicKey }]) })).verified).toHaveLength(1);
    const anonymous = new RegistryPushClient({ registry: basic.host, insecure: true });
    let caught: unknown;
    try {
      await signImage({ image: target, key: { privateKey: ours.privateKey }, store: anonymous });
    } catch (err) {
      caught = err;
    }
    expect(isTrustError(caught, 'registry-error')).toBe(true);
    expect((caught as Error).message).toMatch(/authentication required|unauthorized/);
  });

  it('works against a token-auth registry (bearer tokens with pull,push scope)', async () => {
    const fx = await ensureBusyboxFixture();
    const tokenReg = await startRegistry({ auth: { token: user } });
    try {
      await pushToRegistry(tokenReg, fx.ociLayoutDir, fx.tag, 'team/busybox:1');
      const tc = new RegistryPushClient({ registry: tokenReg.host, insecure: true, credentials: user });
      const digest = (await tc.resolveDigest('team/busybox', '1'))!;
      const target = { registry: tokenReg.host, repository: 'team/busybox', digest };
      const issuedBefore = tokenReg.tokensIssued();
      await signImage({ image: target, key: { privateKey: ours.privateKey }, store: tc });
      expect(tokenReg.tokensIssued()).toBeGreaterThan(issuedBefore);
      expect((await verifyImageSignatures({ image: target, store: tc, keys: new KeyRing([{ publicKey: ours.publicKey }]) })).verified).toHaveLength(1);
    } finally {
      await tokenReg.stop();
    }
  });

  it('attaches attestations under .att on docker-registry 2.8 (no referrers API: tag fallback)', async () => {
    const verdict = vulnVerdict({ imageDigest: image.digest, scanner: { name: 'lazaret', version: '0.1.0' }, scannedAt: new Date(), findings: [], verdict: 'pass' });
    const r = await attachAttestation({ image, key: { privateKey: ours.privateKey, keyId: 'ours' }, store: client, predicateType: PREDICATE_TYPES.vulnVerdictV1, predicate: verdict });
    expect(r.referrersSupported).toBe(false);
    const raw = await skopeoJson(['inspect', '--raw', '--tls-verify=false', `docker://${anon.host}/team/busybox:${cosignTag(image.digest, 'att')}`]);
    const layer = (raw.layers as { mediaType: string; annotations: Record<string, string> }[])[0];
    expect(layer.mediaType).toBe(DSSE_MEDIA_TYPE);
    expect(layer.annotations.predicateType).toBe(PREDICATE_TYPES.vulnVerdictV1);
    const v = await verifyAttestations({ image, store: client, keys: new KeyRing([{ id: 'ours', publicKey: ours.publicKey }]), predicateType: PREDICATE_TYPES.vulnVerdictV1 });
    expect(v.referrersSupported).toBe(false);
    expect(v.verified).toHaveLength(1);
  });

  it('uses the OCI 1.1 referrers API of a registry that has it (loopback fake)', async () => {
    const fx = await ensureBusyboxFixture();
    await exec('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', `oci:${fx.ociLayoutDir}:${fx.tag}`, `docker://${fake.host}/team/busybox:1`], { timeout: 60_000 });
    const fc = new RegistryPushClient({ registry: fake.host, insecure: true });
    const digest = (await fc.resolveDigest('team/busybox', '1'))!;
    const target = { registry: fake.host, repository: 'team/busybox', digest };
    const sbom = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 };
    const r = await attachAttestation({ image: target, key: { privateKey: ours.privateKey }, store: fc, predicateType: PREDICATE_TYPES.cyclonedx, predicate: sbom });
    expect(r.referrersSupported).toBe(true);
    expect(fake.requests).toContain(`GET /v2/team/busybox/referrers/${digest}`);
    const listed = await fc.listReferrers('team/busybox', digest, DSSE_MEDIA_TYPE);
    expect(listed?.map((d) => d.digest)).toEqual([r.referrerManifestDigest]);
    const v = await verifyAttestations({ image: target, store: fc, keys: new KeyRing([{ publicKey: ours.publicKey }]) });
    expect(v.verified.map((a) => a.source).sort()).toEqual(['tag']); // same layer via both paths, counted once
    expect(v.referrersSupported).toBe(true);
  });

  it('admits signed images and denies unsigned ones through the real registry', async () => {
    const policy = loadTrustPolicy(`keys:\n  - id: ours\n    publicKey: ${JSON.stringify(exportPublicKeyPem(ours.publicKey))}\nrules:\n  - name: team\n    images: ["${anon.host}/team/**"]\n    signatures: { keys: [ours] }\n`);
    const controller = new AdmissionController({
      policy,
      resolver: registryTagResolver(() => client),
      evidence: registryEvidence({ storeFor: () => client, keys: policy.keys }),
    });
    const review = (img: string) => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u-42', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'ns', name: 'p', object: { spec: { containers: [{ name: 'c', image: img }] } } },
    });
    expect((await controller.review(review(`${anon.host}/team/busybox:1`))).response).toEqual({ uid: 'u-42', allowed: true });
    const denied = await controller.review(review(`${anon.host}/team/unsigned:1`));
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.status?.message).toContain('not signed by required key ours');
  });
});
