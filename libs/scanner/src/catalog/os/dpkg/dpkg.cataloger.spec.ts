import { describe, expect, it } from 'vitest';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { DpkgCataloger, parseSource } from './dpkg.cataloger';

const c = new DpkgCataloger();

describe('dpkg cataloger', () => {
  it.each([
    ['/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/status.d/libssl3', true],
    ['/var/lib/dpkg/status.d/libssl3.md5sums', false],
    ['/var/lib/dpkg/status-old', false],
    ['/var/lib/dpkg/status.d/sub/x', false],
    ['/usr/var/lib/dpkg/status', false],
  ])('required(%s) = %s', (path, want) => {
    expect(c.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  const cases: { name: string; file: string; path: string; packages: string[]; notes?: string[] }[] = [
    {
      name: 'real bookworm status paragraphs',
      file: 'happy/status-bookworm',
      path: '/var/lib/dpkg/status',
      packages: ['debian/base-files@12.4+deb12u11', 'debian/bash@5.2.15-2+b8', 'debian/libc6@2.36-9+deb12u14', 'debian/libgcc-s1@12.2.0-14+deb12u1', 'debian/libssl3@3.0.19-1~deb12u2', 'debian/tzdata@2025b-0+deb12u2'],
    },
    {
      name: 'multi-arch, epochs and non-installed states',
      file: 'happy/status-multiarch',
      path: '/var/lib/dpkg/status',
      packages: ['debian/libc6@2.36-9+deb12u10', 'debian/libc6@2.36-9+deb12u10', 'debian/libgcc-s1@12.2.0-14+deb12u1', 'debian/libgcc-s1@12.2.0-14+deb12u1', 'debian/passwd@1:4.13+dfsg1-1+b1'],
    },
    { name: 'distroless status.d without Status', file: 'happy/status.d/libssl3', path: '/var/lib/dpkg/status.d/libssl3', packages: ['debian/libssl3@3.0.15-1~deb12u1'] },
    { name: 'distroless status.d with Status', file: 'happy/status.d/tzdata', path: '/var/lib/dpkg/status.d/tzdata', packages: ['debian/tzdata@2024a-0+deb12u1'] },
    { name: 'invalid entries are skipped with a note', file: 'sad/status-invalid-entries', path: '/var/lib/dpkg/status', packages: ['debian/ok-pkg@1.0'], notes: ['dpkg-invalid-entries'] },
  ];

  it.each(cases)('$name', async ({ file, path, packages, notes }) => {
    const r = await runCataloger(c, path, testdata(__dirname, file));
    expect(nameVersions(r)).toEqual(packages);
    expect(noteCodes(r)).toEqual(notes ?? []);
  });

  it('fills source, arch, purl and resolves dependencies within the file', async () => {
    const r = await runCataloger(c, '/var/lib/dpkg/status', testdata(__dirname, 'happy/status-multiarch'));
    const libc = r.packages.filter((p) => p.name === 'libc6');
    expect(libc.map((p) => p.purl).sort()).toEqual(['pkg:deb/debian/libc6@2.36-9+deb12u10?arch=amd64', 'pkg:deb/debian/libc6@2.36-9+deb12u10?arch=i386']);
    expect(libc[0]).toMatchObject({ sourceName: 'glibc', sourceVersion: '2.36-9+deb12u10', foundBy: 'dpkg-db', locations: [{ path: '/var/lib/dpkg/status' }] });
    const gcc = r.packages.find((p) => p.name === 'libgcc-s1')!;
    expect(gcc).toMatchObject({ sourceName: 'gcc-12', sourceVersion: '12.2.0-14+deb12u1', arch: 'amd64', metadata: { multiArch: 'same' } });
    const passwd = r.packages.find((p) => p.name === 'passwd')!;
    expect(passwd.purl).toBe('pkg:deb/debian/passwd@1:4.13+dfsg1-1+b1?arch=amd64');
    expect(passwd.sourceName).toBe('shadow');
    expect(passwd.metadata?.dependsOn).toEqual(['pkg:deb/debian/libc6@2.36-9+deb12u10?arch=amd64', 'pkg:deb/debian/libgcc-s1@12.2.0-14+deb12u1?arch=amd64']);
  });

  it('binary garbage gives a note, not a crash', async () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 0xff;
    const r = await runCataloger(c, '/var/lib/dpkg/status', junk);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['dpkg-unreadable']);
  });

  it('a huge description field is handled and does not leak into the package', async () => {
    const text = `Package: huge\nStatus: install ok installed\nVersion: 1.0\nDescription: x\n ${'A'.repeat(3_000_000)}\n\nPackage: after\nStatus: install ok installed\nVersion: 2.0\n`;
    const r = await runCataloger(c, '/var/lib/dpkg/status', text);
    expect(nameVersions(r)).toEqual(['debian/after@2.0', 'debian/huge@1.0']);
    expect(JSON.stringify(r).length).toBeLessThan(5000);
  });

  it('an empty status file says so', async () => {
    const r = await runCataloger(c, '/var/lib/dpkg/status', '');
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['dpkg-empty']);
  });

  it.each([
    [undefined, 'bash', '5.2-1', 'bash', '5.2-1'],
    ['glibc', 'libc6', '2.36-9', 'glibc', '2.36-9'],
    ['bash (5.2.15-2)', 'bash', '5.2.15-2+b8', 'bash', '5.2.15-2'],
    ['gcc-12 (12.2.0-14+deb12u1)', 'libgcc-s1', '12.2.0-14+deb12u1', 'gcc-12', '12.2.0-14+deb12u1'],
    ['garbage ((', 'x', '1', 'x', '1'],
  ])('parseSource(%s)', (field, name, version, sn, sv) => {
    expect(parseSource(field, name, version)).toEqual({ sourceName: sn, sourceVersion: sv });
  });
});
