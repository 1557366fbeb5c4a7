import { describe, expect, it } from 'vitest';
import { buildRpmdbSqlite, rpmHeaderBlob, type RpmTagValue } from '../../../../test/catalog-fixtures/builders/rpmdb.builder';
import { nameVersions, noteCodes, runCataloger } from '../../../../test/catalog-fixtures/harness';
import { parseRpmHeader, RPMTAG } from './rpm-header.parser';
import { parseSourceRpm, RpmCataloger } from './rpm.cataloger';

const c = new RpmCataloger();
const DB = '/usr/lib/sysimage/rpm/rpmdb.sqlite';

function header(name: string, version: string, release: string, extra: RpmTagValue[] = []): Buffer {
  return rpmHeaderBlob([
    // rpm stores an immutable-region marker first; the parser must skip tags it does not know.
    { tag: 63, type: 'string', value: 'region' },
    { tag: RPMTAG.NAME, type: 'string', value: name },
    { tag: RPMTAG.VERSION, type: 'string', value: version },
    { tag: RPMTAG.RELEASE, type: 'string', value: release },
    { tag: RPMTAG.SUMMARY, type: 'i18n', value: 'summary' },
    ...extra,
  ]);
}

describe('rpm cataloger', () => {
  it.each([
    ['/var/lib/rpm/rpmdb.sqlite', true],
    ['/usr/lib/sysimage/rpm/rpmdb.sqlite', true],
    ['/var/lib/rpm/Packages', true],
    ['/usr/lib/sysimage/rpm/Packages.db', true],
    ['/var/lib/rpm/rpmdb.sqlite-shm', false],
    ['/home/x/rpmdb.sqlite', false],
  ])('required(%s) = %s', (path, want) => {
    expect(c.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it('reads headers from an sqlite rpmdb', async () => {
    const db = await buildRpmdbSqlite([
      header('bash', '5.2.26', '1.fc40', [
        { tag: RPMTAG.ARCH, type: 'string', value: 'x86_64' },
        { tag: RPMTAG.LICENSE, type: 'string', value: 'GPL-3.0-or-later' },
        { tag: RPMTAG.SOURCERPM, type: 'string', value: 'bash-5.2.26-1.fc40.src.rpm' },
        { tag: RPMTAG.VENDOR, type: 'string', value: 'Fedora Project' },
      ]),
      header('openssl-libs', '3.2.1', '2.fc40', [
        { tag: RPMTAG.EPOCH, type: 'int32', value: 1 },
        { tag: RPMTAG.ARCH, type: 'string', value: 'x86_64' },
        { tag: RPMTAG.LICENSE, type: 'string', value: 'ASL 2.0' },
        { tag: RPMTAG.SOURCERPM, type: 'string', value: 'openssl-3.2.1-2.fc40.src.rpm' },
      ]),
      header('gpg-pubkey', '18b8e74c', '62f2920f'),
      header('tzdata', '2024a', '5.fc40', [{ tag: RPMTAG.ARCH, type: 'string', value: 'noarch' }, { tag: RPMTAG.LICENSE, type: 'string', value: 'Public Domain' }]),
    ]);
    const r = await runCataloger(c, DB, db);
    expect(nameVersions(r)).toEqual(['fedora/bash@5.2.26-1.fc40', 'openssl-libs@1:3.2.1-2.fc40', 'tzdata@2024a-5.fc40']);
    const ssl = r.packages.find((p) => p.name === 'openssl-libs')!;
    expect(ssl).toMatchObject({ purl: 'pkg:rpm/openssl-libs@3.2.1-2.fc40?arch=x86_64&epoch=1', sourceName: 'openssl', sourceVersion: '1:3.2.1-2.fc40', licenses: ['Apache-2.0'], arch: 'x86_64', metadata: { epoch: 1 } });
    const bash = r.packages.find((p) => p.name === 'bash')!;
    expect(bash).toMatchObject({ purl: 'pkg:rpm/fedora/bash@5.2.26-1.fc40?arch=x86_64', licenses: ['GPL-3.0-or-later'], sourceName: 'bash', sourceVersion: '5.2.26-1.fc40' });
    expect(r.packages.find((p) => p.name === 'tzdata')!.licenses).toEqual(['Public Domain']);
    expect(r.notes).toBeUndefined();
  });

  it('a damaged header is reported, the others are still read', async () => {
    const good = header('ok', '1', '1');
    const truncated = good.subarray(0, good.length - 5);
    const lying = Buffer.from(good);
    lying.writeUInt32BE(0xffff, 0);
    const db = await buildRpmdbSqlite([good, truncated, lying, Buffer.alloc(3), rpmHeaderBlob([{ tag: RPMTAG.SUMMARY, type: 'string', value: 'no name' }])]);
    const r = await runCataloger(c, DB, db);
    expect(nameVersions(r)).toEqual(['ok@1-1']);
    expect(noteCodes(r)).toEqual(['rpmdb-bad-header', 'rpmdb-bad-header', 'rpmdb-bad-header', 'rpmdb-bad-header']);
  });

  it.each([
    ['garbage bytes', Buffer.from('this is not a database at all, not even close........')],
    ['truncated sqlite', Buffer.from('SQLite format 3\0' + 'x'.repeat(200))],
  ])('%s gives an unreadable note', async (_n, content) => {
    const r = await runCataloger(c, DB, content);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['rpmdb-unreadable']);
  });

  it('an sqlite file without the Packages table gives an unreadable note', async () => {
    const r = await runCataloger(c, DB, await buildRpmdbSqlite([header('x', '1', '1')], { table: 'Other' }));
    expect(noteCodes(r)).toEqual(['rpmdb-unreadable']);
    expect(r.notes![0].message).toMatch(/no such table: Packages/);
  });

  it('BerkeleyDB and NDB databases are reported as unsupported, clearly', async () => {
    const bdb = Buffer.alloc(4096);
    bdb.writeUInt32LE(0x00061561, 12);
    const r1 = await runCataloger(c, '/var/lib/rpm/Packages', bdb);
    expect(noteCodes(r1)).toEqual(['rpmdb-bdb-unsupported']);
    expect(r1.notes![0]).toMatchObject({ level: 'warning' });
    expect(r1.notes![0].message).toMatch(/NOT listed/);
    const ndb = Buffer.concat([Buffer.from('RpmP'), Buffer.alloc(60)]);
    expect(noteCodes(await runCataloger(c, '/usr/lib/sysimage/rpm/Packages.db', ndb))).toEqual(['rpmdb-ndb-unsupported']);
    expect(noteCodes(await runCataloger(c, '/var/lib/rpm/Packages', Buffer.from('hello')))).toEqual(['rpmdb-unknown-file']);
  });

  it('header parser bounds', () => {
    expect(() => parseRpmHeader(Buffer.alloc(4))).toThrow(/too short/);
    const h = Buffer.alloc(8);
    h.writeUInt32BE(0, 0);
    expect(() => parseRpmHeader(h)).toThrow(/out of range/);
    h.writeUInt32BE(1, 0);
    h.writeUInt32BE(0x7fffffff, 4);
    expect(() => parseRpmHeader(h)).toThrow(/out of range/);
    const bad = rpmHeaderBlob([{ tag: RPMTAG.NAME, type: 'string', value: 'x' }]);
    bad.writeInt32BE(1000, 16);
    expect(() => parseRpmHeader(bad)).toThrow(/outside the data store/);
  });

  it.each([
    ['bash-5.2.26-1.fc40.src.rpm', { name: 'bash', version: '5.2.26-1.fc40' }],
    ['python3.11-3.11.5-1.el9_3.src.rpm', { name: 'python3.11', version: '3.11.5-1.el9_3' }],
    ['kernel-rt-5.14.0-362.el9.nosrc.rpm', { name: 'kernel-rt', version: '5.14.0-362.el9' }],
    ['garbage', undefined],
    [undefined, undefined],
  ])('parseSourceRpm(%s)', (s, want) => {
    expect(parseSourceRpm(s)).toEqual(want);
  });
});
