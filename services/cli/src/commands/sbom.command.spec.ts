import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main';
import { CATALOG_SCHEMA } from './sbom.command';

function capture(isTty = false) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), isTty }, out, err };
}

const STATUS = `Package: tiny-a
Status: install ok installed
Architecture: amd64
Version: 1:2.3-4
Source: tiny (1:2.3-4)
Depends: tiny-b

Package: tiny-b
Status: install ok installed
Architecture: all
Version: 0.9

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
`;

describe('lazaret sbom (no network, a small root filesystem)', () => {
  let dir: string;
  let rootfs: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sbom-unit-'));
    rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    mkdirSync(join(rootfs, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(join(rootfs, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    writeFileSync(join(rootfs, 'var/lib/dpkg/status'), STATUS);
    // HOME in a temp dir: no real docker config, no real cache.
    env = { HOME: join(dir, 'home') };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes CycloneDX by default, with the installed packages only', async () => {
    const c = capture();
    expect(await run(['sbom', `rootfs:${rootfs}`], c.io, env), c.err.join('\n')).toBe(0);
    const bom = JSON.parse(c.out.join('\n')) as { bomFormat: string; specVersion: string; components: { name: string; version?: string; purl?: string; type: string }[] };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    const libs = bom.components.filter((x) => x.type === 'library').map((x) => `${x.name}@${x.version}`).sort();
    expect(libs).toEqual(['tiny-a@1:2.3-4', 'tiny-b@0.9']);
    expect(bom.components.find((x) => x.name === 'tiny-a')?.purl).toContain('distro=debian-12');
    expect(c.err).toEqual([]);
  });

  it('writes SPDX and the catalog JSON', async () => {
    const spdx = capture();
    expect(await run(['sbom', rootfs, '--format', 'spdx'], spdx.io, env)).toBe(0);
    const doc = JSON.parse(spdx.out.join('\n')) as { spdxVersion: string; packages: { name: string }[] };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['tiny-a', 'tiny-b']));

    const json = capture();
    expect(await run(['sbom', rootfs, '--format', 'json', '--input-format', 'rootfs'], json.io, env)).toBe(0);
    const cat = JSON.parse(json.out.join('\n')) as { schema: string; source: string; os: { id: string }; packages: { name: string; sourceName?: string }[] };
    expect(cat.schema).toBe(CATALOG_SCHEMA);
    expect(cat.source).toBe('rootfs');
    expect(cat.os.id).toBe('debian');
    expect(cat.packages.find((p) => p.name === 'tiny-a')?.sourceName).toBe('tiny');
  });

  it('is reproducible with SOURCE_DATE_EPOCH', async () => {
    const a = capture();
    const b = capture();
    await run(['sbom', rootfs], a.io, { ...env, SOURCE_DATE_EPOCH: '1767225600' });
    await run(['sbom', rootfs], b.io, { ...env, SOURCE_DATE_EPOCH: '1767225600' });
    expect(a.out.join('\n')).toBe(b.out.join('\n'));
    expect(a.out.join('\n')).toContain('"timestamp": "2026-01-01T00:00:00Z"');
  });

  it('writes --output atomically and leaves no file when the scan fails', async () => {
    const file = join(dir, 'out', 'sbom.json');
    mkdirSync(join(dir, 'out'), { recursive: true });
    const c = capture();
    expect(await run(['sbom', rootfs, '--output', file], c.io, env)).toBe(0);
    expect(c.out).toEqual([]);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { bomFormat: string }).bomFormat).toBe('CycloneDX');
    expect(readdirSync(join(dir, 'out'))).toEqual(['sbom.json']);

    const failed = join(dir, 'out', 'failed.json');
    const f = capture();
    expect(await run(['sbom', join(dir, 'no-such-dir'), '--input-format', 'rootfs', '-o', failed], f.io, env)).toBe(2);
    expect(readdirSync(join(dir, 'out'))).toEqual(['sbom.json']);
  });

  it('reports an unwritable --output as one line', async () => {
    const c = capture();
    expect(await run(['sbom', rootfs, '--output', join(dir, 'missing-dir', 'x.json')], c.io, env)).toBe(2);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^lazaret: output-error: cannot write .*missing-dir\/x\.json: /);
  });

  it.each([
    [['sbom'], /^lazaret: usage: name an image/],
    [['sbom', 'a', 'b'], /^lazaret: usage: one image at a time/],
    [['sbom', 'x', '--format', 'xml'], /^lazaret: usage: --format must be one of cyclonedx, spdx, json, not xml$/],
    [['sbom', 'x', '--input-format', 'tarball'], /^lazaret: usage: --input-format must be one of auto, registry, oci-layout/],
    [['sbom', 'x', '--platform', 'amd64'], /^lazaret: usage: --platform: platform must look like os\/arch/],
    [['sbom', 'x', '--password-stdin'], /^lazaret: usage: --password-stdin needs --username$/],
    [['sbom', 'x', '--username', 'u'], /^lazaret: usage: a registry username needs a password/],
    [['sbom', 'x', '--no-cache', '--cache-dir', '/tmp/c'], /^lazaret: usage: --cache-dir and --no-cache contradict/],
    [['sbom', 'x', '--bogus'], /^lazaret: usage: Unknown option '--bogus'/],
  ])('usage error: %j', async (argv, message) => {
    const c = capture();
    expect(await run(argv, c.io, env)).toBe(2);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(message);
  });

  it('needs a username with LAZARET_REGISTRY_PASSWORD, and a bad SOURCE_DATE_EPOCH is a config error', async () => {
    const c = capture();
    expect(await run(['sbom', 'x'], c.io, { ...env, LAZARET_REGISTRY_PASSWORD: 'p' })).toBe(2);
    expect(c.err[0]).toMatch(/^lazaret: usage: LAZARET_REGISTRY_PASSWORD is set but no username/);
    const d = capture();
    expect(await run(['sbom', rootfs], d.io, { ...env, SOURCE_DATE_EPOCH: 'yesterday' })).toBe(2);
    expect(d.err[0]).toMatch(/^lazaret: config: SOURCE_DATE_EPOCH/);
  });

  it('turns scanner errors into lazaret: <code>: <message>', async () => {
    const c = capture();
    expect(await run(['sbom', './does/not/exist'], c.io, env)).toBe(2);
    expect(c.err).toEqual(['lazaret: source-not-found: ./does/not/exist: no such file or directory']);
    const r = capture();
    expect(await run(['sbom', 'UPPER/Case:tag'], r.io, env)).toBe(2);
    expect(r.err[0]).toMatch(/^lazaret: invalid-reference: /);
    const a = capture();
    expect(await run(['sbom', rootfs, '--input-format', 'oci-archive'], a.io, env)).toBe(2);
    expect(a.err[0]).toMatch(/^lazaret: source-not-found: .* is not a file$/);
  });

  it('lists sbom in the help', async () => {
    const c = capture();
    expect(await run(['--help'], c.io, env)).toBe(0);
    expect(c.out.join('\n')).toMatch(/\n {2}sbom +write the SBOM/);
    const h = capture();
    expect(await run(['sbom', '--help'], h.io, env)).toBe(0);
    expect(h.out.join('\n')).toContain('--password-stdin');
  });
});
