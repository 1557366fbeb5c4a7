import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTools, checkTools } from '@lazaret/testing';
import { catalogImage, DirectoryLayerCache, MemoryLayerCache, openArchiveBlob, type ImageCatalog, type ScanProgress } from '../src/index';
import {
  ensureBusyboxFixture,
  ensureDebianFixture,
  pushToRegistry,
  startRegistry,
  type BusyboxFixture,
  type DebianFixture,
  type RunningRegistry,
} from './fixtures';
import { LayoutWriter, OCI_LAYER_ZSTD } from './fixtures/oci-writer';
import { DpkgStatusProbe, FileProbe, parseDpkgStatus } from './fixtures/probe-catalogers';

const TOOLS = ['skopeo', 'umoci', 'debootstrap', 'docker-registry', 'busybox', 'zstd'];
const tools = checkTools(...TOOLS);

const probes = () => [new DpkgStatusProbe(), new FileProbe(['/etc/os-release', '/usr/lib/os-release', '/etc/passwd', '/etc/platform', '/usr/bin/less'])];

/** `path → "type size link"` of the final filesystem, hardlinks shown as files (as `find` does). */
function listing(c: ImageCatalog, exclude: RegExp = /^$/): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of c.files ?? []) {
    if (exclude.test(f.path)) continue;
    const type = f.type === 'hardlink' ? 'file' : f.type;
    out.set(f.path, `${type} ${type === 'file' && f.type !== 'hardlink' ? f.size : '-'} ${f.linkTarget && f.type === 'symlink' ? f.linkTarget : ''}`);
  }
  return out;
}

function pkgs(c: ImageCatalog): string[] {
  return c.packages.map((p) => `${p.foundBy} ${p.type} ${p.name} ${p.version}`).sort();
}

describe.skipIf(tools.skip)('Debian image (two layers, whiteouts) from every source', () => {
  let fx: DebianFixture;
  let registry: RunningRegistry;
  const catalogs = new Map<string, ImageCatalog>();

  beforeAll(async () => {
    assertTools(...TOOLS);
    fx = await ensureDebianFixture();
    if (fx.builtNow) process.stderr.write(`[image-sources] built the Debian fixture in ${fx.buildSeconds.toFixed(1)} s\n`);
    registry = await startRegistry();
    await pushToRegistry(registry, fx.ociLayoutDir, fx.tag, 'lazaret/debian:bookworm');
    const sources: Record<string, string> = {
      'oci-layout': `oci:${fx.ociLayoutDir}:${fx.tag}`,
      'oci-archive': fx.ociArchive,
      'docker-archive': fx.dockerArchive,
      registry: `docker://${registry.host}/lazaret/debian:bookworm`,
    };
    for (const [name, ref] of Object.entries(sources)) {
      catalogs.set(name, await catalogImage(ref, { catalogers: probes(), includeFiles: true, insecure: true }));
    }
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('detects each source kind', () => {
    expect([...catalogs].map(([name, c]) => [name, c.source])).toEqual([
      ['oci-layout', 'oci-layout'],
      ['oci-archive', 'oci-archive'],
      ['docker-archive', 'docker-archive'],
      ['registry', 'registry'],
    ]);
  });

  it('merges to exactly the filesystem umoci unpacks (ground truth from find)', () => {
    const out = execFileSync('find', [fx.rootfsDir, '-mindepth', '1', '-printf', '%P\\t%y\\t%s\\t%l\\n'], { maxBuffer: 64 << 20 }).toString();
    const truth = new Map<string, string>();
    const kinds: Record<string, string> = { f: 'file', d: 'dir', l: 'symlink', c: 'other', b: 'other', p: 'other', s: 'other' };
    for (const line of out.split('\n').filter(Boolean)) {
      const [path, y, size, link] = line.split('\t');
      const type = kinds[y];
      truth.set(`/${path}`, `${type} ${type === 'file' ? size : '-'} ${type === 'symlink' ? link : ''}`);
    }
    const ours = listing(catalogs.get('oci-layout') as ImageCatalog);
    // Hardlinked files: find shows their size; our listing marks them '-' (the size lives on the first link).
    for (const [path, v] of ours) if (v.startsWith('file -')) truth.set(path, v);
    expect(truth.size).toBeGreaterThan(5000);
    expect(ours).toEqual(truth);
  });

  it('yields the same filesystem and packages from every source', () => {
    const ref = catalogs.get('oci-layout') as ImageCatalog;
    for (const [name, c] of catalogs) {
      expect(listing(c), name).toEqual(listing(ref));
      expect(pkgs(c), name).toEqual(pkgs(ref));
      expect(c.configDigest, name).toBe(ref.configDigest);
      expect(c.layers.map((l) => [l.diffId, l.createdBy]), name).toEqual(ref.layers.map((l) => [l.diffId, l.createdBy]));
    }
    expect(catalogs.get('registry')?.manifestDigest).toBe(ref.manifestDigest);
    expect(catalogs.get('oci-archive')?.manifestDigest).toBe(ref.manifestDigest);
    expect(ref.layers).toHaveLength(2);
    expect(ref.layers[1].createdBy).toContain('apt-get install');
  });

  it('applies the second layer whiteouts (a deleted file and a deleted directory are absent)', () => {
    const c = catalogs.get('oci-layout') as ImageCatalog;
    const paths = new Set(c.files?.map((f) => f.path));
    for (const deleted of fx.deletedPaths) expect(paths.has(deleted), deleted).toBe(false);
    expect([...paths].some((p) => p.startsWith('/usr/share/doc/bash/'))).toBe(false);
    // They were in the base layer: the deletion is the whiteout's doing.
    const base = execFileSync('tar', ['-tzf', join(fx.ociLayoutDir, 'blobs', 'sha256', c.layers[0].digest.slice(7))], { maxBuffer: 64 << 20 }).toString();
    expect(base).toMatch(/^(\.\/)?etc\/issue\.net$/m);
    expect(paths.has('/etc/issue')).toBe(true);
  });

  it('attributes packages to the layer that introduced them (ground truth: dpkg status of each layer via tar)', () => {
    const c = catalogs.get('oci-layout') as ImageCatalog;
    const statusOf = (digest: string): Map<string, string> => {
      const blob = gunzipSync(readFileSync(join(fx.ociLayoutDir, 'blobs', 'sha256', digest.slice(7))));
      const text = execFileSync('tar', ['-xO', '--wildcards', '*var/lib/dpkg/status'], { input: blob, maxBuffer: 64 << 20 }).toString();
      return new Map(parseDpkgStatus(text));
    };
    const base = statusOf(c.layers[0].digest);
    const final = statusOf(c.layers[1].digest);
    const debs = c.packages.filter((p) => p.foundBy === 'probe-dpkg-status');
    expect(new Map(debs.map((p) => [p.name, p.version]))).toEqual(final);
    for (const p of debs) {
      const expected = base.get(p.name) === p.version ? c.layers[0].digest : c.layers[1].digest;
      expect(p.layerDigest, p.name).toBe(expected);
    }
    for (const extra of fx.extraPackages) expect(debs.find((p) => p.name === extra)?.layerDigest).toBe(c.layers[1].digest);
    expect(debs.filter((p) => p.layerDigest === c.layers[0].digest).length).toBe(base.size);
  });

  it('scans the unpacked root filesystem to the same packages', async () => {
    const c = await catalogImage(`rootfs:${fx.rootfsDir}`, { catalogers: probes(), includeFiles: true });
    expect(c.source).toBe('rootfs');
    expect(pkgs(c)).toEqual(pkgs(catalogs.get('oci-layout') as ImageCatalog));
    const image = listing(catalogs.get('oci-layout') as ImageCatalog, /^\/(proc|sys|dev)(\/|$)/);
    const dir = listing(c);
    expect([...dir.keys()].sort()).toEqual([...image.keys()].sort());
  });

  it('reads each layer once per cataloger set with a cache, and reports progress up to the total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-layer-cache-'));
    try {
      const cache = new DirectoryLayerCache(dir);
      const events: ScanProgress[] = [];
      const first = await catalogImage(fx.ociArchive, { catalogers: probes(), cache, onProgress: (p) => events.push(p) });
      expect(first.layers.map((l) => l.cached)).toEqual([false, false]);
      const reading = events.filter((e) => e.phase === 'reading');
      expect(reading.length).toBeGreaterThan(10);
      for (let i = 1; i < events.length; i++) expect(events[i].bytesRead).toBeGreaterThanOrEqual(events[i - 1].bytesRead);
      expect(events.at(-1)).toEqual(expect.objectContaining({ phase: 'done', bytesRead: events.at(-1)?.bytesTotal }));
      // The OCI layout shares its layers with the archive: all cached.
      const second = await catalogImage(`oci:${fx.ociLayoutDir}`, { catalogers: probes(), cache });
      expect(second.layers.map((l) => l.cached)).toEqual([true, true]);
      expect(pkgs(second)).toEqual(pkgs(first));
      const mem = new MemoryLayerCache();
      await catalogImage(`oci:${fx.ociLayoutDir}`, { catalogers: probes(), cache: mem });
      const third = await catalogImage(`oci:${fx.ociLayoutDir}`, { catalogers: probes(), cache: mem });
      expect(third.layers.every((l) => l.cached)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(tools.skip)('busybox image: platforms, zstd, tampering', () => {
  let fx: BusyboxFixture;
  let registry: RunningRegistry;
  const platformOf = (c: ImageCatalog) => c.packages.find((p) => p.name === '/etc/platform')?.metadata?.firstLine;

  beforeAll(async () => {
    assertTools(...TOOLS);
    fx = await ensureBusyboxFixture();
    registry = await startRegistry();
    await pushToRegistry(registry, fx.ociLayoutDir, fx.multiTag, 'lazaret/busybox:multi');
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('picks the platform from an index (OCI layout and registry), default linux/amd64', async () => {
    for (const ref of [`oci:${fx.ociLayoutDir}:${fx.multiTag}`, `docker://${registry.host}/lazaret/busybox:multi`]) {
      const amd = await catalogImage(ref, { catalogers: probes(), insecure: true });
      expect(platformOf(amd), ref).toBe('linux/amd64');
      expect(amd.platform).toEqual({ os: 'linux', architecture: 'amd64' });
      expect(amd.indexDigest).toMatch(/^sha256:/);
      const arm = await catalogImage(ref, { catalogers: probes(), insecure: true, platform: 'linux/arm64' });
      expect(platformOf(arm), ref).toBe('linux/arm64');
      expect(arm.platform.architecture).toBe('arm64');
      await expect(catalogImage(ref, { insecure: true, platform: 'linux/s390x' })).rejects.toMatchObject({ code: 'platform-not-found' });
    }
  });

  it('refuses a single-platform image when another platform is asked for explicitly', async () => {
    await expect(catalogImage(`oci:${fx.ociLayoutDir}:arm64`, { platform: 'linux/amd64' })).rejects.toMatchObject({ code: 'platform-not-found' });
    expect(platformOf(await catalogImage(`oci:${fx.ociLayoutDir}:arm64`, { catalogers: probes() }))).toBe('linux/arm64');
  });

  it('reads the same image from OCI layout, oci-archive and docker-archive, busybox applet symlinks included', async () => {
    const results = await Promise.all(
      [`oci:${fx.ociLayoutDir}:latest`, fx.ociArchive, fx.dockerArchive].map((r) => catalogImage(r, { catalogers: probes(), includeFiles: true })),
    );
    for (const c of results) {
      expect(listing(c)).toEqual(listing(results[0]));
      expect(c.files?.find((f) => f.path === '/bin/sh')).toEqual(expect.objectContaining({ type: 'symlink', linkTarget: 'busybox' }));
    }
  });

  it('reads archives from a re-openable stream (blob store) and compressed archives', async () => {
    const expected = listing(await catalogImage(fx.dockerArchive, { catalogers: probes(), includeFiles: true }));
    let opens = 0;
    for (const [file, format] of [
      [fx.ociArchive, 'oci-archive'],
      [fx.dockerArchive, 'docker-archive'],
    ] as const) {
      const source = await openArchiveBlob(
        {
          name: `objects/${format}`,
          open: async () => {
            opens++;
            return createReadStream(file);
          },
        },
        { format },
      );
      const c = await catalogImage(source, { catalogers: probes(), includeFiles: true });
      await source.close();
      expect(c.source).toBe(format);
      expect(listing(c)).toEqual(expected);
    }
    expect(opens).toBeGreaterThan(4);
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-gz-archive-'));
    try {
      const gz = join(dir, 'image.tar.gz');
      writeFileSync(gz, gzipSync(readFileSync(fx.dockerArchive)));
      const c = await catalogImage(gz, { catalogers: probes(), includeFiles: true });
      expect(c.source).toBe('docker-archive');
      expect(listing(c)).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads zstd-compressed layers (re-compressed with the zstd tool)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-zstd-'));
    try {
      const gz = await catalogImage(`oci:${fx.ociLayoutDir}:latest`, { catalogers: probes(), includeFiles: true });
      const tar = gunzipSync(readFileSync(join(fx.ociLayoutDir, 'blobs', 'sha256', gz.layers[0].digest.slice(7))));
      const w = new LayoutWriter(dir);
      const m = w.image([tar], { layerMediaType: OCI_LAYER_ZSTD, compress: (t) => execFileSync('zstd', ['-q', '-c', '-19'], { input: t }) });
      w.finish([{ ...m, tag: 'zstd' }]);
      const z = await catalogImage(`oci:${dir}:zstd`, { catalogers: probes(), includeFiles: true });
      expect(readFileSync(join(dir, 'blobs', 'sha256', z.layers[0].digest.slice(7))).subarray(0, 4).toString('hex')).toBe('28b52ffd');
      expect(listing(z)).toEqual(listing(gz));
      expect(pkgs(z)).toEqual(pkgs(gz));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies blob digests: a layer tampered in place (same size) is rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-tamper-'));
    try {
      execFileSync('cp', ['-a', `${fx.ociLayoutDir}/.`, dir]);
      const c = await catalogImage(`oci:${dir}:latest`);
      const blob = join(dir, 'blobs', 'sha256', c.layers[0].digest.slice(7));
      const data = readFileSync(blob);
      // The gzip header's MTIME bytes: decompression and the diff_id still succeed, only the blob digest can tell.
      data[4] ^= 0xff;
      chmodSync(blob, 0o644);
      writeFileSync(blob, data);
      await expect(catalogImage(`oci:${dir}:latest`)).rejects.toMatchObject({ code: 'digest-mismatch' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
