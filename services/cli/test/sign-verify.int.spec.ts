import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { importCosignPrivateKey, importPublicKey, keyId, verify } from '@lazaret/crypto';
import { assertTools, checkTools } from '@lazaret/testing';
import { cosignTag, PREDICATE_TYPES } from '@lazaret/trust';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main';
// Test-only reuse of libs/scanner's registry and image fixtures (built and cached outside the
// repository); they are not part of the scanner's public API.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureBusyboxFixture, pushToRegistry, startRegistry, type RunningRegistry } from '../../../libs/scanner/test/fixtures';

const exec = promisify(execFile);
const TOOLS = ['skopeo', 'umoci', 'docker-registry', 'htpasswd', 'busybox', 'openssl'];
const tools = checkTools(...TOOLS);
const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'services', 'cli', 'bin', 'lazaret.js');
const SAMPLE_OSV = join(ROOT, 'libs', 'vulndb', 'data', 'sample', 'osv');
const PASSWORD = 'correct horse battery staple';

interface CliRun {
  code: number;
  out: string;
  err: string[];
}

/** `lazaret <argv>` in this process, with its own environment (never the real HOME). */
async function lazaret(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false }, env);
  return { code, out: out.join('\n'), err };
}

/** `node services/cli/bin/lazaret.js ...` as a user runs it, with stdin. */
function lazaretProcess(argv: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function listTags(registry: RunningRegistry, repo: string): Promise<string[]> {
  const { stdout } = await exec('skopeo', ['list-tags', '--tls-verify=false', `docker://${registry.host}/${repo}`], { timeout: 60_000 });
  return (JSON.parse(stdout) as { Tags: string[] }).Tags;
}

function policyYaml(host: string, keyPem: string, attestations: string[]): string {
  const indented = keyPem
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return [
    'apiVersion: lazaret.dev/v1',
    'kind: TrustPolicy',
    'defaultAction: deny',
    'keys:',
    '  - id: ci',
    '    publicKey: |',
    indented,
    'rules:',
    '  - name: team',
    `    images: ["${host}/team/**"]`,
    '    signatures: { keys: [ci] }',
    `    attestations: [${attestations.join(', ')}]`,
    '',
  ].join('\n');
}

describe.skipIf(tools.skip)('lazaret keygen, sign, attest and verify against a real registry', () => {
  let registry: RunningRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let ref: string;
  let digest: string;
  let keyPrefix: string;
  let otherPrefix: string;

  beforeAll(async () => {
    assertTools(...TOOLS);
    const fx = await ensureBusyboxFixture();
    registry = await startRegistry();
    await pushToRegistry(registry, fx.ociLayoutDir, fx.tag, 'team/app:1');
    await pushToRegistry(registry, fx.ociLayoutDir, fx.tag, 'team/unsigned:1');
    // The pushed manifest is the layout's (skopeo copies OCI manifests unchanged).
    const index = JSON.parse(readFileSync(join(fx.ociLayoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    digest = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === fx.tag)!.digest;
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sign-'));
    mkdirSync(join(dir, 'home'));
    env = { HOME: join(dir, 'home'), LAZARET_KEY_PASSWORD: PASSWORD, LAZARET_DB: join(dir, 'vulndb.sqlite') };
    ref = `${registry.host}/team/app:1`;
    keyPrefix = join(dir, 'cosign');
    otherPrefix = join(dir, 'other');
    const db = await lazaret(['db', 'import', SAMPLE_OSV], env);
    expect(db.code, db.err.join('\n')).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keygen writes a cosign key pair: the encrypted key opens with the password and matches the .pub', async () => {
    const r = await lazaret(['keygen', '--output-key-prefix', keyPrefix, '--format', 'json'], env);
    expect(r.code, r.err.join('\n')).toBe(0);
    const printed = JSON.parse(r.out) as { keyId: string; privateKey: string; publicKey: string };
    const keyPem = readFileSync(`${keyPrefix}.key`, 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
    expect(statSync(`${keyPrefix}.key`).mode & 0o777).toBe(0o600);
    const opened = importCosignPrivateKey(keyPem, PASSWORD);
    expect(keyId(importPublicKey(readFileSync(`${keyPrefix}.pub`, 'utf8')))).toBe(opened.keyId);
    expect(printed.keyId).toBe(opened.keyId);
    expect(() => importCosignPrivateKey(keyPem, 'not it')).toThrow();
    // A second key, and no silent overwrite.
    expect((await lazaret(['keygen', '--output-key-prefix', otherPrefix], env)).code).toBe(0);
    const again = await lazaret(['keygen', '--output-key-prefix', keyPrefix], env);
    expect(again.code).toBe(2);
    expect(again.err[0]).toMatch(/^lazaret: file-exists: /);
    expect(readFileSync(`${keyPrefix}.key`, 'utf8')).toBe(keyPem);
  });

  it('sign resolves the tag to its digest and writes the cosign .sig, with a Sigstore bundle', async () => {
    const bundleFile = join(dir, 'sig.bundle.json');
    const r = await lazaret(['sign', ref, '--key', `${keyPrefix}.key`, '--insecure', '--format', 'json', '--output', bundleFile], env);
    expect(r.code, r.err.join('\n')).toBe(0);
    const out = JSON.parse(r.out) as { digest: string; signatureReference: string; alreadySigned: boolean };
    expect(out.digest).toBe(digest);
    expect(out.alreadySigned).toBe(false);
    expect(out.signatureReference).toBe(`${registry.host}/team/app:${cosignTag(digest, 'sig')}`);
    expect(await listTags(registry, 'team/app')).toContain(cosignTag(digest, 'sig'));
    // The bundle's signature verifies over its payload with cosign.pub, and the payload names the digest.
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { messageSignature: { signature: string } };
    expect(bundle.messageSignature.signature).toBeTruthy();
    // The payload as skopeo fetches it from the registry.
    const manifest = JSON.parse((await exec('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/team/app:${cosignTag(digest, 'sig')}`])).stdout) as {
      layers: { digest: string; annotations: Record<string, string> }[];
    };
    const layer = manifest.layers[0]!;
    const blobDir = join(dir, 'blobs');
    await exec('skopeo', ['copy', '--src-tls-verify=false', `docker://${registry.host}/team/app:${cosignTag(digest, 'sig')}`, `dir:${blobDir}`]);
    const payload = readFileSync(join(blobDir, layer.digest.slice('sha256:'.length)));
    expect((JSON.parse(payload.toString()) as { critical: { image: { 'docker-manifest-digest': string } } }).critical.image['docker-manifest-digest']).toBe(digest);
    const pub = importPublicKey(readFileSync(`${keyPrefix}.pub`, 'utf8'));
    expect(verify(payload, Buffer.from(layer.annotations['dev.cosignproject.cosign/signature']!, 'base64'), pub)).toBe(true);
    expect(bundle.messageSignature.signature).toBe(layer.annotations['dev.cosignproject.cosign/signature']);
    // Signing again with the same key pushes nothing.
    const again = await lazaret(['sign', ref, '--key', `${keyPrefix}.key`, '--insecure', '--format', 'json'], env);
    expect((JSON.parse(again.out) as { alreadySigned: boolean }).alreadySigned).toBe(true);
  });

  it('verify: 0 with the signing key, 1 with another key, 1 for an unsigned image', async () => {
    const ok = await lazaret(['verify', ref, '--key', `${keyPrefix}.pub`, '--insecure', '--format', 'json'], env);
    expect(ok.code, ok.err.join('\n') + ok.out).toBe(0);
    const report = JSON.parse(ok.out) as { digest: string; verified: boolean; signatures: { verified: unknown[] } };
    expect(report.digest).toBe(digest);
    expect(report.verified).toBe(true);
    expect(report.signatures.verified).toHaveLength(1);

    const other = await lazaret(['verify', ref, '--key', `${otherPrefix}.pub`, '--insecure'], env);
    expect(other.code, other.err.join('\n')).toBe(1);
    expect(other.out).toContain('NOT VERIFIED');
    expect(other.out).toContain('rejected');

    // Either key may do: the right one among several verifies.
    expect((await lazaret(['verify', ref, '--key', `${otherPrefix}.pub`, '--key', `${keyPrefix}.pub`, '--insecure'], env)).code).toBe(0);

    const unsigned = await lazaret(['verify', `${registry.host}/team/unsigned:1`, '--key', `${keyPrefix}.pub`, '--insecure'], env);
    expect(unsigned.code, unsigned.err.join('\n')).toBe(1);
    expect(unsigned.out).toContain('no signatures found');
  });

  it('attest sbom and vuln (generated): the .att tag exists and verify --type finds both', async () => {
    const sbom = await lazaret(['attest', ref, '--type', 'sbom', '--key', `${keyPrefix}.key`, '--insecure', '--format', 'json'], env);
    expect(sbom.code, sbom.err.join('\n')).toBe(0);
    const vuln = await lazaret(['attest', ref, '--type', 'vuln', '--key', `${keyPrefix}.key`, '--insecure', '--format', 'json'], env);
    expect(vuln.code, vuln.err.join('\n')).toBe(0);
    const v = JSON.parse(vuln.out) as { predicateType: string; verdict: string; attestationReference: string };
    expect(v.predicateType).toBe(PREDICATE_TYPES.vulnVerdictV1);
    expect(v.attestationReference).toBe(`${registry.host}/team/app:${cosignTag(digest, 'att')}`);
    expect(await listTags(registry, 'team/app')).toContain(cosignTag(digest, 'att'));
    const manifest = JSON.parse((await exec('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/team/app:${cosignTag(digest, 'att')}`])).stdout) as {
      layers: { mediaType: string; annotations: Record<string, string> }[];
    };
    expect(manifest.layers.map((l) => l.annotations.predicateType).sort()).toEqual([PREDICATE_TYPES.cyclonedx, PREDICATE_TYPES.vulnVerdictV1].sort());

    const both = await lazaret(['verify', ref, '--key', `${keyPrefix}.pub`, '--type', 'sbom', '--type', 'vuln', '--insecure', '--format', 'json'], env);
    expect(both.code, both.out).toBe(0);
    const report = JSON.parse(both.out) as { attestations: { verified: { predicateType: string }[] } };
    expect(report.attestations.verified.map((a) => a.predicateType).sort()).toEqual([PREDICATE_TYPES.cyclonedx, PREDICATE_TYPES.vulnVerdictV1].sort());
    // No provenance was attached: requiring it fails.
    const slsa = await lazaret(['verify', ref, '--key', `${keyPrefix}.pub`, '--type', 'slsaprovenance', '--insecure'], env);
    expect(slsa.code).toBe(1);
    expect(slsa.out).toContain('no verified slsaprovenance attestation');
  });

  it('attest slsaprovenance needs --predicate and checks it', async () => {
    const missing = await lazaret(['attest', ref, '--type', 'slsaprovenance', '--key', `${keyPrefix}.key`, '--insecure'], env);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^lazaret: usage: .*--predicate/);
    const bad = join(dir, 'bad-provenance.json');
    writeFileSync(bad, JSON.stringify({ buildDefinition: { externalParameters: {} } }));
    const rejected = await lazaret(['attest', ref, '--type', 'slsaprovenance', '--predicate', bad, '--key', `${keyPrefix}.key`, '--insecure'], env);
    expect(rejected.code).toBe(2);
    expect(rejected.err[0]).toMatch(/^lazaret: invalid-predicate: SLSA provenance v1: /);
  });

  it('verify --policy: allowed with signature + SBOM attestation, denied when another key is required', async () => {
    const goodPolicy = join(dir, 'policy.yaml');
    writeFileSync(goodPolicy, policyYaml(registry.host, readFileSync(`${keyPrefix}.pub`, 'utf8'), [PREDICATE_TYPES.cyclonedx]));
    const ok = await lazaret(['verify', ref, '--policy', goodPolicy, '--insecure'], env);
    expect(ok.code, ok.out + ok.err.join('\n')).toBe(0);
    expect(ok.out).toContain('ALLOWED');

    const otherPolicy = join(dir, 'other-policy.yaml');
    writeFileSync(otherPolicy, policyYaml(registry.host, readFileSync(`${otherPrefix}.pub`, 'utf8'), [PREDICATE_TYPES.cyclonedx]));
    const denied = await lazaret(['verify', ref, '--policy', otherPolicy, '--insecure', '--format', 'json'], env);
    expect(denied.code, denied.err.join('\n')).toBe(1);
    const report = JSON.parse(denied.out) as { policy: { allowed: boolean; rule: string; violations: string[] } };
    expect(report.policy.allowed).toBe(false);
    expect(report.policy.rule).toBe('team');
    expect(report.policy.violations.join('\n')).toMatch(/not signed by required key ci/);

    // The unsigned image is denied by the good policy too.
    expect((await lazaret(['verify', `${registry.host}/team/unsigned:1`, '--policy', goodPolicy, '--insecure'], env)).code).toBe(1);
  });

  it('a policy with errors: exit 2, one line per problem with file:line:column', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, ['apiVersion: lazaret.dev/v1', 'defaultAction: maybe', 'rules:', '  - name: x', '    images: ["a/**"]', '    colour: blue', ''].join('\n'));
    const r = await lazaret(['verify', ref, '--policy', file, '--insecure'], env);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.length).toBeGreaterThanOrEqual(2);
    for (const line of r.err) expect(line).toMatch(new RegExp(`^lazaret: policy-invalid: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
    expect(r.err.some((l) => l.includes(`${file}:2:`) && l.includes('defaultAction'))).toBe(true);
    expect(r.err.some((l) => l.includes(`${file}:6:`) && l.includes('colour'))).toBe(true);
  });

  it('errors exit 2 with one line: wrong password, no password, missing image, public key for signing', async () => {
    const wrong = await lazaret(['sign', ref, '--key', `${keyPrefix}.key`, '--insecure'], { ...env, LAZARET_KEY_PASSWORD: 'wrong' });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toHaveLength(1);
    expect(wrong.err[0]).toMatch(/^lazaret: wrong-password: /);

    const none = await lazaret(['sign', ref, '--key', `${keyPrefix}.key`, '--insecure'], { HOME: env.HOME });
    expect(none.code).toBe(2);
    expect(none.err[0]).toMatch(/^lazaret: password-required: /);

    // COSIGN_PASSWORD works as cosign's own variable does.
    expect((await lazaret(['sign', ref, '--key', `${keyPrefix}.key`, '--insecure'], { HOME: env.HOME, COSIGN_PASSWORD: PASSWORD })).code).toBe(0);

    const missing = await lazaret(['verify', `${registry.host}/team/nothing:1`, '--key', `${keyPrefix}.pub`, '--insecure'], env);
    expect(missing.code).toBe(2);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^lazaret: image-not-found: /);
    const missingSign = await lazaret(['sign', `${registry.host}/team/app:nope`, '--key', `${keyPrefix}.key`, '--insecure'], env);
    expect(missingSign.code).toBe(2);
    expect(missingSign.err[0]).toMatch(/^lazaret: image-not-found: /);

    const pubAsKey = await lazaret(['sign', ref, '--key', `${keyPrefix}.pub`, '--insecure'], env);
    expect(pubAsKey.code).toBe(2);
    expect(pubAsKey.err[0]).toMatch(/^lazaret: invalid-key: /);
  });

  it('uses registry credentials (env) for a password-protected registry, for signing, attesting and verifying', async () => {
    const user = { username: 'signer', password: 'p4ss word:with colon' };
    const basic = await startRegistry({ auth: { basic: user } });
    try {
      const fx = await ensureBusyboxFixture();
      await pushToRegistry(basic, fx.ociLayoutDir, fx.tag, 'team/private:1');
      const privateRef = `${basic.host}/team/private:1`;
      const denied = await lazaret(['sign', privateRef, '--key', `${keyPrefix}.key`, '--insecure'], env);
      expect(denied.code).toBe(2);
      expect(denied.err).toHaveLength(1);
      expect(denied.err[0]).toMatch(/^lazaret: unauthorized: /);
      const creds = { ...env, LAZARET_REGISTRY_USERNAME: user.username, LAZARET_REGISTRY_PASSWORD: user.password };
      const signed = await lazaret(['sign', privateRef, '--key', `${keyPrefix}.key`, '--insecure'], creds);
      expect(signed.code, signed.err.join('\n')).toBe(0);
      const attested = await lazaret(['attest', privateRef, '--type', 'sbom', '--key', `${keyPrefix}.key`, '--insecure'], creds);
      expect(attested.code, attested.err.join('\n')).toBe(0);
      // A docker config.json works as well as the environment.
      const dockerConfig = join(dir, 'docker');
      mkdirSync(dockerConfig, { recursive: true });
      writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } }));
      const verified = await lazaret(['verify', privateRef, '--key', `${keyPrefix}.pub`, '--type', 'sbom', '--insecure'], { ...env, DOCKER_CONFIG: dockerConfig });
      expect(verified.code, verified.out + verified.err.join('\n')).toBe(0);
    } finally {
      await basic.stop();
    }
  });

  it('as a child process (bin/lazaret.js on the built dist): keygen and sign with --password-stdin, verify exit codes', async () => {
    execFileSync('npx', ['nx', 'run', '@lazaret/cli:build', '--outputStyle=static'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
      timeout: 300_000,
    });
    const childEnv = { HOME: env.HOME };
    const prefix = join(dir, 'child');
    const kg = await lazaretProcess(['keygen', '--output-key-prefix', prefix, '--password-stdin'], childEnv, 'from stdin\n');
    expect(kg.code, kg.stderr).toBe(0);
    expect(importCosignPrivateKey(readFileSync(`${prefix}.key`, 'utf8'), 'from stdin').keyId).toBeTruthy();
    const unsignedRef = `${registry.host}/team/unsigned:1`;
    const before = await lazaretProcess(['verify', unsignedRef, '--key', `${prefix}.pub`, '--insecure'], childEnv);
    expect(before.code, before.stderr).toBe(1);
    const sign = await lazaretProcess(['sign', unsignedRef, '--key', `${prefix}.key`, '--password-stdin', '--insecure'], childEnv, 'from stdin\n');
    expect(sign.code, sign.stderr).toBe(0);
    const after = await lazaretProcess(['verify', unsignedRef, '--key', `${prefix}.pub`, '--insecure'], childEnv);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('VERIFIED');
    const wrong = await lazaretProcess(['sign', unsignedRef, '--key', `${prefix}.key`, '--password-stdin', '--insecure'], childEnv, 'not it\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toMatch(/^lazaret: wrong-password: /);
  }, 420_000);
});
