/**
 * Ship phase through the API, for real: keys kept encrypted, an image in a local registry signed
 * the way cosign stores signatures, verified, rotated and revoked; a trust policy; Kubernetes
 * admission reviews answered with it. No private key material in Postgres or in the logs.
 */
import { execFileSync } from 'node:child_process';
import { exportCosignKeyPair, exportPrivateKeyPem, generateSigningKeyPair } from '@lazaret/crypto';
import { checkTools, createTestDatabase, startNatsServer, startPlatform, type NatsServerHandle, type RunningPlatform, type TestDatabase } from '@lazaret/testing';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxFixture, IMAGE_TEST_TOOLS, pushToRegistry, startRegistry, type RunningRegistry } from '../../libs/scanner/test/fixtures';

const ROOT = join(__dirname, '..', '..');
const tools = checkTools('nats-server', 'pg_dump', ...IMAGE_TEST_TOOLS);

let nats: NatsServerHandle;
let database: TestDatabase;
let platform: RunningPlatform;
let registry: RunningRegistry;

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { 'x-api-key': platform.adminKey, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { [k: string]: never } };
}

function review(uid: string, images: string[]) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:ci:deployer' },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'default' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } },
    },
  };
}

describe.skipIf(tools.skip)('signing, verification, trust policy and admission', () => {
  let signedRef: string;
  let unsignedRef: string;
  let releaseKeyId: string;

  beforeAll(async () => {
    const busybox = await ensureBusyboxFixture();
    registry = await startRegistry({ auth: 'none' });
    await pushToRegistry(registry, busybox.ociLayoutDir, busybox.tag, 'app/busybox:1');
    await pushToRegistry(registry, busybox.ociLayoutDir, busybox.multiTag, 'app/other:1');
    signedRef = `${registry.host}/app/busybox:1`;
    unsignedRef = `${registry.host}/app/other:1`;
    nats = await startNatsServer();
    database = await createTestDatabase('lzt_sign');
    platform = await startPlatform({
      root: ROOT,
      natsUrl: nats.url,
      databaseUrl: database.url,
      services: ['signing', 'audit', 'gateway'],
      env: { LAZARET_SENSITIVE_REPOSITORIES: `${registry.host}/app/**` },
    });
  }, 600_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail' || !platform) return;
    for (const [service, lines] of Object.entries(platform.logs)) {
      const bad = lines.filter((l) => /"level":"(warn|error|fatal)"|failed/.test(l)).slice(-5);
      if (bad.length) process.stderr.write(`--- ${service}\n${bad.join('\n')}\n`);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await registry?.stop();
    await nats?.stop();
    await database?.drop();
  });

  it('signs an image the way cosign stores it, and verifies it', async () => {
    const key = await api('/api/v1/signing/keys', { body: { name: 'release' } });
    expect(key.status).toBe(201);
    expect(key.json).toMatchObject({ name: 'release', algorithm: 'ecdsa-p256', status: 'active' });
    expect(String(key.json.publicKeyPem)).toContain('BEGIN PUBLIC KEY');
    releaseKeyId = key.json.id as string;

    const signed = await api('/api/v1/signatures', { body: { reference: signedRef, insecure: true } });
    expect(signed.status).toBe(201);
    const digest = signed.json.digest as string;
    expect(signed.json.signatureReference).toBe(`${registry.host}/app/busybox:sha256-${digest.slice(7)}.sig`);
    const tags = JSON.parse(execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${registry.host}/app/busybox`], { encoding: 'utf8' })) as { Tags: string[] };
    expect(tags.Tags).toContain(`sha256-${digest.slice(7)}.sig`);
    const manifest = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/app/busybox:sha256-${digest.slice(7)}.sig`], { encoding: 'utf8' })) as {
      layers: Array<{ mediaType: string; annotations: Record<string, string> }>;
    };
    expect(manifest.layers[0]!.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    expect(manifest.layers[0]!.annotations['dev.cosignproject.cosign/signature']).toMatch(/^[A-Za-z0-9+/=]+$/);

    const verified = await api('/api/v1/signatures/verify', { body: { reference: signedRef, insecure: true } });
    expect(verified.json).toMatchObject({ digest, verified: [{ keyId: releaseKeyId, keyName: 'release' }] });
    const unsigned = await api('/api/v1/signatures/verify', { body: { reference: unsignedRef, insecure: true } });
    expect(unsigned.json.verified).toEqual([]);
    expect((await api('/api/v1/signatures', { body: { reference: `${registry.host}/app/nothing:1`, insecure: true } })).status).toBe(404);
  });

  it('keeps private keys encrypted: nothing in a pg_dump or the logs', async () => {
    const pair = generateSigningKeyPair('ecdsa-p256');
    const password = 'correct horse battery staple';
    const cosign = exportCosignKeyPair(pair.privateKey, password);
    const imported = await api('/api/v1/signing/keys/import', { body: { name: 'imported', privateKeyPem: cosign.privateKeyPem, password } });
    expect(imported.status).toBe(201);
    const wrong = await api('/api/v1/signing/keys/import', { body: { name: 'imported2', privateKeyPem: cosign.privateKeyPem, password: 'nope' } });
    expect(wrong.status).toBe(400);
    const dump = execFileSync('pg_dump', ['--data-only', database.url], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const pkcs8 = exportPrivateKeyPem(pair.privateKey).split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(dump).toContain('"alg": "AES-256-GCM"');
    for (const line of pkcs8) expect(dump).not.toContain(line);
    for (const line of cosign.privateKeyPem.split('\n').filter((l) => l.length > 20)) expect(dump).not.toContain(line);
    expect(dump).not.toContain(password);
    const logs = Object.values(platform.logs).flat().join('\n');
    for (const line of pkcs8) expect(logs).not.toContain(line);
    expect(logs).not.toContain(password);
  });

  it('applies the trust policy to Kubernetes admission reviews, failing closed', async () => {
    const bad = await api('/api/v1/trust-policy', { method: 'PUT', body: { text: 'apiVersion: lazaret.dev/v1\nkind: TrustPolicy\nrules:\n  - name: x\n    images: ["a/**"]\n    colour: red\n' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.issues)).toContain('colour');
    const policy = [
      'apiVersion: lazaret.dev/v1',
      'kind: TrustPolicy',
      'defaultAction: deny',
      'rules:',
      '  - name: our-images',
      `    images: ["${registry.host}/app/**"]`,
      '    signatures:',
      `      keys: [${releaseKeyId}]`,
      '',
    ].join('\n');
    const put = await api('/api/v1/trust-policy', { method: 'PUT', body: { text: policy } });
    expect(put.status).toBe(200);

    const allowed = await api('/admission/validate', { body: review('uid-allowed', [signedRef]) });
    expect(allowed.status).toBe(200);
    expect(allowed.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-allowed', allowed: true } });
    const denied = await api('/admission/validate', { body: review('uid-denied', [signedRef, unsignedRef]) });
    expect(denied.json).toMatchObject({ response: { uid: 'uid-denied', allowed: false } });
    expect(JSON.stringify(denied.json)).toContain('app/other');
    const outside = await api('/admission/validate', { body: review('uid-outside', ['docker.io/library/alpine@sha256:' + 'a'.repeat(64)]) });
    expect(outside.json).toMatchObject({ response: { uid: 'uid-outside', allowed: false } });
    const broken = await api('/admission/validate', { body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'uid-broken' } } });
    expect(broken.json).toMatchObject({ response: { uid: 'uid-broken', allowed: false } });
  });

  it('restricts principals to their repository scopes and audits every access to sensitive repositories', async () => {
    const created = await api('/api/v1/principals', { body: { name: 'payments-ci', roles: ['secops'], scopes: [`${registry.host}/payments/**`] } });
    expect(created.status).toBe(201);
    const key = (await api(`/api/v1/principals/${created.json.id}/api-keys`, { body: { name: 'ci' } })).json.key as string;
    const asCi = (path: string, body: unknown) =>
      fetch(`${platform.baseUrl}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const denied = await asCi('/api/v1/signatures', { reference: signedRef, insecure: true });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('outside your repository scopes');
    expect((await asCi('/api/v1/signatures/verify', { reference: signedRef, insecure: true })).status).toBe(403);
    expect((await api('/api/v1/principals', { body: { name: 'bad-scope', roles: ['secops'], scopes: ['../etc'] } })).status).toBe(400);
    const audit = await api('/api/v1/audit?limit=200');
    const records = (audit.json.items as Array<{ record: { action: string; actor: { id: string }; details?: { sensitive?: boolean } } }>).map((i) => i.record);
    expect(records.some((r) => r.action === 'access.deny' && r.actor.id === created.json.id)).toBe(true);
    expect(records.some((r) => r.action === 'repository.access' && r.details?.sensitive === true)).toBe(true);
  });

  it('rotates (old signatures keep verifying) and revokes (they stop)', async () => {
    const rotated = await api('/api/v1/signing/keys/by-name/release/rotate', { body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.json).toMatchObject({ previous: { id: releaseKeyId, status: 'retired' }, current: { name: 'release', status: 'active' } });
    const still = await api('/api/v1/signatures/verify', { body: { reference: signedRef, insecure: true } });
    expect((still.json.verified as Array<{ keyId: string }>).map((v) => v.keyId)).toEqual([releaseKeyId]);
    const revoked = await api(`/api/v1/signing/keys/${releaseKeyId}/revoke`, { body: { reason: 'key leaked in a CI log' } });
    expect(revoked.json).toMatchObject({ status: 'revoked', revocationReason: 'key leaked in a CI log' });
    const after = await api('/api/v1/signatures/verify', { body: { reference: signedRef, insecure: true } });
    expect(after.json.verified).toEqual([]);
    expect(JSON.stringify(after.json.rejected)).toContain(releaseKeyId);
    // Admission now refuses the image signed only by the revoked key.
    const denied = await api('/admission/validate', { body: review('uid-revoked', [signedRef]) });
    expect(denied.json).toMatchObject({ response: { uid: 'uid-revoked', allowed: false } });
    const audit = await api('/api/v1/audit?service=signing&limit=100');
    const actions = (audit.json.items as Array<{ record: { action: string } }>).map((i) => i.record.action);
    for (const a of ['signing-key.create', 'signing-key.import', 'image.sign', 'trust-policy.update', 'admission.decide', 'signing-key.rotate', 'signing-key.revoke']) expect(actions).toContain(a);
  });
});
