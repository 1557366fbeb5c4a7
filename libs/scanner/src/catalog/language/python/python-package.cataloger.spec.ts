import { describe, expect, it } from 'vitest';
import { noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { normalizePythonName, PythonPackageCataloger } from './python-package.cataloger';

const c = new PythonPackageCataloger();
const SP = '/usr/lib/python3/dist-packages';

describe('python-package cataloger', () => {
  it.each([
    [`${SP}/PyYAML-6.0.dist-info/METADATA`, true],
    [`${SP}/zope.interface-5.5.2.egg-info/PKG-INFO`, true],
    [`${SP}/six-1.16.0.egg-info`, true],
    [`${SP}/PyYAML-6.0.dist-info/RECORD`, false],
    [`${SP}/yaml/__init__.py`, false],
  ])('required(%s) = %s', (path, want) => {
    expect(c.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it.each([
    { file: 'happy/PyYAML.METADATA', path: `${SP}/PyYAML-6.0.dist-info/METADATA`, want: { name: 'pyyaml', version: '6.0', licenses: ['MIT'], purl: 'pkg:pypi/pyyaml@6.0', metadata: { declaredName: 'PyYAML' } } },
    { file: 'happy/zope_interface.PKG-INFO', path: `${SP}/zope.interface-5.5.2.egg-info/PKG-INFO`, want: { name: 'zope-interface', version: '5.5.2', licenses: ['ZPL-2.1'] } },
    { file: 'happy/zope_interface.PKG-INFO', path: `${SP}/zope.interface-5.5.2.egg-info`, want: { name: 'zope-interface', version: '5.5.2' } },
    { file: 'happy/pep639.METADATA', path: `${SP}/x.dist-info/METADATA`, want: { name: 'some-package-name', version: '2.0.0rc1', licenses: ['MIT OR Apache-2.0'] } },
    { file: 'happy/classifiers-only.METADATA', path: `${SP}/requests-2.31.0.dist-info/METADATA`, want: { name: 'requests', licenses: ['Apache-2.0'] } },
  ])('$file at $path', async ({ file, path, want }) => {
    const r = await runCataloger(c, path, testdata(__dirname, file));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({ ...want, type: 'pypi', foundBy: 'python-package', locations: [{ path }] });
  });

  it.each([
    ['sad/empty-name.METADATA'],
    ['sad/bad-version.METADATA'],
  ])('%s is rejected with a note', async (file) => {
    const r = await runCataloger(c, `${SP}/x.dist-info/METADATA`, testdata(__dirname, file));
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(['python-metadata-invalid']);
  });

  it('binary, empty and huge inputs', async () => {
    expect(noteCodes(await runCataloger(c, `${SP}/x.dist-info/METADATA`, Buffer.from([0x50, 0x4b, 3, 4, 0, 0])))).toEqual(['python-metadata-unreadable']);
    expect(noteCodes(await runCataloger(c, `${SP}/x.dist-info/METADATA`, ''))).toEqual(['python-metadata-invalid']);
    const huge = `Name: big\nVersion: 1\nLicense: ${'x'.repeat(1_000_000)}\n\n${'body '.repeat(100_000)}`;
    const r = await runCataloger(c, `${SP}/x.dist-info/METADATA`, huge);
    expect(r.packages[0]).toMatchObject({ name: 'big', licenses: [] });
  });

  it.each([
    ['PyYAML', 'pyyaml'],
    ['zope.interface', 'zope-interface'],
    ['Foo__Bar-.baz', 'foo-bar-baz'],
  ])('normalizePythonName(%s) = %s', (a, b) => {
    expect(normalizePythonName(a)).toBe(b);
  });
});
