import { describe, expect, it } from 'vitest';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { ComposerLockCataloger } from './composer-lock.cataloger';

const c = new ComposerLockCataloger();

describe('composer-lock cataloger', () => {
  it.each([
    { file: 'happy/composer.lock', packages: ['dual/licensed@1.0.0', 'monolog/monolog@3.5.0', 'phpunit/phpunit@10.5.9', 'psr/log@3.0.0', 'symfony/polyfill-mbstring@v1.28.0'], notes: [] },
    { file: 'sad/invalid-entries.lock', packages: ['ok/pkg@1.0.0'], notes: ['composer-lock-invalid-entries'] },
  ])('$file', async ({ file, packages, notes }) => {
    const r = await runCataloger(c, '/var/www/composer.lock', testdata(__dirname, file));
    expect(nameVersions(r)).toEqual(packages);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('dev flag, licenses, purl and dependencies', async () => {
    const r = await runCataloger(c, '/var/www/composer.lock', testdata(__dirname, 'happy/composer.lock'));
    const by = new Map(r.packages.map((p) => [`${p.namespace}/${p.name}`, p]));
    expect(by.get('monolog/monolog')).toMatchObject({
      purl: 'pkg:composer/monolog/monolog@3.5.0', licenses: ['MIT'],
      metadata: { reference: 'c915e2634718dbc8a4a15c61b0e62e7a44e14448', dependsOn: ['pkg:composer/psr/log@3.0.0'] },
    });
    expect(by.get('phpunit/phpunit')!.metadata).toMatchObject({ dev: true, dependsOn: ['pkg:composer/psr/log@3.0.0'] });
    expect(by.get('dual/licensed')!.licenses).toEqual(['LGPL-2.1-only OR GPL-3.0-or-later']);
    expect(by.get('psr/log')!.metadata?.dev).toBeUndefined();
  });

  it.each([
    ['{', 'composer-lock-invalid-json'],
    ['{"packages": {}}', 'composer-lock-invalid'],
    ['[]', 'composer-lock-invalid'],
  ])('%s → %s', async (text, code) => {
    expect(noteCodes(await runCataloger(c, '/app/composer.lock', text))).toEqual([code]);
  });

  it('a huge lock stays linear', async () => {
    const pkgs = Array.from({ length: 20_000 }, (_, i) => ({ name: `v${i}/p${i}`, version: '1.0.0', require: { [`v${i + 1}/p${i + 1}`]: '*' } }));
    const t = Date.now();
    const r = await runCataloger(c, '/app/composer.lock', JSON.stringify({ packages: pkgs }));
    expect(r.packages).toHaveLength(20_000);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
