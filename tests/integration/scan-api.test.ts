/**
 * Build phase through the API, for real: an image pushed to a local registry is submitted with
 * POST /api/v1/scans, pulled and cataloged by the scanning service, and its packages and SBOMs
 * read back through the gateway. Ground truth: dpkg-query on the same root filesystem.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTools, createTestDatabase, eventually, startNatsServer, startPlatform, type NatsServerHandle, type RunningPlatform, type TestDatabase } from '@lazaret/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDxValidator, spdxValidator } from '../../libs/scanner/test/catalog-fixtures/sbom-validators';
import { ensureDebianFixture, IMAGE_TEST_TOOLS, pushToRegistry, startRegistry, type DebianFixture, type RunningRegistry } from '../../libs/scanner/test/fixtures';

const ROOT = join(__dirname, '..', '..');
const tools = checkTools('nats-server', ...IMAGE_TEST_TOOLS);
const canBuild = process.getuid?.() === 0;

let nats: NatsServerHandle;
let database: TestDatabase;
let platform: RunningPlatform;
let registry: RunningRegistry;
let debian: DebianFixture;

async function api(path: string, init: { body?: unknown } = {}) {
  const res = await fetch(`${platform.apiUrl}${path}`, {
    method: init.body ? 'POST' : 'GET',
    headers: { 'x-api-key': platform.adminKey, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function baseLayerDigest(layout: string): string {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers[0]!.digest;
}

async function post(path: string, body: unknown) {
  return api(path, { body });
}

async function put(path: string, body: unknown) {
  const res = await fetch(`${platform.apiUrl}${path}`, { method: 'PUT', headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function scanToEnd(reference: string) {
  const submitted = await api('/scans', { body: { reference, insecure: true } });
  expect(submitted.status).toBe(202);
  const id = JSON.parse(submitted.text).id as string;
  return eventually(
    async () => {
      const scan = JSON.parse((await api(`/scans/${id}`)).text) as { status: string };
      return scan.status === 'succeeded' || scan.status === 'failed' ? scan : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250, what: `scan ${id} to finish` },
  );
}

describe.skipIf(tools.skip || !canBuild)('scanning images through the API', () => {
  beforeAll(async () => {
    debian = await ensureDebianFixture();
    registry = await startRegistry({ auth: 'none' });
    await pushToRegistry(registry, debian.ociLayoutDir, debian.tag, 'base/debian:bookworm');
    nats = await startNatsServer();
    database = await createTestDatabase('lzt_scan');
    platform = await startPlatform({ root: ROOT, natsUrl: nats.url, databaseUrl: database.url, services: ['ingest', 'scanning', 'signing', 'audit', 'gateway'] });
  }, 900_000);

  afterAll(async () => {
    await platform?.stop();
    await registry?.stop();
    await nats?.stop();
    await database?.drop();
  });

  it('scans a two-layer Debian image: every dpkg package, with the layer that introduced it', async () => {
    const scan = (await scanToEnd(`${registry.host}/base/debian:bookworm`)) as unknown as {
      status: string;
      image: { manifestDigest: string; reference: string };
      os: { id: string; versionId: string };
      packageCount: number;
    };
    expect(scan.status).toBe('succeeded');
    expect(scan.os).toMatchObject({ id: 'debian', versionId: '12' });
    const digest = scan.image.manifestDigest;
    const expected = execFileSync('dpkg-query', [`--admindir=${debian.rootfsDir}/var/lib/dpkg`, '-W', '-f', '${Package} ${Version}\\n'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    const page = JSON.parse((await api(`/images/${digest}/packages?type=deb&limit=1000`)).text) as {
      total: number;
      items: Array<{ name: string; version: string; layerDigest: string; sourceName: string | null; purl: string }>;
    };
    expect(page.total).toBe(expected.length);
    expect(page.items.map((p) => `${p.name} ${p.version}`).sort()).toEqual(expected);
    // Ground truth for attribution: the dpkg database inside the base layer's own blob.
    const baseLayer = baseLayerDigest(debian.ociLayoutDir);
    const inBase = new Set(
      execFileSync('tar', ['-xzOf', join(debian.ociLayoutDir, 'blobs', 'sha256', baseLayer.slice(7)), '--wildcards', '*var/lib/dpkg/status'], { encoding: 'utf8', maxBuffer: 64 << 20 })
        .split('\n\n')
        .map((stanza) => `${/^Package: (.+)$/m.exec(stanza)?.[1]} ${/^Version: (.+)$/m.exec(stanza)?.[1]}`),
    );
    for (const p of page.items) {
      expect(p.layerDigest === baseLayer, `${p.name} ${p.version}`).toBe(inBase.has(`${p.name} ${p.version}`));
    }
    for (const name of debian.extraPackages) expect(page.items.find((p) => p.name === name)!.layerDigest).not.toBe(baseLayer);
    expect(page.items.find((p) => p.name === 'libc6')?.purl).toMatch(/^pkg:deb\/debian\/libc6@.*distro=debian-12/);

    const one = JSON.parse((await api(`/images/${digest}/packages?name=bash`)).text) as { total: number; items: Array<{ name: string }> };
    expect(one).toMatchObject({ total: 1, items: [{ name: 'bash' }] });
  });

  it('serves CycloneDX 1.6 and SPDX 2.3 SBOMs that validate against the official schemas', async () => {
    const scan = (await scanToEnd(`${registry.host}/base/debian:bookworm`)) as unknown as { image: { manifestDigest: string } };
    const digest = scan.image.manifestDigest;
    const cdx = await api(`/images/${digest}/sbom?format=cyclonedx`);
    expect(cdx.status).toBe(200);
    expect(cdx.headers.get('content-type')).toContain('application/vnd.cyclonedx+json');
    const bom = JSON.parse(cdx.text) as { bomFormat: string; components: unknown[]; metadata: { component: { name: string } } };
    const validateCdx = cycloneDxValidator();
    expect(validateCdx(bom), JSON.stringify(validateCdx.errors?.slice(0, 3))).toBe(true);
    expect(bom.components.length).toBeGreaterThan(80);
    const spdx = await api(`/images/${digest}/sbom?format=spdx`);
    expect(spdx.status).toBe(200);
    const doc = JSON.parse(spdx.text);
    const validateSpdx = spdxValidator();
    expect(validateSpdx(doc), JSON.stringify(validateSpdx.errors?.slice(0, 3))).toBe(true);
    // The second scan of the same image read every layer from the cache and gave the same image.
    expect((await api(`/images/sha256:${'0'.repeat(64)}/sbom`)).status).toBe(404);
  });

  it('matches the vulnerability database: findings, verdict, vulnerability view, and re-matching after an import', async () => {
    const scan = (await scanToEnd(`${registry.host}/base/debian:bookworm`)) as unknown as { image: { manifestDigest: string } };
    const digest = scan.image.manifestDigest;
    type Findings = { total: number; items: Array<{ id: string; package: { name: string }; state: string; fixAvailable: boolean; severity: string; layerDigest: string | null }> };
    const all = JSON.parse((await api(`/images/${digest}/findings?limit=1000`)).text) as Findings;
    // From the shipped sample (genuine Debian advisories): tar's CVE-2005-2541 is "won't fix" in
    // bookworm; glibc's CVE-2023-4911 is fixed by a Debian backport this image already has.
    const tar = all.items.find((f) => f.id === 'CVE-2005-2541' && f.package.name === 'tar');
    expect(tar).toMatchObject({ state: 'wont-fix', fixAvailable: false });
    expect(all.items.some((f) => f.id === 'CVE-2023-4911')).toBe(false);
    expect(all.items.some((f) => f.id === 'CVE-2011-3374' && f.package.name === 'apt')).toBe(true);
    const onlyFixable = JSON.parse((await api(`/images/${digest}/findings?fixable=true`)).text) as Findings;
    expect(onlyFixable.items.every((f) => f.fixAvailable)).toBe(true);
    expect((await api(`/images/${digest}/findings?severity=bogus`)).status).toBe(400);
    const before = JSON.parse((await api(`/images/${digest}/verdict`)).text) as { pass: boolean };
    expect(before.pass).toBe(true);
    const vuln = JSON.parse((await api('/vulnerabilities/CVE-2005-2541')).text) as { images: Array<{ digest: string; packages: Array<{ name: string }> }> };
    expect(vuln.images.find((i) => i.digest === digest)?.packages.map((p) => p.name)).toContain('tar');

    // A new advisory (a test record, not a real vulnerability) for bash in Debian 12, critical,
    // with a fix: importing it re-matches the stored image without pulling it again.
    const bash = (JSON.parse((await api(`/images/${digest}/packages?name=bash`)).text) as { items: Array<{ sourceName: string | null }> }).items[0]!;
    const record = {
      schema_version: '1.6.0',
      id: 'x_LZT-TEST-2026-0001',
      modified: '2026-11-28T00:00:00Z',
      summary: 'test advisory used by the integration suite',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: 'Debian:12', name: bash.sourceName ?? 'bash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99.0-1' }] }] }],
    };
    const imported = await fetch(`${platform.apiUrl}/vulndb/imports?fileName=test.json`, {
      method: 'POST',
      headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/octet-stream' },
      body: JSON.stringify([record]),
    });
    expect(imported.status).toBe(202);
    const importId = ((await imported.json()) as { id: string }).id;
    const done = await eventually(
      async () => {
        const r = JSON.parse((await api(`/vulndb/imports/${importId}`)).text) as { status: string };
        return r.status === 'running' ? undefined : r;
      },
      { timeoutMs: 60_000, what: 'the import' },
    );
    expect(done).toMatchObject({ status: 'succeeded', report: { imported: 1, invalid: 0 }, rematched: { newFindings: 1 } });
    const after = JSON.parse((await api(`/images/${digest}/findings?id=x_LZT-TEST-2026-0001`)).text) as Findings;
    expect(after.items).toMatchObject([{ id: 'x_LZT-TEST-2026-0001', package: { name: 'bash' }, severity: 'critical', fixAvailable: true }]);
    const verdict = JSON.parse((await api(`/images/${digest}/verdict`)).text) as { pass: boolean; violations: Array<{ id: string }> };
    expect(verdict.pass).toBe(false);
    expect(verdict.violations.map((v) => v.id)).toEqual(['x_LZT-TEST-2026-0001']);
    const status = JSON.parse((await api('/vulndb')).text) as { advisories: number; ecosystems: Array<{ ecosystem: string }> };
    expect(status.ecosystems.map((e) => e.ecosystem)).toContain('Debian:12');

    const bad = await fetch(`${platform.apiUrl}/vulndb/imports?fileName=junk.json`, { method: 'POST', headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/octet-stream' }, body: 'not json at all' });
    const badId = ((await bad.json()) as { id: string }).id;
    const failed = await eventually(async () => {
      const r = JSON.parse((await api(`/vulndb/imports/${badId}`)).text) as { status: string };
      return r.status === 'running' ? undefined : r;
    });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'unsupported-input' } });
  });

  it('attests the scanned SBOM and verdict, and admits the image on them under the trust policy', async () => {
    const reference = `${registry.host}/base/debian:bookworm`;
    await scanToEnd(reference);
    const key = JSON.parse((await post('/signing/keys', { name: 'ship' })).text) as { id: string };
    for (const type of ['sbom', 'vuln']) {
      const att = await post('/attestations', { reference, type, keyName: 'ship', insecure: true });
      expect(att.status, att.text).toBe(201);
    }
    const signed = await post('/signatures', { reference, keyName: 'ship', insecure: true });
    const digest = (JSON.parse(signed.text) as { digest: string }).digest;
    const tags = JSON.parse(execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${registry.host}/base/debian`], { encoding: 'utf8' })) as { Tags: string[] };
    expect(tags.Tags).toEqual(expect.arrayContaining([`sha256-${digest.slice(7)}.att`, `sha256-${digest.slice(7)}.sig`]));
    const policy = [
      'apiVersion: lazaret.dev/v1',
      'kind: TrustPolicy',
      'rules:',
      '  - name: base-images',
      `    images: ["${registry.host}/base/**"]`,
      `    signatures: { keys: [${key.id}] }`,
      '    attestations: [https://cyclonedx.org/bom]',
      '    vulnerabilities:',
      '      limits:',
      '        critical: { fixable: 0 }',
      '',
    ].join('\n');
    expect((await put('/trust-policy', { text: policy })).status).toBe(200);
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'ship-1',
        kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        namespace: 'default',
        operation: 'CREATE',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'web', image: reference }] } } } },
      },
    };
    const decide = async () => {
      const res = await fetch(`${platform.baseUrl}/admission/validate`, { method: 'POST', headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/json' }, body: JSON.stringify(review) });
      return ((await res.json()) as { response: { uid: string; allowed: boolean; status?: { message?: string } } }).response;
    };
    // The attested verdict carries the critical, fixable test advisory imported above: denied.
    const denied = await decide();
    expect(denied).toMatchObject({ uid: 'ship-1', allowed: false });
    expect(denied.status?.message).toContain('1 fixable critical');
    // Allow one fixable critical: the same signed, attested image is admitted.
    expect((await put('/trust-policy', { text: policy.replace('critical: { fixable: 0 }', 'critical: { fixable: 1 }') })).status).toBe(200);
    expect(await decide()).toMatchObject({ uid: 'ship-1', allowed: true });
  });

  it("limits a principal's reads of an image's data to its repository scopes", async () => {
    const scan = (await scanToEnd(`${registry.host}/base/debian:bookworm`)) as unknown as { image: { manifestDigest: string } };
    const digest = scan.image.manifestDigest;
    const keyFor = async (name: string, scopes: string[]) => {
      const p = JSON.parse((await post('/principals', { name, roles: ['developer'], scopes })).text) as { id: string };
      return (JSON.parse((await post(`/principals/${p.id}/api-keys`, { name: 'k' })).text) as { key: string }).key;
    };
    const outsider = await keyFor('team-web', ['registry.example.com/web/**']);
    const insider = await keyFor('team-base', [`${registry.host}/base/**`]);
    const get = (key: string, path: string) => fetch(`${platform.apiUrl}${path}`, { headers: { 'x-api-key': key } }).then((r) => r.status);
    for (const path of [`/images/${digest}/findings`, `/images/${digest}/packages`, `/images/${digest}/sbom`, `/images/${digest}/verdict`]) {
      expect(await get(outsider, path), `outsider ${path}`).toBe(403);
      expect(await get(insider, path), `insider ${path}`).toBe(200);
    }
  });

  it('lets secops approve a time-limited exception that keeps a finding from failing the verdict', async () => {
    const scan = (await scanToEnd(`${registry.host}/base/debian:bookworm`)) as unknown as { image: { manifestDigest: string } };
    const digest = scan.image.manifestDigest;
    const failing = JSON.parse((await api(`/images/${digest}/verdict`)).text) as { pass: boolean };
    expect(failing.pass).toBe(false);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    expect((await post('/exceptions', { vulnerabilityId: 'x_LZT-TEST-2026-0001', repository: `${registry.host}/base/**`, reason: 'short', expiresAt })).status).toBe(400);
    expect((await post('/exceptions', { vulnerabilityId: 'x_LZT-TEST-2026-0001', repository: `${registry.host}/base/**`, reason: 'compensating control: not reachable', expiresAt: new Date(Date.now() + 800 * 86_400_000).toISOString() })).status).toBe(400);
    const approved = await post('/exceptions', { vulnerabilityId: 'x_LZT-TEST-2026-0001', repository: `${registry.host}/base/**`, reason: 'compensating control: bash is not reachable in this image', expiresAt });
    expect(approved.status).toBe(201);
    const exceptionId = (JSON.parse(approved.text) as { id: string }).id;
    const passing = JSON.parse((await api(`/images/${digest}/verdict`)).text) as { pass: boolean; excepted: Array<{ id: string; exceptionId: string }> };
    expect(passing).toMatchObject({ pass: true, excepted: [{ id: 'x_LZT-TEST-2026-0001', exceptionId }] });
    const revoked = await fetch(`${platform.apiUrl}/exceptions/${exceptionId}`, { method: 'DELETE', headers: { 'x-api-key': platform.adminKey } });
    expect(revoked.status).toBe(200);
    expect((JSON.parse((await api(`/images/${digest}/verdict`)).text) as { pass: boolean }).pass).toBe(false);
    const actions = (JSON.parse((await api('/audit?service=scanning&limit=200')).text) as { items: Array<{ record: { action: string } }> }).items.map((i) => i.record.action);
    expect(actions).toEqual(expect.arrayContaining(['exception.approve', 'exception.revoke']));
  });

  it('reports a missing image as a failed scan with the registry error, and keeps going', async () => {
    const scan = (await scanToEnd(`${registry.host}/base/nothing:here`)) as unknown as { status: string; error: { code: string; message: string } };
    expect(scan.status).toBe('failed');
    expect(scan.error.code).toMatch(/not-found|manifest-unknown|name-unknown/);
    const bad = await api('/scans', { body: { reference: 'not a reference' } });
    expect(bad.status).toBe(400);
  });
});
