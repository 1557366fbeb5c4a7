import type { Cataloger, Package } from '../model';
import { CatalogerRegistry } from './cataloger.registry';
import { JavaArchiveCataloger } from './language/java/java-archive.cataloger';
import { GoBinaryCataloger } from './language/golang/go-binary.cataloger';
import { NpmLockCataloger } from './language/npm/npm-lock.cataloger';
import { NpmPackageCataloger } from './language/npm/npm-package.cataloger';
import { ComposerLockCataloger } from './language/php/composer-lock.cataloger';
import { PythonPackageCataloger } from './language/python/python-package.cataloger';
import { GemspecCataloger } from './language/ruby/gemspec.cataloger';
import { CargoLockCataloger } from './language/rust/cargo-lock.cataloger';
import { RustBinaryCataloger } from './language/rust/rust-binary.cataloger';
import { ApkCataloger } from './os/apk/apk.cataloger';
import { DpkgCataloger } from './os/dpkg/dpkg.cataloger';
import { OsReleaseCataloger } from './os/os-release/os-release.cataloger';
import { RpmCataloger } from './os/rpm/rpm.cataloger';

/** Every built-in cataloger, in a fixed order (the order results are reported in). */
export function defaultCatalogers(): Cataloger[] {
  return new CatalogerRegistry([
    new OsReleaseCataloger(),
    new DpkgCataloger(),
    new ApkCataloger(),
    new RpmCataloger(),
    new NpmLockCataloger(),
    new NpmPackageCataloger(),
    new PythonPackageCataloger(),
    new JavaArchiveCataloger(),
    new GoBinaryCataloger(),
    new RustBinaryCataloger(),
    new CargoLockCataloger(),
    new GemspecCataloger(),
    new ComposerLockCataloger(),
  ]).list();
}

/**
 * The name an ecosystem's advisories use: `namespace` + `name` are the purl's parts, joined
 * the ecosystem's way (`@scope/pkg`, `github.com/a/b`, `vendor/pkg`, `group:artifact`).
 */
export function ecosystemName(pkg: Pick<Package, 'type' | 'namespace' | 'name'>): string {
  if (!pkg.namespace) return pkg.name;
  switch (pkg.type) {
    case 'npm':
    case 'golang':
    case 'composer':
      return `${pkg.namespace}/${pkg.name}`;
    case 'maven':
      return `${pkg.namespace}:${pkg.name}`;
    default:
      return pkg.name;
  }
}

export { CatalogerRegistry } from './cataloger.registry';
export { CatalogError, type CatalogErrorCode } from './catalog.error';
export { osReleasePriority } from './os/os-release/os-release.cataloger';
export { withDistro } from './internal/purl';
export { normalizeLicense, normalizeLicenses, parseSpdxExpression, spdxLicenseId } from './internal/spdx-license';
export { normalizePythonName } from './language/python/python-package.cataloger';
export {
  OsReleaseCataloger,
  DpkgCataloger,
  ApkCataloger,
  RpmCataloger,
  NpmLockCataloger,
  NpmPackageCataloger,
  PythonPackageCataloger,
  JavaArchiveCataloger,
  GoBinaryCataloger,
  RustBinaryCataloger,
  CargoLockCataloger,
  GemspecCataloger,
  ComposerLockCataloger,
};
