import { describe, expect, it } from 'vitest';
import type { Package } from '../model';
import { cycloneDxValidator, errorsOf, spdxValidator } from '../../test/catalog-fixtures/sbom-validators';
import { cycloneDxJson, toCycloneDx } from './cyclonedx.writer';
import { readSbom } from './sbom.reader';
import type { SbomInput } from './sbom-input';
import { SbomError } from './sbom.error';
import { spdxJson, toSpdx } from './spdx.writer';

const L0 = 'sha256:' + 'a'.repeat(64);
const L1 = 'sha256:' + 'b'.repeat(64);

function pkg(p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version' | 'purl'>): Package {
  return { licenses: [], foundBy: 'test', locations: [{ path: '/x', layerDigest: L0 }], ...p };
}

const packages: Package[] = [
  pkg({
    type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u4', purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64', arch: 'amd64',
    sourceName: 'glibc', sourceVersion: '2.36-9+deb12u4', licenses: ['LGPL-2.1-or-later', 'GPL-2.0-only'], foundBy: 'dpkg-db',
    locations: [{ path: '/var/lib/dpkg/status', layerDigest: L0 }], layerDigest: L0,
  }),
  pkg({
    type: 'deb', namespace: 'debian', name: 'bash', version: '5.2.15-2+b2', purl: 'pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64', foundBy: 'dpkg-db',
    locations: [{ path: '/var/lib/dpkg/status', layerDigest: L0 }], layerDigest: L0, metadata: { dependsOn: ['pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64', 'pkg:deb/debian/not-there@1'] },
  }),
  pkg({
    type: 'npm', namespace: '@babel', name: 'core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0', licenses: ['MIT OR Apache-2.0'], foundBy: 'npm-lock',
    locations: [{ path: '/app/package-lock.json', layerDigest: L1 }], layerDigest: L1, metadata: { dev: true, dependsOn: ['pkg:npm/lodash@4.17.21'] },
  }),
  pkg({ type: 'npm', name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21', licenses: ['MIT'], foundBy: 'npm-lock', locations: [{ path: '/app/package-lock.json', layerDigest: L1 }], layerDigest: L1 }),
  // The same package proved a second time by node_modules: one component, two occurrences.
  pkg({ type: 'npm', name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21', licenses: ['MIT'], foundBy: 'npm-package', locations: [{ path: '/app/node_modules/lodash/package.json', layerDigest: L1 }], layerDigest: L1 }),
  pkg({ type: 'pypi', name: 'weird', version: '1.0', purl: 'pkg:pypi/weird@1.0', licenses: ['BSD License', 'MIT'], locations: [{ path: '/usr/lib/python3/weird-1.0.dist-info/METADATA', layerDigest: L1 }] }),
  pkg({ type: 'rpm', namespace: 'fedora', name: 'openssl-libs', version: '1:3.0.9-2.fc38', purl: 'pkg:rpm/fedora/openssl-libs@3.0.9-2.fc38?arch=x86_64&epoch=1', licenses: ['Apache-2.0'], sourceName: 'openssl', sourceVersion: '1:3.0.9-2.fc38', layerDigest: L0 }),
  pkg({ type: 'golang', namespace: 'github.com/spf13', name: 'cobra', version: 'v1.8.0', purl: 'pkg:golang/github.com/spf13/cobra@v1.8.0', licenses: ['LicenseRef-Custom'] }),
];

const input: SbomInput = {
  image: {
    name: 'registry.example:5000/team/app:1.2',
    repository: 'registry.example:5000/team/app',
    tag: '1.2',
    manifestDigest: 'sha256:' + 'c'.repeat(64),
    configDigest: 'sha256:' + 'd'.repeat(64),
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [
      { digest: L0, diffId: 'sha256:' + '1'.repeat(64), index: 0, createdBy: 'debootstrap' },
      { digest: L1, diffId: 'sha256:' + '2'.repeat(64), index: 1 },
    ],
  },
  os: { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [] },
  packages,
  tool: { name: 'lazaret', version: '0.1.0', vendor: 'Lazaret' },
  timestamp: new Date('2026-01-02T03:04:05.678Z'),
};

describe('CycloneDX 1.6 writer', () => {
  it('validates against the official schema', () => {
    const v = cycloneDxValidator();
    const bom = JSON.parse(cycloneDxJson(input));
    expect(v(bom), errorsOf(v)).toBe(true);
  });

  it('the validator is real: it rejects a broken document', () => {
    const v = cycloneDxValidator();
    const bom = toCycloneDx(input) as unknown as Record<string, unknown>;
    expect(v({ ...bom, serialNumber: 'not-a-urn' })).toBe(false);
    expect(v({ ...bom, components: [{ name: 'x' }] })).toBe(false);
    expect(v({ ...bom, components: [{ type: 'library', name: 'x', licenses: [{ license: { id: 'Not-An-SPDX-Id' } }] }] })).toBe(false);
  });

  it('is deterministic and ignores package order', () => {
    const a = cycloneDxJson(input);
    const b = cycloneDxJson({ ...input, packages: [...packages].reverse() });
    expect(b).toBe(a);
    expect(JSON.parse(a).serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cycloneDxJson({ ...input, tool: { ...input.tool, version: '0.2.0' } })).not.toBe(a);
  });

  it('records image identity, layers, OS, tool, licenses, layer attribution and dependencies', () => {
    const bom = toCycloneDx(input);
    expect(bom.metadata.component.type).toBe('container');
    expect(bom.metadata.component.purl).toBe('pkg:oci/app@sha256:' + 'c'.repeat(64) + '?arch=amd64&repository_url=registry.example%3A5000%2Fteam%2Fapp&tag=1.2');
    expect(bom.metadata.component.hashes).toEqual([{ alg: 'SHA-256', content: 'c'.repeat(64) }]);
    const props = bom.metadata.component.properties!.filter((p) => p.name === 'lazaret:image:layer').map((p) => p.value);
    expect(props).toEqual([`0 ${L0} sha256:${'1'.repeat(64)}`, `1 ${L1} sha256:${'2'.repeat(64)}`]);
    expect(bom.metadata.tools.components[0]).toMatchObject({ name: 'lazaret', version: '0.1.0' });
    expect(bom.metadata.timestamp).toBe('2026-01-02T03:04:05Z');
    expect(bom.components[0]).toMatchObject({ type: 'operating-system', name: 'debian', version: '12' });

    const byPurl = new Map(bom.components.map((c) => [c.purl, c]));
    expect(bom.components.filter((c) => c.purl === 'pkg:npm/lodash@4.17.21')).toHaveLength(1);
    expect(byPurl.get('pkg:npm/lodash@4.17.21')!.evidence!.occurrences.map((o) => o.location)).toEqual(['/app/node_modules/lodash/package.json', '/app/package-lock.json']);
    expect(byPurl.get('pkg:npm/%40babel/core@7.24.0')!.licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(byPurl.get('pkg:npm/%40babel/core@7.24.0')!.group).toBe('@babel');
    expect(byPurl.get('pkg:pypi/weird@1.0')!.licenses).toEqual([{ license: { name: 'BSD License' } }, { license: { id: 'MIT' } }]);
    expect(byPurl.get('pkg:golang/github.com/spf13/cobra@v1.8.0')!.licenses).toEqual([{ expression: 'LicenseRef-Custom' }]);
    const libc = byPurl.get('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64')!;
    expect(libc.licenses).toEqual([{ license: { id: 'LGPL-2.1-or-later' } }, { license: { id: 'GPL-2.0-only' } }]);
    expect(libc.properties).toEqual(
      expect.arrayContaining([
        { name: 'lazaret:layer:digest', value: L0 },
        { name: 'lazaret:layer:index', value: '0' },
        { name: 'lazaret:package:sourceName', value: 'glibc' },
      ]),
    );

    const deps = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn]));
    expect(deps.get('pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64')).toEqual(['pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64']);
    expect(deps.get('os:debian@12')).toContain('pkg:rpm/fedora/openssl-libs@3.0.9-2.fc38?arch=x86_64&epoch=1');
    // Every ref in the graph exists.
    const refs = new Set([bom.metadata.component['bom-ref'], ...bom.components.map((c) => c['bom-ref'])]);
    for (const d of bom.dependencies) for (const r of [d.ref, ...d.dependsOn]) expect(refs.has(r), r).toBe(true);
  });
});

describe('SPDX 2.3 writer', () => {
  it('validates against the official schema', () => {
    const v = spdxValidator();
    const doc = JSON.parse(spdxJson(input));
    expect(v(doc), errorsOf(v)).toBe(true);
  });

  it('the validator is real: it rejects a broken document', () => {
    const v = spdxValidator();
    const doc = toSpdx(input) as unknown as Record<string, unknown>;
    const { documentNamespace: _ns, ...noNamespace } = doc;
    expect(v(noNamespace)).toBe(false);
    expect(v({ ...doc, packages: [{ SPDXID: 'SPDXRef-x', name: 'x', downloadLocation: 'NOASSERTION', primaryPackagePurpose: 'NOT-A-PURPOSE' }] })).toBe(false);
  });

  it('is deterministic, with valid ids, declared licenses and relationships', () => {
    const a = spdxJson(input);
    expect(spdxJson({ ...input, packages: [...packages].reverse() })).toBe(a);
    const doc = toSpdx(input);
    expect(doc.documentNamespace).toMatch(/^https:\/\/lazaret\.dev\/spdx\/registry.example-5000-team-app-[0-9a-f-]{36}$/);
    expect(doc.creationInfo).toEqual({ created: '2026-01-02T03:04:05Z', creators: ['Tool: lazaret-0.1.0', 'Organization: Lazaret'] });
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    const byPurl = new Map(doc.packages.map((p) => [p.externalRefs?.[0]?.referenceLocator, p]));
    expect(byPurl.get('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64')!.licenseDeclared).toBe('LGPL-2.1-or-later AND GPL-2.0-only');
    expect(byPurl.get('pkg:npm/%40babel/core@7.24.0')!.licenseDeclared).toBe('MIT OR Apache-2.0');
    expect(byPurl.get('pkg:pypi/weird@1.0')!.licenseDeclared).toBe('NOASSERTION');
    expect(byPurl.get('pkg:pypi/weird@1.0')!.licenseComments).toBe('declared: BSD License; MIT');
    expect(byPurl.get('pkg:npm/lodash@4.17.21')!.annotations!.map((x) => x.comment)).toContain(`lazaret:layer:digest=${L1}`);
    const root = doc.packages[0];
    expect(root.primaryPackagePurpose).toBe('CONTAINER');
    expect(root.checksums).toEqual([{ algorithm: 'SHA256', checksumValue: 'c'.repeat(64) }]);
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: root.SPDXID, relationshipType: 'DESCRIBES' });
    const bash = byPurl.get('pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64')!.SPDXID;
    const libc = byPurl.get('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64')!.SPDXID;
    expect(doc.relationships).toContainEqual({ spdxElementId: bash, relatedSpdxElement: libc, relationshipType: 'DEPENDS_ON' });
    const osId = doc.packages.find((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM')!.SPDXID;
    expect(doc.relationships).toContainEqual({ spdxElementId: osId, relatedSpdxElement: libc, relationshipType: 'CONTAINS' });
  });
});

describe('SBOM reader', () => {
  const expected = (p: Package[]): string[] => [...new Set(p.map((x) => `${x.purl}|${x.version}`))].sort();

  it.each([
    ['CycloneDX', cycloneDxJson],
    ['SPDX', spdxJson],
  ])('reads our own %s back into the same packages', (_name, write) => {
    const read = readSbom(write(input));
    expect(read.packages.map((x) => `${x.purl}|${x.version}`).sort()).toEqual(expected(packages));
    expect(read.os).toMatchObject({ id: 'debian', versionId: '12' });
    const libc = read.packages.find((x) => x.name === 'libc6')!;
    expect(libc).toMatchObject({ type: 'deb', namespace: 'debian', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u4', arch: 'amd64', layerDigest: L0 });
    expect(libc.licenses).toEqual(read.format === 'spdx' ? ['LGPL-2.1-or-later AND GPL-2.0-only'] : ['LGPL-2.1-or-later', 'GPL-2.0-only']);
    expect(libc.locations).toEqual([{ path: '/var/lib/dpkg/status', layerDigest: L0 }]);
    const rpm = read.packages.find((x) => x.type === 'rpm')!;
    expect(rpm.version).toBe('1:3.0.9-2.fc38');
    const bash = read.packages.find((x) => x.name === 'bash')!;
    expect(bash.metadata?.dependsOn).toEqual(['pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64']);
  });

  it('reads third-party CycloneDX (nested components, Trivy properties, unsupported types)', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'operating-system', name: 'alpine', version: '3.19.1' },
        {
          type: 'library', name: 'musl', version: '1.2.4-r2', purl: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1',
          licenses: [{ license: { id: 'MIT' } }],
          properties: [{ name: 'aquasecurity:trivy:SrcName', value: 'musl' }, { name: 'aquasecurity:trivy:SrcVersion', value: '1.2.4-r2' }, { name: 'aquasecurity:trivy:LayerDigest', value: L0 }],
          components: [{ type: 'library', name: 'inner', version: '1', purl: 'pkg:npm/inner@1.0.0' }],
        },
        { type: 'library', name: 'nopurl', version: '1' },
        { type: 'library', name: 'x', version: '1', purl: 'pkg:nuget/x@1' },
        { type: 'library', name: 'y', version: '1', purl: 'pkg:npm/y' },
      ],
    };
    const read = readSbom(JSON.stringify(bom));
    expect(read.os).toMatchObject({ id: 'alpine', versionId: '3.19.1' });
    expect(read.packages.map((p) => p.purl)).toEqual(['pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1', 'pkg:npm/inner@1.0.0']);
    expect(read.packages[0]).toMatchObject({ sourceName: 'musl', sourceVersion: '1.2.4-r2', layerDigest: L0, licenses: ['MIT'], arch: 'x86_64' });
    expect(read.notes.map((n) => n.code).sort()).toEqual(['sbom-no-purl', 'sbom-no-version', 'sbom-unsupported-type']);
  });

  it.each([
    ['not json', '{', 'invalid-json'],
    ['array', '[]', 'unknown-format'],
    ['neither format', '{"foo":1}', 'unknown-format'],
    ['old CycloneDX', '{"bomFormat":"CycloneDX","specVersion":"1.1"}', 'unsupported-version'],
    ['SPDX 3', '{"spdxVersion":"SPDX-3.0","packages":[]}', 'unsupported-version'],
    ['SPDX without packages', '{"spdxVersion":"SPDX-2.3"}', 'invalid-document'],
  ])('rejects %s with a clear error', (_n, text, code) => {
    try {
      readSbom(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SbomError);
      expect((err as SbomError).code).toBe(code);
    }
  });
});
