import { describe, expect, it } from 'vitest';
import type { AnalysisInput, Cataloger, CatalogResult, FileInfo } from '../model';
import { catalogImage } from '../scan';
import { isImageError } from './errors';
import type { ImageSource, LayerEntry, ResolvedImage } from './image-source';
import { DirectoryLayerCache, MemoryLayerCache } from './layer-cache';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Spec = { path: string; type?: LayerEntry['type']; content?: string; link?: string };

/** An in-memory image: each layer a list of entries. Counts how often each layer is read. */
function memorySource(layers: Spec[][], kind: ImageSource['kind'] = 'oci-layout'): ImageSource & { reads: number[] } {
  const reads = layers.map(() => 0);
  return {
    kind,
    reference: 'memory',
    reads,
    async resolve() {
      return {
        reference: 'memory',
        kind,
        platform: { os: 'linux', architecture: 'amd64' },
        layers: layers.map((_, index) => ({ ref: { digest: `sha256:${String(index).repeat(64)}`, index }, size: 100, mediaType: 'test' })),
      };
    },
    async *readLayer(_image: ResolvedImage, layer) {
      reads[layer.ref.index]++;
      for (const s of layers[layer.ref.index]) {
        const content = Buffer.from(s.content ?? '');
        const type = s.type ?? (s.link !== undefined ? 'symlink' : 'file');
        const e: LayerEntry = {
          path: s.path,
          type,
          rawType: type === 'other' ? 'other' : type,
          size: type === 'file' ? content.length : 0,
          mode: 0o644,
          read: async (max) => content.subarray(0, max),
        };
        if (s.link !== undefined) e.linkTarget = s.link;
        yield e;
      }
    },
    async close() {},
  };
}

/** Parses `name=version` lines of /pkgs: a stand-in for a package database. */
class PkgListCataloger implements Cataloger {
  readonly id = 'pkglist';
  readonly version = 1;
  readonly maxFileSize = 1024;
  required(info: FileInfo): boolean {
    return info.path === '/pkgs' && info.type === 'file';
  }
  analyze({ content, info, layer }: AnalysisInput): CatalogResult {
    const packages = content
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, version] = line.split('=');
        return { type: 'deb' as const, name, version, purl: `pkg:deb/${name}@${version}`, licenses: [], foundBy: this.id, locations: [{ path: info.path, layerDigest: layer.digest }] };
      });
    return { packages };
  }
}

/** Reports the content of /etc/os-release as the OS id, through symlinks. */
class OsCataloger implements Cataloger {
  readonly id = 'os';
  readonly version = 1;
  readonly maxFileSize = 64;
  seen: string[] = [];
  required(info: FileInfo): boolean {
    return info.type === 'file' && (info.path === '/etc/os-release' || info.path === '/big');
  }
  analyze({ content, info }: AnalysisInput): CatalogResult {
    this.seen.push(`${info.path}:${content.toString()}`);
    return { packages: [], os: { id: content.toString().trim(), idLike: [] } };
  }
}

describe('catalogImage merge', () => {
  it('applies whiteouts and opaque dirs, attributes packages to the layer that introduced them', async () => {
    const src = memorySource([
      [
        { path: '/etc', type: 'dir' },
        { path: '/etc/issue', content: 'x' },
        { path: '/opt', type: 'dir' },
        { path: '/opt/a', content: 'a' },
        { path: '/opt/sub/b', content: 'b' },
        { path: '/pkgs', content: 'base=1\nold=1\n' },
      ],
      [
        { path: '/etc/.wh.issue' },
        { path: '/opt/.wh..wh..opq' },
        { path: '/opt/new', content: 'n' },
        { path: '/pkgs', content: 'base=1\nold=2\nnew=1\n' },
      ],
    ]);
    const c = await catalogImage(src, { catalogers: [new PkgListCataloger()], includeFiles: true });
    const paths = c.files?.map((f) => f.path);
    expect(paths).toEqual(['/etc', '/opt', '/opt/new', '/pkgs']);
    const layer0 = `sha256:${'0'.repeat(64)}`;
    const layer1 = `sha256:${'1'.repeat(64)}`;
    expect(c.packages.map((p) => [p.name, p.version, p.layerDigest])).toEqual([
      ['base', '1', layer0],
      ['old', '2', layer1],
      ['new', '1', layer1],
    ]);
    expect(c.files?.find((f) => f.path === '/pkgs')?.layer).toBe(1);
  });

  it('drops results of whited-out files and of files replaced by a directory', async () => {
    const src = memorySource([[{ path: '/pkgs', content: 'a=1\n' }], [{ path: '/.wh.pkgs' }], [{ path: '/pkgs', type: 'dir' }, { path: '/pkgs/x', content: '' }]]);
    const c = await catalogImage(src, { catalogers: [new PkgListCataloger()] });
    expect(c.packages).toEqual([]);
  });

  it('resolves a symlink to a later file of the same layer without a second read', async () => {
    const os = new OsCataloger();
    const src = memorySource([[{ path: '/etc/os-release', link: '../usr/lib/os-release' }, { path: '/usr/lib/os-release', content: 'debian' }]]);
    const c = await catalogImage(src, { catalogers: [os] });
    expect(c.os?.id).toBe('debian');
    expect(src.reads).toEqual([1]);
    expect(os.seen).toEqual(['/etc/os-release:debian']);
  });

  it('resolves a symlink whose target is in a lower layer by reading that layer again', async () => {
    const os = new OsCataloger();
    const src = memorySource([
      [{ path: '/usr/lib/os-release', content: 'alpine' }, { path: '/data', type: 'dir' }],
      [{ path: '/etc/os-release', link: '/data/../usr/lib/os-release' }],
    ]);
    const c = await catalogImage(src, { catalogers: [os] });
    expect(c.os?.id).toBe('alpine');
    expect(src.reads).toEqual([2, 1]);
  });

  it('uses the final version of a symlink target replaced by an upper layer', async () => {
    const src = memorySource([
      [{ path: '/etc/os-release', link: '../usr/lib/os-release' }, { path: '/usr/lib/os-release', content: 'old' }],
      [{ path: '/usr/lib/os-release', content: 'new' }],
    ]);
    const c = await catalogImage(src, { catalogers: [new OsCataloger()] });
    expect(c.os?.id).toBe('new');
  });

  it('never follows a symlink out of the image and says why', async () => {
    const os = new OsCataloger();
    const src = memorySource([[{ path: '/etc/os-release', link: '../../../../../../etc/os-release' }]]);
    const c = await catalogImage(src, { catalogers: [os] });
    expect(c.os).toBeUndefined();
    expect(os.seen).toEqual([]);
    expect(c.notes.map((n) => n.code)).toContain('symlink-escape');
  });

  it('notes symlink loops and dangling links', async () => {
    const src = memorySource([[{ path: '/etc/os-release', link: 'loop' }, { path: '/etc/loop', link: 'os-release' }]]);
    const c = await catalogImage(src, { catalogers: [new OsCataloger()] });
    expect(c.notes.map((n) => n.code)).toContain('symlink-loop');
  });

  it('gives a file-too-large note instead of buffering big files', async () => {
    const os = new OsCataloger();
    const c = await catalogImage(memorySource([[{ path: '/big', content: 'x'.repeat(65) }]]), { catalogers: [os] });
    expect(os.seen).toEqual([]);
    expect(c.notes).toEqual([expect.objectContaining({ code: 'file-too-large', path: '/big' })]);
  });

  it('treats .wh. names literally in a root filesystem', async () => {
    const c = await catalogImage(memorySource([[{ path: '/.wh.pkgs', content: '' }, { path: '/pkgs', content: 'a=1\n' }]], 'rootfs'), {
      catalogers: [new PkgListCataloger()],
      includeFiles: true,
    });
    expect(c.files?.map((f) => f.path)).toEqual(['/.wh.pkgs', '/pkgs']);
  });

  it('rejects duplicate cataloger ids', async () => {
    const err = await catalogImage(memorySource([[]]), { catalogers: [new OsCataloger(), new OsCataloger()] }).catch((e: unknown) => e);
    expect(isImageError(err, 'duplicate-cataloger')).toBe(true);
  });

  it('caches per layer and cataloger set (memory and directory caches)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-cache-test-'));
    try {
      for (const cache of [new MemoryLayerCache(), new DirectoryLayerCache(dir)]) {
        const layers: Spec[][] = [[{ path: '/pkgs', content: 'a=1\n' }], [{ path: '/x', content: 'x' }]];
        const first = memorySource(layers);
        const a = await catalogImage(first, { catalogers: [new PkgListCataloger()], cache });
        const second = memorySource(layers);
        const progress: boolean[] = [];
        const b = await catalogImage(second, {
          catalogers: [new PkgListCataloger()],
          cache,
          onProgress: (p) => p.phase === 'reading' && progress.push(p.cached ?? false),
        });
        expect(second.reads).toEqual([0, 0]);
        expect(progress).toEqual([true, true]);
        expect(b.packages).toEqual(a.packages);
        // Another cataloger set misses the cache.
        const third = memorySource(layers);
        await catalogImage(third, { catalogers: [new PkgListCataloger(), new OsCataloger()], cache });
        expect(third.reads).toEqual([1, 1]);
      }
      expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evicts the least recently used entry', async () => {
    const cache = new MemoryLayerCache(2);
    const a = { format: 1 as const, digest: 'a', files: [], whiteouts: [], opaqueDirs: [], results: [], linkResults: [], linkRequests: [], notes: [], entryCount: 0 };
    await cache.set('a', a);
    await cache.set('b', { ...a, digest: 'b' });
    await cache.get('a');
    await cache.set('c', { ...a, digest: 'c' });
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.digest).toBe('a');
  });

  it('enforces the image-wide entry cap', async () => {
    const layers = [Array.from({ length: 6 }, (_, i) => ({ path: `/a${i}`, content: '' })), Array.from({ length: 6 }, (_, i) => ({ path: `/b${i}`, content: '' }))];
    const err = await catalogImage(memorySource(layers), { limits: { maxEntriesPerImage: 10 } }).catch((e: unknown) => e);
    expect(isImageError(err, 'too-many-entries')).toBe(true);
  });
});
