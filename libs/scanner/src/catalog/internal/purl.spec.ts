import { describe, expect, it } from 'vitest';
import type { Package } from '../../model';
import { buildPurl, withDistro } from './purl';

const base = (type: Package['type'], purl: string, namespace?: string): Package => ({ type, name: 'x', version: '1', purl, namespace, licenses: [], foundBy: 't', locations: [] });

describe('purl helpers', () => {
  it('builds canonical purls and never throws', () => {
    expect(buildPurl('npm', '@scope', 'name', '1.0.0')).toBe('pkg:npm/%40scope/name@1.0.0');
    expect(buildPurl('deb', 'debian', 'libc6', '2.36-9+deb12u4', { arch: 'amd64', distro: undefined })).toBe('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64');
    expect(buildPurl('npm', undefined, '', '1')).toBe('pkg:npm/@1');
  });

  it('adds the distro once the OS is known', () => {
    const deb = withDistro(base('deb', 'pkg:deb/debian/x@1?arch=amd64', 'debian'), { id: 'debian', versionId: '12', idLike: [] });
    expect(deb.purl).toBe('pkg:deb/debian/x@1?arch=amd64&distro=debian-12');
    const apk = withDistro(base('apk', 'pkg:apk/alpine/x@1?arch=x86_64', 'alpine'), { id: 'wolfi', idLike: [] });
    expect(apk).toMatchObject({ purl: 'pkg:apk/wolfi/x@1?arch=x86_64&distro=wolfi', namespace: 'wolfi' });
    const npm = base('npm', 'pkg:npm/x@1');
    expect(withDistro(npm, { id: 'debian', idLike: [] })).toBe(npm);
  });
});
