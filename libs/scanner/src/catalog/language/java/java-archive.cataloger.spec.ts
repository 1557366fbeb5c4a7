import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildZip, type ZipInput } from '../../../../test/catalog-fixtures/builders/zip.builder';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { JavaArchiveCataloger, MAX_NESTING, parseArchiveFileName, parseManifest, parseProperties, pomLicenses } from './java-archive.cataloger';

const c = new JavaArchiveCataloger();
const td = (f: string): Buffer => testdata(__dirname, f);

const lang3: ZipInput[] = [
  { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' },
  { name: 'META-INF/maven/org.apache.commons/commons-lang3/pom.properties', data: td('happy/pom.properties') },
  { name: 'META-INF/maven/org.apache.commons/commons-lang3/pom.xml', data: td('happy/pom.xml') },
  { name: 'org/apache/commons/lang3/StringUtils.class', data: Buffer.alloc(2000, 1) },
];

describe('java-archive cataloger', () => {
  it.each([
    ['/usr/share/java/commons-lang3.jar', true],
    ['/srv/app.WAR', true],
    ['/srv/app.ear', true],
    ['/var/jenkins_home/plugins/git.jpi', true],
    ['/srv/app.zip', false],
    ['/srv/jar', false],
  ])('required(%s) = %s', (path, want) => {
    expect(c.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it('pom.properties, with licenses from the pom.xml beside it', async () => {
    const r = await runCataloger(c, '/usr/share/java/commons-lang3.jar', buildZip(lang3));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      type: 'maven', namespace: 'org.apache.commons', name: 'commons-lang3', version: '3.12.0', licenses: ['Apache-2.0'],
      purl: 'pkg:maven/org.apache.commons/commons-lang3@3.12.0', metadata: { source: 'pom.properties' },
    });
    expect(r.packages[0].metadata?.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(r.notes).toBeUndefined();
  });

  it.each([
    {
      name: 'manifest only: file name gives the artifact, manifest the version and group',
      path: '/opt/widgets-4.1.0.jar',
      entries: [{ name: 'META-INF/MANIFEST.MF', data: td('happy/MANIFEST.MF') }],
      want: { namespace: 'org.example', name: 'widgets', version: '4.1.0', licenses: ['Apache-2.0'], metadata: { source: 'manifest', bundleSymbolicName: 'org.example.widgets' } },
    },
    {
      name: 'manifest without a versioned file name uses Implementation-Title',
      path: '/opt/widgets.jar',
      entries: [{ name: 'META-INF/MANIFEST.MF', data: 'Implementation-Title: widgets-core\nImplementation-Version: 2.0\n' }],
      want: { name: 'widgets-core', version: '2.0', metadata: { source: 'manifest' } },
    },
    {
      name: 'nothing but the file name',
      path: '/opt/lib/guava-32.1.2-jre.jar',
      entries: [{ name: 'com/google/Foo.class', data: 'x' }],
      want: { name: 'guava', version: '32.1.2-jre', metadata: { source: 'file-name' } },
    },
  ])('$name', async ({ path, entries, want }) => {
    const r = await runCataloger(c, path, buildZip(entries));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject(want);
  });

  it('shaded jars report every embedded pom.properties', async () => {
    const zip = buildZip([
      ...lang3,
      { name: 'META-INF/maven/com.google.guava/guava/pom.properties', data: 'groupId=com.google.guava\nartifactId=guava\nversion=32.1.2-jre\n' },
    ]);
    expect(nameVersions(await runCataloger(c, '/app/fat.jar', zip))).toEqual(['com.google.guava/guava@32.1.2-jre', 'org.apache.commons/commons-lang3@3.12.0']);
  });

  it('WAR in EAR with nested JARs, with virtual paths', async () => {
    const jar = buildZip(lang3);
    const war = buildZip([
      { name: 'WEB-INF/web.xml', data: '<web-app/>' },
      { name: 'WEB-INF/lib/commons-lang3-3.12.0.jar', data: jar, store: true },
      { name: 'WEB-INF/lib/plain-1.0.jar', data: buildZip([{ name: 'a.class', data: 'x' }]) },
      { name: 'META-INF/maven/com.example/shop/pom.properties', data: 'groupId=com.example\nartifactId=shop\nversion=7.0\n' },
    ]);
    const ear = buildZip([{ name: 'shop.war', data: war }, { name: 'META-INF/application.xml', data: '<application/>' }]);
    const r = await runCataloger(c, '/srv/shop.ear', ear);
    expect(nameVersions(r)).toEqual(['com.example/shop@7.0', 'org.apache.commons/commons-lang3@3.12.0', 'plain@1.0']);
    const inner = r.packages.find((p) => p.name === 'commons-lang3')!;
    expect(inner.metadata?.virtualPath).toBe('/srv/shop.ear!/shop.war!/WEB-INF/lib/commons-lang3-3.12.0.jar');
    expect(inner.locations).toEqual([{ path: '/srv/shop.ear', layerDigest: expect.any(String) }]);
    // The EAR itself has no identity (no pom, no manifest version, no version in the name).
    expect(r.packages.some((p) => p.name === 'shop' && p.version !== '7.0')).toBe(false);
  });

  it('a launcher script prepended to the jar is tolerated', async () => {
    const r = await runCataloger(c, '/app/app.jar', buildZip(lang3, { prefix: Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n') }));
    expect(nameVersions(r)).toEqual(['org.apache.commons/commons-lang3@3.12.0']);
  });

  it('nesting deeper than the limit is not opened', async () => {
    let z = buildZip(lang3);
    for (let i = 0; i <= MAX_NESTING; i++) z = buildZip([{ name: `level${i}.jar`, data: z }]);
    const r = await runCataloger(c, '/app/deep.jar', z);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['java-nesting-limit']);
  });

  it('a zip bomb (tiny entry inflating to 300 MiB) is refused', async () => {
    const r = await runCataloger(c, '/app/bomb.jar', buildBomb(300 * 1024 * 1024));
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toContain('java-archive-limit');
  });

  it('an entry that inflates past its declared size is refused', async () => {
    const z = buildZip([{ name: 'META-INF/maven/a/b/pom.properties', data: 'groupId=a\nartifactId=b\nversion=1\n'.repeat(50), declaredSize: 20 }]);
    const r = await runCataloger(c, '/app/lie.jar', z);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toContain('java-unreadable-entry');
  });

  it.each([
    ['garbage', Buffer.from('definitely not a zip file, just some text that is long enough')],
    ['empty', Buffer.alloc(0)],
    ['truncated', buildZip(lang3).subarray(0, 300)],
  ])('%s archive gives a note', async (_n, content) => {
    const r = await runCataloger(c, '/app/x.jar', content);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['java-invalid-archive']);
  });

  it('invalid pom.properties falls back to the file name', async () => {
    const z = buildZip([{ name: 'META-INF/maven/org.x/y/pom.properties', data: td('sad/pom-missing-artifact.properties') }]);
    const r = await runCataloger(c, '/app/y-1.2.jar', z);
    expect(nameVersions(r)).toEqual(['y@1.2']);
    expect(noteCodes(r)).toEqual(['java-pom-properties-invalid']);
  });

  it('parsers', () => {
    expect(parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd\\=e=4\n')).toEqual({ a: '1', b: '2', c: '3', 'd=e': '4' });
    expect(parseManifest(td('happy/MANIFEST.MF').toString().replace(/\r/g, ''))).toMatchObject({ 'Bundle-Version': '4.1.0', 'Bundle-License': 'https://www.apache.org/licenses/LICENSE-2.0.txt' });
    expect(parseManifest('A: 1\n\nName: x\nA: 2\n')).toEqual({ A: '1' });
    expect(parseArchiveFileName('spring-core-6.1.2.jar')).toEqual({ name: 'spring-core', version: '6.1.2' });
    expect(parseArchiveFileName('app.war')).toEqual({ name: 'app' });
    expect(pomLicenses(td('happy/pom.xml').toString())).toEqual(['Apache License, Version 2.0']);
    expect(pomLicenses('<project/>')).toEqual([]);
  });
});

/** A zip whose one deflated entry declares (truthfully) a huge inflated size, built without allocating it twice. */
function buildBomb(size: number): Buffer {
  const body = deflateRawSync(Buffer.alloc(size), { level: 9 });
  const name = Buffer.from('lib/bomb.jar');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = 30 + name.length + body.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, body, central, name, eocd]);
}
