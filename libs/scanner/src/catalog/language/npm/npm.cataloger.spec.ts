import { describe, expect, it } from 'vitest';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { NpmLockCataloger } from './npm-lock.cataloger';
import { NpmPackageCataloger } from './npm-package.cataloger';

const lock = new NpmLockCataloger();
const installed = new NpmPackageCataloger();

describe('npm-lock cataloger', () => {
  it.each([
    ['/app/package-lock.json', true],
    ['/app/npm-shrinkwrap.json', true],
    ['/app/node_modules/x/package-lock.json', false],
    ['/app/package.json', false],
  ])('required(%s) = %s', (path, want) => {
    expect(lock.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it.each([
    {
      file: 'happy/lock-v3.json',
      packages: ['@types/node@20.11.5', 'debug@4.3.4', 'lodash@4.17.21', 'ms@2.1.2', 'ms@2.1.3', 'string-width@4.2.3', 'undici-types@5.26.5'],
      notes: [],
    },
    { file: 'happy/lock-v1.json', packages: ['@babel/code-frame@7.23.5', 'debug@4.3.4', 'js-tokens@4.0.0', 'ms@2.1.2', 'ms@2.1.3', 'string-width@4.2.3'], notes: ['npm-lock-invalid-entries'] },
    { file: 'sad/truncated.json', packages: [], notes: ['npm-lock-invalid-json'] },
    { file: 'sad/hostile.json', packages: ['ok@1.0.0', 'self-dep@1.0.0'], notes: ['npm-lock-invalid-entries'] },
  ])('$file', async ({ file, packages, notes }) => {
    const r = await runCataloger(lock, '/app/package-lock.json', testdata(__dirname, file));
    expect(nameVersions(r)).toEqual(packages);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('resolves nested dependencies like node does and keeps dev flags (v3)', async () => {
    const r = await runCataloger(lock, '/app/package-lock.json', testdata(__dirname, 'happy/lock-v3.json'));
    const debug = r.packages.find((p) => p.name === 'debug')!;
    expect(debug.metadata?.dependsOn).toEqual(['pkg:npm/ms@2.1.2']);
    const types = r.packages.find((p) => p.name === 'node')!;
    expect(types).toMatchObject({ namespace: '@types', purl: 'pkg:npm/%40types/node@20.11.5', licenses: ['MIT'], metadata: { dev: true, dependsOn: ['pkg:npm/undici-types@5.26.5'] } });
  });

  it('resolves nested dependencies in v1 trees', async () => {
    const r = await runCataloger(lock, '/app/package-lock.json', testdata(__dirname, 'happy/lock-v1.json'));
    expect(r.packages.find((p) => p.name === 'debug')!.metadata?.dependsOn).toEqual(['pkg:npm/ms@2.1.2']);
    expect(r.packages.find((p) => p.name === 'code-frame')!.metadata).toMatchObject({ dev: true, dependsOn: ['pkg:npm/js-tokens@4.0.0'] });
  });

  it('a dependency on itself or on a missing package is ignored', async () => {
    const r = await runCataloger(lock, '/app/package-lock.json', testdata(__dirname, 'sad/hostile.json'));
    expect(r.packages.find((p) => p.name === 'self-dep')!.metadata?.dependsOn).toEqual(['pkg:npm/ok@1.0.0']);
  });

  it.each([
    ['[]', 'npm-lock-invalid'],
    ['{"lockfileVersion": 3}', 'npm-lock-invalid'],
    ['"string"', 'npm-lock-invalid'],
  ])('%s → %s', async (text, code) => {
    expect(noteCodes(await runCataloger(lock, '/app/package-lock.json', text))).toEqual([code]);
  });

  it('deeply nested v1 trees do not overflow the stack', async () => {
    let deps = '{}';
    for (let i = 0; i < 2000; i++) deps = `{"p${i}": {"version": "1.0.0", "dependencies": ${deps}}}`;
    const r = await runCataloger(lock, '/app/package-lock.json', `{"lockfileVersion":1,"dependencies":${deps}}`);
    expect(r.packages.length).toBe(257);
  });
});

describe('npm-package cataloger', () => {
  it.each([
    ['/app/node_modules/lodash/package.json', true],
    ['/app/node_modules/@scope/pkg/package.json', true],
    ['/app/node_modules/a/node_modules/b/package.json', true],
    ['/app/package.json', false],
    ['/app/node_modules/lodash/lib/package.json', false],
    ['/app/node_modules/@scope/package.json', false],
  ])('required(%s) = %s', (path, want) => {
    expect(installed.required({ path, type: 'file', size: 1, mode: 0o644 })).toBe(want);
  });

  it.each([
    { path: '/app/node_modules/@scope/pkg/package.json', file: 'happy/node_modules/@scope/pkg/package.json', want: { name: 'pkg', namespace: '@scope', version: '2.0.0-beta.1', licenses: ['MIT OR Apache-2.0'], purl: 'pkg:npm/%40scope/pkg@2.0.0-beta.1' } },
    { path: '/app/node_modules/legacy-licenses/package.json', file: 'happy/node_modules/legacy-licenses/package.json', want: { name: 'legacy-licenses', licenses: ['MIT', 'Apache-2.0'] } },
  ])('$path', async ({ path, file, want }) => {
    const r = await runCataloger(installed, path, testdata(__dirname, file));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({ ...want, foundBy: 'npm-package', locations: [{ path }] });
  });

  it.each([
    ['{"type":"module"}', 0, []],
    ['{"name":"x"}', 0, ['npm-package-invalid']],
    ['{"name":"x","version":"1.0.0"', 0, ['npm-package-invalid-json']],
    ['null', 0, ['npm-package-invalid']],
    [`{"name":"${'a'.repeat(300)}","version":"1.0.0"}`, 0, ['npm-package-invalid']],
  ])('%s → %d packages', async (text, n, notes) => {
    const r = await runCataloger(installed, '/app/node_modules/x/package.json', text);
    expect(r.packages).toHaveLength(n);
    expect(noteCodes(r)).toEqual(notes);
  });
});
