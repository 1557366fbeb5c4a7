import { describe, expect, it } from 'vitest';
import { noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { OsReleaseCataloger, osReleasePriority, parseOsReleaseFile } from './os-release.cataloger';

const c = new OsReleaseCataloger();

describe('os-release cataloger', () => {
  it.each([
    { path: '/etc/os-release', file: 'happy/debian-12.os-release', os: { id: 'debian', versionId: '12', versionCodename: 'bookworm', idLike: [] } },
    { path: '/usr/lib/os-release', file: 'happy/alpine.os-release', os: { id: 'alpine', versionId: '3.19.1', prettyName: 'Alpine Linux v3.19', idLike: [] } },
    { path: '/etc/os-release', file: 'happy/ubi9.os-release', os: { id: 'rhel', versionId: '9.3', idLike: ['fedora'], prettyName: 'Red Hat Enterprise Linux 9.3 (Plow)' } },
    { path: '/etc/lsb-release', file: 'happy/ubuntu.lsb-release', os: { id: 'ubuntu', versionId: '22.04', versionCodename: 'jammy' } },
  ])('$path from $file', async ({ path, file, os }) => {
    const r = await runCataloger(c, path, testdata(__dirname, file));
    expect(r.os).toMatchObject(os);
    expect(r.packages).toEqual([]);
  });

  it.each([
    ['/etc/alpine-release', '3.18.4\n', { id: 'alpine', versionId: '3.18.4' }],
    ['/etc/debian_version', '12.5\n', { id: 'debian', versionId: '12' }],
    ['/etc/debian_version', 'trixie/sid\n', { id: 'debian', versionCodename: 'trixie' }],
    ['/etc/redhat-release', 'Red Hat Enterprise Linux release 8.9 (Ootpa)\n', { id: 'rhel', versionId: '8.9' }],
    ['/etc/redhat-release', 'CentOS Linux release 7.9.2009 (Core)\n', { id: 'centos', versionId: '7.9.2009' }],
    ['/etc/centos-release', 'CentOS Stream release 9\n', { id: 'centos', versionId: '9' }],
    ['/etc/redhat-release', 'Rocky Linux release 9.3 (Blue Onyx)\n', { id: 'rocky', versionId: '9.3' }],
    ['/etc/redhat-release', 'AlmaLinux release 9.3 (Shamrock Pampas Cat)\n', { id: 'almalinux', versionId: '9.3' }],
    ['/etc/fedora-release', 'Fedora release 39 (Thirty Nine)\n', { id: 'fedora', versionId: '39' }],
    ['/etc/system-release', 'Amazon Linux release 2023 (Amazon Linux)\n', { id: 'amzn', versionId: '2023' }],
  ])('%s containing %j', async (path, text, os) => {
    const r = await runCataloger(c, path, text);
    expect(r.os).toMatchObject(os);
  });

  it.each([
    ['/etc/os-release', testdata(__dirname, 'sad/no-id.os-release'), 'os-release-unrecognised'],
    ['/etc/redhat-release', Buffer.from('Something else entirely\n'), 'os-release-unrecognised'],
    ['/etc/alpine-release', Buffer.from('not a version'), 'os-release-unrecognised'],
    ['/etc/os-release', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]), 'os-release-unreadable'],
  ])('%s with bad content gives a note', async (path, content, code) => {
    const r = await runCataloger(c, path, content);
    expect(r.os).toBeUndefined();
    expect(noteCodes(r)).toEqual([code]);
  });

  it('symlinks are not read (their target is), unknown files are not wanted', () => {
    expect(c.required({ path: '/etc/os-release', type: 'symlink', size: 0, mode: 0o777, linkTarget: '../usr/lib/os-release' })).toBe(false);
    expect(c.required({ path: '/etc/os-release.bak', type: 'file', size: 1, mode: 0o644 })).toBe(false);
  });

  it('priority prefers /etc/os-release over the fallbacks', () => {
    expect(osReleasePriority('/etc/os-release')).toBeLessThan(osReleasePriority('/usr/lib/os-release')!);
    expect(osReleasePriority('/usr/lib/os-release')).toBeLessThan(osReleasePriority('/etc/debian_version')!);
    expect(osReleasePriority('/etc/passwd')).toBeUndefined();
  });

  it('parses quoting and escapes like a shell', () => {
    expect(parseOsReleaseFile('A="x \\"y\\" \\$z"\nB=\'single\'\nC=bare\n#D=no\nbad line\n')).toEqual({ A: 'x "y" $z', B: 'single', C: 'bare' });
  });

  it('clips huge values', async () => {
    const r = await runCataloger(c, '/etc/os-release', `ID=x\nPRETTY_NAME="${'A'.repeat(60_000)}"\n`);
    expect(r.os?.prettyName?.length).toBe(512);
  });
});
