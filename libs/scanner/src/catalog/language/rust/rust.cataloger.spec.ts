import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildElf } from '../../../../test/catalog-fixtures/builders/elf.builder';
import { nameVersions, noteCodes, runCataloger, testdata } from '../../../../test/catalog-fixtures/harness';
import { CargoLockCataloger } from './cargo-lock.cataloger';
import { parseCargoLock } from './cargo-lock.parser';
import { RustBinaryCataloger } from './rust-binary.cataloger';

const lock = new CargoLockCataloger();
const bin = new RustBinaryCataloger();
const EXEC = { mode: 0o755 };

describe('cargo-lock cataloger', () => {
  it.each([
    { file: 'happy/Cargo.lock', packages: ['app@0.1.0', 'proc-macro2@1.0.78', 'serde@1.0.196', 'syn@1.0.109', 'syn@2.0.48', 'unicode-ident@1.0.12'], notes: [] },
    { file: 'happy/Cargo-v1.lock', packages: ['libc@0.2.40', 'rand@0.4.2'], notes: [] },
    { file: 'sad/unterminated.lock', packages: [], notes: ['cargo-lock-invalid'] },
    { file: 'sad/no-version.lock', packages: [], notes: ['cargo-lock-invalid'] },
    { file: 'sad/invalid-entries.lock', packages: ['ok@1.0.0'], notes: ['cargo-lock-invalid-entries'] },
  ])('$file', async ({ file, packages, notes }) => {
    const r = await runCataloger(lock, '/src/app/Cargo.lock', testdata(__dirname, file));
    expect(nameVersions(r)).toEqual(packages);
    expect(noteCodes(r)).toEqual(notes);
  });

  it('sources, checksums and versioned dependency references', async () => {
    const r = await runCataloger(lock, '/src/app/Cargo.lock', testdata(__dirname, 'happy/Cargo.lock'));
    const app = r.packages.find((p) => p.name === 'app')!;
    expect(app.metadata).toEqual({ source: 'local', dependsOn: ['pkg:cargo/serde@1.0.196', 'pkg:cargo/syn@2.0.48'] });
    expect(r.packages.find((p) => p.name === 'serde')!.metadata).toEqual({ source: 'crates.io', checksum: 'sha256:870026e60fa08c69f064aa766c10f10b1d62db9ccd4d0abb206472bee0ce3b32' });
    expect(r.packages.find((p) => p.name === 'unicode-ident')!.metadata).toMatchObject({ source: 'git' });
    const v1 = await runCataloger(lock, '/src/app/Cargo.lock', testdata(__dirname, 'happy/Cargo-v1.lock'));
    expect(v1.packages.find((p) => p.name === 'rand')!.metadata?.dependsOn).toEqual(['pkg:cargo/libc@0.2.40']);
  });

  it('binary input and hostile TOML', async () => {
    expect(noteCodes(await runCataloger(lock, '/Cargo.lock', Buffer.from([0, 1, 2])))).toEqual(['cargo-lock-invalid']);
    expect(() => parseCargoLock('[[package]]\nname = unquoted\nversion = "1.0.0"\n')).toThrow(/expected a string/);
    expect(parseCargoLock(`[[package]]\nname = "x"\nversion = "1.0.0"\ndependencies = [${' "y",\n'.repeat(50_000)}]\n`).packages[0].dependencies).toHaveLength(50_000);
  });
});

function auditable(json: unknown): Buffer {
  return buildElf([{ name: '.text', data: Buffer.alloc(2048, 0x90) }, { name: '.dep-v0', data: deflateSync(Buffer.from(JSON.stringify(json))) }]);
}

describe('rust-binary cataloger (cargo-auditable)', () => {
  it('reads the .dep-v0 section, skips build-only crates and links dependencies', async () => {
    const r = await runCataloger(
      bin,
      '/usr/local/bin/app',
      auditable({
        packages: [
          { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 2, 3], root: true },
          { name: 'serde', version: '1.0.196', source: 'crates.io', dependencies: [2] },
          { name: 'serde_derive', version: '1.0.196', source: 'crates.io', kind: 'build' },
          { name: 'itoa', version: '1.0.10', source: 'crates.io', kind: 'runtime', dependencies: [99] },
        ],
      }),
      EXEC,
    );
    expect(nameVersions(r)).toEqual(['app@0.1.0', 'itoa@1.0.10', 'serde@1.0.196']);
    expect(r.packages.find((p) => p.name === 'app')!.metadata).toEqual({ source: 'local', root: true, dependsOn: ['pkg:cargo/itoa@1.0.10', 'pkg:cargo/serde@1.0.196'] });
  });

  it.each([
    ['no section', buildElf([{ name: '.text', data: Buffer.alloc(4096) }]), []],
    ['not zlib', buildElf([{ name: '.text', data: Buffer.alloc(2048) }, { name: '.dep-v0', data: Buffer.from('plain text, not compressed') }]), ['rust-audit-data-invalid']],
    ['not the expected JSON', auditable({ crates: [] }), ['rust-audit-data-invalid']],
    ['package without a version', auditable({ packages: [{ name: 'x' }] }), ['rust-audit-data-invalid']],
    ['zlib bomb', buildElf([{ name: '.text', data: Buffer.alloc(2048) }, { name: '.dep-v0', data: deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20)) }]), ['rust-audit-data-invalid']],
  ])('%s', async (_n, elf, notes) => {
    const r = await runCataloger(bin, '/usr/local/bin/app', elf, EXEC);
    expect(r.packages).toEqual([]);
    expect(noteCodes(r)).toEqual(notes);
  });
});
