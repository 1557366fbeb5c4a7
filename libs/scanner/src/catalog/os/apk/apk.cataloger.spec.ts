import { describe, expect, it } from 'vitest';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { ApkCataloger } from './apk.cataloger';

const c = new ApkCataloger();
const DB = '/lib/apk/db/installed';

describe('apk cataloger', () => {
  it.each([
    {
      file: 'happy/installed',
      packages: ['alpine/busybox@1.36.1-r15', 'alpine/ca-certificates-bundle@20230506-r0', 'alpine/libcrypto3@3.1.4-r5', 'alpine/musl@1.2.4_git20230717-r4'],
      notes: [],
    },
    { file: 'sad/installed-invalid', packages: ['alpine/good@1.0-r0', 'alpine/trunc@2.0-r'], notes: ['apk-invalid-entries'] },
  ])('$file', async ({ file, packages, notes }) => {
    const r = await runCataloger(c, DB, testdata(__dirname, file));
    expect(nameVersions(r)).toEqual(packages);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('fills origin, arch, licenses, purl and resolves so: dependencies', async () => {
    const r = await runCataloger(c, DB, testdata(__dirname, 'happy/installed'));
    const crypto = r.packages.find((p) => p.name === 'libcrypto3')!;
    expect(crypto).toMatchObject({ sourceName: 'openssl', sourceVersion: '3.1.4-r5', arch: 'x86_64', licenses: ['Apache-2.0'], purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64' });
    expect(crypto.metadata?.dependsOn).toEqual(['pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64']);
    expect(r.packages.find((p) => p.name === 'ca-certificates-bundle')!.licenses).toEqual(['MPL-2.0 AND MIT']);
    expect(r.packages.find((p) => p.name === 'busybox')!.licenses).toEqual(['GPL-2.0-only']);
  });

  it('only the installed database is wanted', () => {
    expect(c.required({ path: DB, type: 'file', size: 1, mode: 0o644 })).toBe(true);
    expect(c.required({ path: '/lib/apk/db/scripts.tar', type: 'file', size: 1, mode: 0o644 })).toBe(false);
  });

  it('binary garbage and empty input do not crash', async () => {
    expect(noteCodes(await runCataloger(c, DB, Buffer.from([0, 1, 2, 3, 0, 255])))).toEqual(['apk-unreadable']);
    expect((await runCataloger(c, DB, '')).packages).toEqual([]);
  });

  it('huge field values are bounded', async () => {
    const r = await runCataloger(c, DB, `P:x\nV:1.0-r0\nT:${'a'.repeat(2_000_000)}\nm:${'m'.repeat(100_000)}\n`);
    expect(nameVersions(r)).toEqual(['alpine/x@1.0-r0']);
    expect(String(r.packages[0].metadata?.maintainer).length).toBeLessThanOrEqual(256);
  });
});
