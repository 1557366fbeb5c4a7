import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPublicKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import { AdmissionController, registryEvidence, registryTagResolver } from './admission.controller';
import { parseAdmissionReview } from './admission-review.parser';
import { sha256Digest } from './digest.util';
import { isTrustError } from './errors';
import { signImage } from './image-signature.signer';
import { MemoryOciStore } from './memory-oci.store';
import { loadTrustPolicy } from './trust-policy.loader';

const dir = join(__dirname, 'testdata', 'admission');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const SIDECAR = `registry.test/team/sidecar@sha256:${'ab'.repeat(32)}`;

describe('parseAdmissionReview', () => {
  it.each([
    ['pod.json', 'Pod', ['spec.initContainers[0]', 'spec.containers[0]', 'spec.containers[1]', 'spec.ephemeralContainers[0]']],
    ['deployment.json', 'Deployment', ['spec.template.spec.initContainers[0]']],
    ['statefulset.json', 'StatefulSet', ['spec.template.spec.initContainers[0]']],
    ['daemonset.json', 'DaemonSet', ['spec.template.spec.initContainers[0]']],
    ['replicaset.json', 'ReplicaSet', ['spec.template.spec.initContainers[0]']],
    ['job.json', 'Job', ['spec.template.spec.initContainers[0]']],
    ['cronjob.json', 'CronJob', ['spec.jobTemplate.spec.template.spec.initContainers[0]']],
    ['deployment-update.json', 'Deployment', ['spec.template.spec.containers[1]']],
  ])('%s: every image of every container list', (file, kind, paths) => {
    const r = parseAdmissionReview(fixture(file));
    expect(r.kind).toBe(kind);
    expect(r.uid).toMatch(/^705ab4f5-/);
    expect(r.namespace).toBe('shop');
    const images = r.images.map((i) => i.image);
    expect(images).toEqual(expect.arrayContaining(['registry.test/team/migrate:3', 'registry.test/team/app:1.0', SIDECAR]));
    if (kind === 'Pod') expect(images).toContain('docker.io/library/busybox:1.36');
    for (const p of paths) expect(r.images.map((i) => i.path)).toContain(`object.${p}.image`);
  });

  it('DELETE carries nothing to judge; unknown kinds are flagged', () => {
    expect(parseAdmissionReview(fixture('pod-delete.json')).images).toEqual([]);
    expect(parseAdmissionReview(fixture('configmap.json')).supported).toBe(false);
  });

  const broken: [string, (r: Record<string, Record<string, unknown>>) => void, RegExp][] = [
    ['no request', (r) => delete (r as Record<string, unknown>).request, /request is missing/],
    ['no uid', (r) => delete r.request.uid, /uid/],
    ['a wrong apiVersion', (r) => ((r as Record<string, unknown>).apiVersion = 'admission.k8s.io/v1beta1'), /apiVersion/],
    ['no kind', (r) => delete r.request.kind, /kind/],
    ['no object', (r) => delete r.request.object, /object is missing/],
    ['no template', (r) => delete ((r.request.object as Record<string, Record<string, unknown>>).spec).template, /template is missing/],
    ['no containers', (r) => delete (((r.request.object as Record<string, Record<string, Record<string, Record<string, unknown>>>>).spec.template.spec)).containers, /containers is missing/],
    ['a container without image', (r) => delete ((((r.request.object as Record<string, Record<string, Record<string, Record<string, Record<string, unknown>[]>>>>).spec.template.spec.containers[0]))).image, /image is missing/],
    ['initContainers not a list', (r) => ((((r.request.object as Record<string, Record<string, Record<string, Record<string, unknown>>>>).spec.template.spec)).initContainers = 'x'), /not a list/],
    ['an unknown operation', (r) => (r.request.operation = 'PATCH'), /operation/],
  ];
  it.each(broken)('fails closed on %s', (_n, mutate, pattern) => {
    const r = fixture('deployment.json') as Record<string, Record<string, unknown>>;
    mutate(r);
    let caught: unknown;
    try {
      parseAdmissionReview(r);
    } catch (err) {
      caught = err;
    }
    expect(isTrustError(caught, 'admission-invalid')).toBe(true);
    expect((caught as Error).message).toMatch(pattern);
  });
});

describe('AdmissionController', () => {
  const key = generateSigningKeyPair();
  const policyText = (mode: string) => `keys:
  - id: release
    publicKey: ${JSON.stringify(exportPublicKeyPem(key.publicKey))}
rules:
  - name: team
    images: ["registry.test/team/**"]
    mode: ${mode}
    signatures: { keys: [release] }
`;

  async function setup(mode = 'enforce', sign: string[] = ['app', 'migrate', 'sidecar']) {
    const store = new MemoryOciStore('registry.test');
    const digests: Record<string, string> = {};
    for (const name of ['app', 'migrate']) {
      const m = Buffer.from(JSON.stringify({ schemaVersion: 2, name }));
      digests[name] = (await store.putManifest(`team/${name}`, name === 'app' ? '1.0' : '3', m, 'application/vnd.oci.image.manifest.v1+json')).digest;
    }
    digests.sidecar = `sha256:${'ab'.repeat(32)}`;
    for (const name of sign) await signImage({ image: { registry: 'registry.test', repository: `team/${name}`, digest: digests[name] }, key: { privateKey: key.privateKey }, store });
    const policy = loadTrustPolicy(policyText(mode));
    let resolves = 0;
    const resolver = registryTagResolver(() => store);
    const controller = new AdmissionController({
      policy,
      resolver: { resolve: (ref) => (resolves++, resolver.resolve(ref)) },
      evidence: registryEvidence({ storeFor: () => store, keys: policy.keys }),
    });
    return { controller, store, resolves: () => resolves };
  }

  const withoutDebugger = () => fixture('deployment.json');

  it('allows a deployment whose images are all signed, echoing the uid', async () => {
    const { controller } = await setup();
    const res = await controller.review(withoutDebugger());
    expect(res).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: '705ab4f5-6393-11e8-b7cc-4465706c6f79', allowed: true } });
  });

  it('denies with a readable message naming the image, container and reason', async () => {
    const { controller } = await setup('enforce', ['app', 'migrate']);
    const res = await controller.review(withoutDebugger());
    expect(res.response.allowed).toBe(false);
    expect(res.response.status?.code).toBe(403);
    expect(res.response.status?.message).toContain(`image ${SIDECAR}`);
    expect(res.response.status?.message).toContain('container sidecar');
    expect(res.response.status?.message).toContain('not signed by required key release');
  });

  it('warn mode admits with warnings', async () => {
    const { controller } = await setup('warn', ['app']);
    const res = await controller.review(withoutDebugger());
    expect(res.response.allowed).toBe(true);
    expect(res.response.warnings).toHaveLength(2);
    expect(res.response.warnings?.[0]).toMatch(/^lazaret \(warn\): image /);
  });

  it('denies images outside every rule under defaultAction deny, unknown tags, and malformed reviews', async () => {
    const { controller } = await setup();
    const pod = fixture('pod.json');
    const res = await controller.review(pod);
    expect(res.response.allowed).toBe(false);
    expect(res.response.status?.message).toContain('no trust policy rule matches docker.io/library/busybox');
    const missing = fixture('deployment.json') as { request: { object: { spec: { template: { spec: { containers: { image: string }[] } } } } } };
    missing.request.object.spec.template.spec.containers[0].image = 'registry.test/team/app:does-not-exist';
    const r2 = await controller.review(missing);
    expect(r2.response.allowed).toBe(false);
    expect(r2.response.status?.message).toMatch(/cannot resolve registry\.test\/team\/app:does-not-exist/);
    const r3 = await controller.review({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1' } });
    expect(r3.response).toMatchObject({ uid: 'u-1', allowed: false, status: { code: 400 } });
    const r4 = await controller.review('not json at all');
    expect(r4.response).toMatchObject({ uid: '', allowed: false });
    const r5 = await controller.review(fixture('configmap.json'));
    expect(r5.response.allowed).toBe(false);
    expect((await controller.review(fixture('pod-delete.json'))).response.allowed).toBe(true);
  });

  it('caches decisions per digest and tag resolutions', async () => {
    const { controller, store, resolves } = await setup();
    await controller.review(withoutDebugger());
    const before = store.writes.length;
    const first = resolves();
    const d = await controller.decideImage('registry.test/team/app:1.0');
    expect(d.cached).toBe(true);
    expect(resolves()).toBe(first);
    expect(store.writes.length).toBe(before);
    controller.clearCache();
    expect((await controller.decideImage('registry.test/team/app:1.0')).cached).toBe(false);
  });

  it('a registry failure denies instead of allowing', async () => {
    const { controller, store } = await setup();
    store.getManifest = async () => {
      throw new Error('connection refused');
    };
    const res = await controller.review(withoutDebugger());
    expect(res.response.allowed).toBe(false);
    expect(res.response.status?.message).toMatch(/connection refused/);
  });

  it('pinned digests are judged by digest, whatever tag is written next to them', async () => {
    const { controller } = await setup();
    const d = await controller.decideImage(`registry.test/team/sidecar:any-tag@sha256:${'ab'.repeat(32)}`);
    expect(d.digest).toBe(`sha256:${'ab'.repeat(32)}`);
    expect(d.decision.allowed).toBe(true);
    const other = await controller.decideImage(`registry.test/team/sidecar@${sha256Digest('x')}`);
    expect(other.decision.allowed).toBe(false);
  });
});
