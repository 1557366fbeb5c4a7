import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTools, checkTools } from '@lazaret/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cycloneDxValidator,
  ensureBusyboxFixture,
  errorsOf,
  freePort,
  lazaret,
  pushToRegistry,
  SBOM_TEST_TOOLS,
  startRegistry,
  validCycloneDx,
  type BusyboxFixture,
  type CdxDoc,
  type RunningRegistry,
} from './sbom-helpers';

const tools = checkTools(...SBOM_TEST_TOOLS);
const user = { username: 'sbom-user', password: 'p4ss word:with colon' };

/** The manifest digest the SBOM names its image by. */
function manifestDigestOf(doc: CdxDoc): string | undefined {
  return doc.metadata.component.properties?.find((p) => p.name === 'lazaret:image:manifestDigest')?.value;
}

describe.skipIf(tools.skip)('lazaret sbom against registries: credentials, transport, errors', () => {
  let fx: BusyboxFixture;
  let anon: RunningRegistry;
  let basic: RunningRegistry;
  let expectedDigest: string;
  let dir: string;
  let home: string;
  let ref: string;

  beforeAll(async () => {
    assertTools(...SBOM_TEST_TOOLS);
    fx = await ensureBusyboxFixture();
    [anon, basic] = await Promise.all([startRegistry(), startRegistry({ auth: { basic: user } })]);
    await Promise.all([pushToRegistry(anon, fx.ociLayoutDir, fx.tag, 'lazaret/busybox:1'), pushToRegistry(basic, fx.ociLayoutDir, fx.tag, 'lazaret/busybox:1')]);
    // The pushed manifest is the layout's (skopeo copies OCI manifests unchanged).
    const index = JSON.parse(readFileSync(join(fx.ociLayoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    expectedDigest = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === fx.tag)!.digest;
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sbom-registry-'));
    home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    ref = `${basic.host}/lazaret/busybox:1`;
  }, 600_000);

  afterAll(async () => {
    await Promise.all([anon?.stop(), basic?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function expectImage(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
    const r = await lazaret(['sbom', ...argv, '--no-cache'], env);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(manifestDigestOf(validCycloneDx(r.out, cycloneDxValidator(), errorsOf))).toBe(expectedDigest);
  }

  async function expectError(argv: string[], env: NodeJS.ProcessEnv, code: RegExp): Promise<string> {
    const r = await lazaret(['sbom', ...argv, '--no-cache'], env);
    expect(r.code, r.out.slice(0, 200)).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`^lazaret: ${code.source}: \\S`));
    return r.err[0]!;
  }

  it('pulls anonymously from a plain-HTTP registry with --insecure', async () => {
    await expectImage([`${anon.host}/lazaret/busybox:1`, '--insecure'], { HOME: home });
  });

  it('refuses plain HTTP unless --insecure is given', async () => {
    const line = await expectError([`${anon.host}/lazaret/busybox:1`, '--timeout', '5'], { HOME: home }, /(network-error|timeout)/);
    expect(line).toContain('--insecure');
  });

  it('takes credentials from LAZARET_REGISTRY_USERNAME / LAZARET_REGISTRY_PASSWORD', async () => {
    await expectImage([ref, '--insecure'], { HOME: home, LAZARET_REGISTRY_USERNAME: user.username, LAZARET_REGISTRY_PASSWORD: user.password });
  });

  it('takes --username with the password from the environment', async () => {
    await expectImage([ref, '--insecure', '--username', user.username], { HOME: home, LAZARET_REGISTRY_PASSWORD: user.password });
  });

  it('reads ~/.docker/config.json (auth as base64 user:password), and $DOCKER_CONFIG', async () => {
    const configHome = join(dir, 'docker-home');
    mkdirSync(join(configHome, '.docker'), { recursive: true });
    writeFileSync(join(configHome, '.docker', 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } }));
    await expectImage([ref, '--insecure'], { HOME: configHome });

    const configDir = join(dir, 'docker-config-dir');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: { [`http://${basic.host}/v2/`]: { username: user.username, password: user.password } } }));
    await expectImage([ref, '--insecure'], { HOME: home, DOCKER_CONFIG: configDir });
  });

  it('explicit credentials win over a docker config with wrong ones', async () => {
    const configHome = join(dir, 'wrong-docker-home');
    mkdirSync(join(configHome, '.docker'), { recursive: true });
    writeFileSync(join(configHome, '.docker', 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${user.username}:wrong`).toString('base64') } } }));
    await expectError([ref, '--insecure'], { HOME: configHome }, /unauthorized/);
    await expectImage([ref, '--insecure'], { HOME: configHome, LAZARET_REGISTRY_USERNAME: user.username, LAZARET_REGISTRY_PASSWORD: user.password });
  });

  it('no credentials or wrong ones: unauthorized, one line, exit 2', async () => {
    await expectError([ref, '--insecure'], { HOME: home }, /unauthorized/);
    await expectError([ref, '--insecure'], { HOME: home, LAZARET_REGISTRY_USERNAME: user.username, LAZARET_REGISTRY_PASSWORD: 'nope' }, /unauthorized/);
  });

  it('a malformed docker config is a clear error for registry inputs only', async () => {
    const badHome = join(dir, 'bad-docker-home');
    mkdirSync(join(badHome, '.docker'), { recursive: true });
    writeFileSync(join(badHome, '.docker', 'config.json'), '{ not json');
    const line = await expectError([ref, '--insecure'], { HOME: badHome }, /invalid-option/);
    expect(line).toContain('config.json is not valid JSON');
    // A local archive never needs registry credentials.
    const r = await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--no-cache'], { HOME: badHome });
    expect(r.code, r.err.join('\n')).toBe(0);
  });

  it('a missing image or tag is a clear error', async () => {
    const repo = await expectError([`${anon.host}/lazaret/no-such-image:1`, '--insecure'], { HOME: home }, /source-not-found/);
    expect(repo).toMatch(/lazaret\/no-such-image\/manifests\/1 not found \(MANIFEST_UNKNOWN/);
    const tag = await expectError([`${anon.host}/lazaret/busybox:no-such-tag`, '--insecure'], { HOME: home }, /source-not-found/);
    expect(tag).toMatch(/manifests\/no-such-tag not found/);
  });

  it('an unreachable registry is network-error, quickly', async () => {
    const port = await freePort();
    const started = Date.now();
    const line = await expectError([`127.0.0.1:${port}/lazaret/busybox:1`, '--insecure'], { HOME: home }, /network-error/);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a malformed reference is invalid-reference', async () => {
    await expectError([`${anon.host}/Lazaret/BusyBox:1`, '--insecure'], { HOME: home }, /invalid-reference/);
  });
});
