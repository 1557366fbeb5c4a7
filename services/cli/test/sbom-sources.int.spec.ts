import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTools, checkTools } from '@lazaret/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cdxDebs,
  cycloneDxValidator,
  dpkgTruth,
  ensureBusyboxFixture,
  ensureDebianFixture,
  errorsOf,
  lazaret,
  pushToRegistry,
  SBOM_TEST_TOOLS,
  spdxDebs,
  spdxValidator,
  startRegistry,
  validCycloneDx,
  validSpdx,
  type BusyboxFixture,
  type DebianFixture,
  type RunningRegistry,
} from './sbom-helpers';

const tools = checkTools(...SBOM_TEST_TOOLS);

interface CatalogJson {
  schema: string;
  source: string;
  platform: { os: string; architecture: string; variant?: string };
  layers: { digest: string; cached: boolean }[];
  packages: { type: string; name: string; version: string }[];
  os?: { id: string; versionId?: string };
}

describe.skipIf(tools.skip)('lazaret sbom: every input format, both SBOM formats, dpkg-query ground truth', () => {
  let fx: DebianFixture;
  let busybox: BusyboxFixture;
  let registry: RunningRegistry;
  let truth: string[];
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    assertTools(...SBOM_TEST_TOOLS);
    [fx, busybox] = await Promise.all([ensureDebianFixture(), ensureBusyboxFixture()]);
    registry = await startRegistry();
    await pushToRegistry(registry, fx.ociLayoutDir, fx.tag, 'lazaret/debian:12');
    await pushToRegistry(registry, busybox.ociLayoutDir, busybox.multiTag, 'lazaret/busybox:multi');
    truth = dpkgTruth(fx.rootfsDir);
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sbom-int-'));
    env = { HOME: join(dir, 'home') };
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the ground truth is a real Debian package list', () => {
    expect(truth.length).toBeGreaterThan(80);
    for (const p of fx.extraPackages) expect(truth.some((t) => t.startsWith(`${p}@`)), p).toBe(true);
  });

  const inputs = (): [string, string[]][] => [
    ['oci-layout', [`oci:${fx.ociLayoutDir}:${fx.tag}`]],
    ['oci-layout (bare directory)', [fx.ociLayoutDir]],
    ['oci-archive', [`oci-archive:${fx.ociArchive}`]],
    ['oci-archive (--input-format)', [fx.ociArchive, '--input-format', 'oci-archive']],
    ['docker-archive', [`docker-archive:${fx.dockerArchive}`]],
    ['docker-archive (auto)', [fx.dockerArchive]],
    ['rootfs', [`rootfs:${fx.rootfsDir}`]],
    ['registry', [`${registry.host}/lazaret/debian:12`, '--insecure']],
    ['registry (--input-format, docker://)', [`docker://${registry.host}/lazaret/debian:12`, '--insecure', '--input-format', 'registry']],
  ];

  it('CycloneDX from every input validates against the 1.6 schema and lists exactly the dpkg-query packages', async () => {
    const v = cycloneDxValidator();
    for (const [what, argv] of inputs()) {
      const r = await lazaret(['sbom', ...argv, '--no-cache'], env);
      expect(r.code, `${what}: ${r.err.join('\n')}`).toBe(0);
      expect(r.err, what).toEqual([]);
      const doc = validCycloneDx(r.out, v, errorsOf);
      expect(cdxDebs(doc), what).toEqual(truth);
      const os = doc.components.find((c) => c.type === 'operating-system');
      expect(os, what).toMatchObject({ name: 'debian', version: expect.stringMatching(/^12/) });
    }
  });

  it('SPDX from every input validates against the 2.3 schema and lists exactly the dpkg-query packages', async () => {
    const v = spdxValidator();
    for (const [what, argv] of inputs()) {
      const r = await lazaret(['sbom', ...argv, '--no-cache', '--format', 'spdx'], env);
      expect(r.code, `${what}: ${r.err.join('\n')}`).toBe(0);
      expect(spdxDebs(validSpdx(r.out, v, errorsOf)), what).toEqual(truth);
    }
  });

  it('the three image transports name the same image: manifest digest and layers agree', async () => {
    const digests = new Set<string>();
    for (const argv of [[`oci:${fx.ociLayoutDir}:${fx.tag}`], [`oci-archive:${fx.ociArchive}`], [`${registry.host}/lazaret/debian:12`, '--insecure']]) {
      const r = await lazaret(['sbom', ...argv, '--no-cache', '--format', 'json'], env);
      const c = JSON.parse(r.out) as CatalogJson & { manifestDigest: string };
      expect(c.layers).toHaveLength(2);
      digests.add(`${c.manifestDigest} ${c.layers.map((l) => l.digest).join(' ')}`);
    }
    expect(digests.size).toBe(1);
  });

  it('--format json is the scanner catalog: packages, OS, layers, source', async () => {
    const r = await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--no-cache', '--format', 'json'], env);
    expect(r.code, r.err.join('\n')).toBe(0);
    const c = JSON.parse(r.out) as CatalogJson;
    expect(c.schema).toBe('lazaret-catalog/v1');
    expect(c.source).toBe('oci-archive');
    expect(c.os?.id).toBe('debian');
    expect(c.packages.filter((p) => p.type === 'deb').map((p) => `${p.name}@${p.version}`).sort()).toEqual(truth);
  });

  it('--platform picks from a multi-platform index; a platform the index lacks is a clear error', async () => {
    for (const [argv, arch] of [
      [[`oci:${busybox.ociLayoutDir}:${busybox.multiTag}`, '--platform', 'linux/arm64/v8'], 'arm64'],
      [[`oci:${busybox.ociLayoutDir}:${busybox.multiTag}`], 'amd64'],
      [[`${registry.host}/lazaret/busybox:multi`, '--insecure', '--platform', 'linux/arm64'], 'arm64'],
    ] as const) {
      const r = await lazaret(['sbom', ...argv, '--no-cache', '--format', 'json'], env);
      expect(r.code, r.err.join('\n')).toBe(0);
      expect((JSON.parse(r.out) as CatalogJson).platform.architecture).toBe(arch);
    }
    const bad = await lazaret(['sbom', `oci:${busybox.ociLayoutDir}:${busybox.multiTag}`, '--platform', 'linux/s390x', '--no-cache'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]).toMatch(/^lazaret: platform-not-found: /);
  });

  it('fills the layer cache and answers from it the second time (same packages); --no-cache bypasses it', async () => {
    const cache = join(dir, 'layers');
    const argv = ['sbom', `oci-archive:${fx.ociArchive}`, '--format', 'json', '--cache-dir', cache];
    const first = JSON.parse((await lazaret(argv, env)).out) as CatalogJson;
    expect(first.layers.map((l) => l.cached)).toEqual([false, false]);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    const second = JSON.parse((await lazaret(argv, env)).out) as CatalogJson;
    expect(second.layers.map((l) => l.cached)).toEqual([true, true]);
    expect(second.packages).toEqual(first.packages);
    const bypass = JSON.parse((await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--format', 'json', '--no-cache'], env)).out) as CatalogJson;
    expect(bypass.layers.map((l) => l.cached)).toEqual([false, false]);
    // The default location is under $HOME/.cache (here the test's own HOME), XDG_CACHE_HOME wins.
    await lazaret(['sbom', `oci-archive:${fx.ociArchive}`], env);
    expect(readdirSync(join(env.HOME!, '.cache', 'lazaret', 'layers'))).toHaveLength(2);
    await lazaret(['sbom', `oci-archive:${fx.ociArchive}`], { ...env, XDG_CACHE_HOME: join(dir, 'xdg') });
    expect(readdirSync(join(dir, 'xdg', 'lazaret', 'layers'))).toHaveLength(2);
    // Directories are never cached (their listing changes with every mtime).
    await lazaret(['sbom', fx.rootfsDir, '--cache-dir', join(dir, 'rootfs-cache')], env);
    expect(existsSync(join(dir, 'rootfs-cache'))).toBe(false);
  });

  it('a read-only cache directory is a warning, not a failure', async () => {
    const cache = join(dir, 'blocked');
    // A file where the cache directory should be: mkdir fails whoever we are (even root).
    rmSync(cache, { force: true });
    writeFileSync(cache, 'not a directory');
    const r = await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--cache-dir', cache], env);
    expect(r.code).toBe(0);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^lazaret: warning: cache-write-failed: /);
    expect(cdxDebs(JSON.parse(r.out))).toEqual(truth);
  });

  it('draws a progress bar on stderr only when it is a terminal, and erases it', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const quiet = await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--no-cache'], env, false);
      expect(quiet.code).toBe(0);
      expect(writes).toEqual([]);
      const tty = await lazaret(['sbom', `oci-archive:${fx.ociArchive}`, '--no-cache'], env, true);
      expect(tty.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(writes.some((w) => /^\rreading layer 2 \[#+-*\] +\d+% /.test(w))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(writes.join('')).not.toContain('\n');
  });

  it('writes the SBOM to --output and nothing to stdout', async () => {
    const file = join(dir, 'debian.spdx.json');
    const r = await lazaret(['sbom', `docker-archive:${fx.dockerArchive}`, '--format', 'spdx', '--output', file, '--no-cache'], env);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(spdxDebs(validSpdx(readFileSync(file, 'utf8'), spdxValidator(), errorsOf))).toEqual(truth);
  });
});
