import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertTools, checkTools } from '@lazaret/testing';
import { catalogImage, defaultCatalogers, type ImageCatalog } from '../src/index';
import { ensureDebianFixture, type DebianFixture } from './fixtures';

const TOOLS = ['skopeo', 'umoci', 'debootstrap', 'dpkg-query'];
const tools = checkTools(...TOOLS);

describe.skipIf(tools.skip)('real catalogers on the Debian image', () => {
  let fx: DebianFixture;
  let image: ImageCatalog;
  let rootfs: ImageCatalog;

  beforeAll(async () => {
    assertTools(...TOOLS);
    fx = await ensureDebianFixture();
    image = await catalogImage(`oci:${fx.ociLayoutDir}:${fx.tag}`, { catalogers: defaultCatalogers() });
    rootfs = await catalogImage(`rootfs:${fx.rootfsDir}`, { catalogers: defaultCatalogers() });
  }, 900_000);

  it('finds exactly the packages dpkg-query reports for the same root filesystem', () => {
    const out = execFileSync('dpkg-query', [`--admindir=${fx.rootfsDir}/var/lib/dpkg`, '-W', '-f', '${db:Status-Status}\\t${Package}\\t${Version}\\n']).toString();
    const truth = out
      .split('\n')
      .filter((l) => l.startsWith('installed\t'))
      .map((l) => l.split('\t').slice(1).join(' '))
      .sort();
    expect(truth.length).toBeGreaterThan(80);
    for (const c of [image, rootfs]) {
      const debs = c.packages.filter((p) => p.type === 'deb').map((p) => `${p.name} ${p.version}`).sort();
      expect(debs).toEqual(truth);
    }
  });

  it('identifies the OS through the /etc/os-release symlink', () => {
    expect(image.os).toEqual(expect.objectContaining({ id: 'debian', versionId: '12', versionCodename: 'bookworm' }));
    expect(rootfs.os?.id).toBe('debian');
  });

  it('attributes the packages installed by the second layer to it, the rest to the base', () => {
    const [base, top] = image.layers.map((l) => l.digest);
    const debs = image.packages.filter((p) => p.type === 'deb');
    for (const name of fx.extraPackages) expect(debs.find((p) => p.name === name)?.layerDigest, name).toBe(top);
    for (const name of ['base-files', 'dpkg', 'libc6', 'bash']) expect(debs.find((p) => p.name === name)?.layerDigest, name).toBe(base);
  });
});
