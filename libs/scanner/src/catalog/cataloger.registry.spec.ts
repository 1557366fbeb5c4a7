import { describe, expect, it } from 'vitest';
import type { Cataloger } from '../model';
import { CatalogError } from './catalog.error';
import { CatalogerRegistry } from './cataloger.registry';
import { defaultCatalogers, ecosystemName } from './index';

const fake = (id: string, version = 1): Cataloger => ({ id, version, maxFileSize: 1, required: () => false, analyze: () => ({ packages: [] }) });

describe('CatalogerRegistry', () => {
  it('keeps registration order and fingerprints id@version', () => {
    const r = new CatalogerRegistry([fake('b'), fake('a', 3)]);
    expect(r.list().map((c) => c.id)).toEqual(['b', 'a']);
    expect(r.fingerprint()).toBe('b@1,a@3');
    expect(r.get('a')?.version).toBe(3);
  });

  it.each([
    [[fake('x'), fake('x')], 'duplicate-cataloger'],
    [[fake('Bad Id')], 'invalid-cataloger'],
    [[fake('x', 0)], 'invalid-cataloger'],
    [[fake('x', 1.5)], 'invalid-cataloger'],
  ])('rejects %#', (list, code) => {
    try {
      new CatalogerRegistry(list);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogError);
      expect((err as CatalogError).code).toBe(code);
    }
  });

  it('the default list registers without duplicates and every cataloger has a sane contract', () => {
    const all = defaultCatalogers();
    expect(all.map((c) => c.id)).toEqual([
      'os-release', 'dpkg-db', 'apk-db', 'rpm-db', 'npm-lock', 'npm-package', 'python-package', 'java-archive', 'go-binary', 'rust-binary', 'cargo-lock', 'ruby-gemspec', 'composer-lock',
    ]);
    for (const c of all) {
      expect(c.maxFileSize).toBeGreaterThan(0);
      expect(c.required({ path: '/', type: 'dir', size: 0, mode: 0o755 })).toBe(false);
    }
  });

  it('ecosystemName joins namespace and name the ecosystem way', () => {
    expect(ecosystemName({ type: 'npm', namespace: '@babel', name: 'core' })).toBe('@babel/core');
    expect(ecosystemName({ type: 'maven', namespace: 'org.apache.commons', name: 'commons-lang3' })).toBe('org.apache.commons:commons-lang3');
    expect(ecosystemName({ type: 'golang', namespace: 'github.com/spf13', name: 'cobra' })).toBe('github.com/spf13/cobra');
    expect(ecosystemName({ type: 'deb', namespace: 'debian', name: 'bash' })).toBe('bash');
    expect(ecosystemName({ type: 'pypi', name: 'pyyaml' })).toBe('pyyaml');
  });
});
