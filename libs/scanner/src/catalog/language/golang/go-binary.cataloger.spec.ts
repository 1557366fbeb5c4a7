import { describe, expect, it } from 'vitest';
import { buildElf, goBuildInfoInline, goBuildInfoPointers } from '../../../../test/catalog-fixtures/builders/elf.builder';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { GoBinaryCataloger, splitModulePath } from './go-binary.cataloger';
import { parseModInfo } from './go-buildinfo.parser';

const c = new GoBinaryCataloger();
const modinfo = testdata(__dirname, 'happy/modinfo.txt').toString();
const EXEC = { mode: 0o755 };

const expected = [
  'example.com/local@v0.0.0-00010101000000-000000000000',
  'github.com/example/tool@v1.4.2',
  'github.com/fork/lib@v1.0.1',
  'github.com/spf13/cobra@v1.8.0',
  'golang.org/x/sys@v0.15.0',
  'stdlib@1.21.5',
];

describe('go-binary cataloger', () => {
  it.each([
    [{ path: '/usr/bin/tool', type: 'file' as const, size: 5000, mode: 0o755 }, true],
    [{ path: '/usr/bin/tool', type: 'file' as const, size: 5000, mode: 0o644 }, false],
    [{ path: '/usr/bin/tiny', type: 'file' as const, size: 100, mode: 0o755 }, false],
    [{ path: '/usr/bin/link', type: 'symlink' as const, size: 5000, mode: 0o777 }, false],
  ])('required(%j) = %s', (info, want) => {
    expect(c.required(info)).toBe(want);
  });

  it.each([
    ['Go ≥ 1.18 inline format', buildElf([{ name: '.text', data: Buffer.alloc(2048, 0x90) }, { name: '.go.buildinfo', data: goBuildInfoInline('go1.21.5', modinfo) }])],
    ['Go 1.13–1.17 pointer format', buildElf([{ name: '.text', data: Buffer.alloc(2048, 0x90) }, { name: '.go.buildinfo', data: goBuildInfoPointers('go1.21.5', modinfo) }])],
    ['inline format without section headers', buildElf([{ name: '.text', data: Buffer.alloc(2048, 0x90) }, { name: '.go.buildinfo', data: goBuildInfoInline('go1.21.5', modinfo) }], { noSectionHeaders: true })],
  ])('%s', async (_name, elf) => {
    const r = await runCataloger(c, '/usr/bin/tool', elf, EXEC);
    expect(nameVersions(r)).toEqual(expected);
    expect(r.notes).toBeUndefined();
    const main = r.packages.find((p) => p.name === 'tool')!;
    expect(main).toMatchObject({ namespace: 'github.com/example', purl: 'pkg:golang/github.com/example/tool@v1.4.2', metadata: { mainModule: true, goVersion: 'go1.21.5', 'build:vcs.revision': '0123456789abcdef0123456789abcdef01234567', 'build:CGO_ENABLED': '0' } });
    expect(main.metadata?.dependsOn).toHaveLength(5);
    expect(r.packages.find((p) => p.name === 'lib')!.metadata).toMatchObject({ replaces: 'github.com/old/lib@v1.0.0' });
    expect(r.packages.find((p) => p.name === 'local')!.metadata).toMatchObject({ replacedBy: './local' });
    expect(r.packages.find((p) => p.name === 'stdlib')!.purl).toBe('pkg:golang/stdlib@1.21.5');
  });

  it('a (devel) main module keeps its version out of the purl', async () => {
    const elf = buildElf([{ name: '.go.buildinfo', data: goBuildInfoInline('go1.22.0', 'path\tx/cmd\nmod\texample.com/x\t(devel)\t\n') }, { name: '.pad', data: Buffer.alloc(1024) }]);
    const r = await runCataloger(c, '/bin/x', elf, EXEC);
    expect(r.packages.find((p) => p.name === 'x')).toMatchObject({ version: '(devel)', purl: 'pkg:golang/example.com/x' });
  });

  it('a GOPATH-mode binary has only the toolchain', async () => {
    const elf = buildElf([{ name: '.go.buildinfo', data: goBuildInfoInline('go1.19.8', 'path\tgithub.com/docker/distribution/cmd/registry\nbuild\t-compiler=gc\n') }, { name: '.pad', data: Buffer.alloc(1024) }]);
    expect(nameVersions(await runCataloger(c, '/usr/bin/registry', elf, EXEC))).toEqual(['stdlib@1.19.8']);
  });

  it.each([
    ['not ELF', Buffer.alloc(4096, 0x41), [], []],
    ['ELF without Go', buildElf([{ name: '.text', data: Buffer.alloc(4096, 0x90) }]), [], []],
    ['unknown ELF class', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 3, 1]), Buffer.alloc(2048)]), [], ['go-binary-unreadable']],
    ['ELF truncated before its section headers', buildElf([{ name: '.text', data: Buffer.alloc(4096) }, { name: '.go.buildinfo', data: goBuildInfoInline('go1.21.5', modinfo) }]).subarray(0, 3000), [], []],
    ['buildinfo with a garbage version', buildElf([{ name: '.go.buildinfo', data: goBuildInfoInline('not-go', 'mod\tx\tv1\t\n') }, { name: '.p', data: Buffer.alloc(1024) }]), [], []],
    ['inline length past the end', buildElf([{ name: '.go.buildinfo', data: Buffer.concat([goBuildInfoInline('go1.21.0', '').subarray(0, 32), Buffer.from([0xff, 0xff, 0xff, 0x7f])]) }, { name: '.p', data: Buffer.alloc(1024) }]), [], []],
  ])('%s → no packages', async (_n, content, pkgs, notes) => {
    const r = await runCataloger(c, '/usr/bin/x', content, EXEC);
    expect(nameVersions(r)).toEqual(pkgs);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('hostile module lines are counted and skipped', async () => {
    const bad = 'mod\tgood.example/m\tv1.0.0\t\ndep\tbad path with spaces\tv1\t\ndep\tok.example/d\tv2.0.0;rm\t\n';
    const elf = buildElf([{ name: '.go.buildinfo', data: goBuildInfoInline('go1.21.0', bad) }, { name: '.p', data: Buffer.alloc(1024) }]);
    const r = await runCataloger(c, '/usr/bin/x', elf, EXEC);
    expect(nameVersions(r)).toEqual(['good.example/m@v1.0.0', 'stdlib@1.21.0']);
    expect(noteCodes(r)).toEqual(['go-binary-invalid-modules']);
  });

  it('parseModInfo and splitModulePath', () => {
    const info = parseModInfo(modinfo);
    expect(info.path).toBe('github.com/example/tool/cmd/tool');
    expect(info.deps[2]).toEqual({ path: 'github.com/old/lib', version: 'v1.0.0', sum: undefined, replace: { path: 'github.com/fork/lib', version: 'v1.0.1', sum: 'h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=' } });
    expect(info.settings['-ldflags']).toBe('"-s -w -X main.version=1.4.2"');
    expect(splitModulePath('gopkg.in/yaml.v3')).toEqual({ namespace: 'gopkg.in', name: 'yaml.v3' });
    expect(splitModulePath('stdlib')).toEqual({ name: 'stdlib' });
  });
});
