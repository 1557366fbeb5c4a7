import type { AnalysisInput, Cataloger, CatalogResult, FileInfo } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { decodeText } from '../../internal/text';
import { npmLicenses, splitNpmName, validNpmName, validNpmVersion } from './npm-name';

/** `.../node_modules/name/package.json` or `.../node_modules/@scope/name/package.json`. */
const INSTALLED = /\/node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

/**
 * Installed npm packages: every `package.json` that is the root of a folder directly under a
 * `node_modules` directory. A project's own `package.json` (outside node_modules) is NOT a
 * package: it is the application being scanned, not a dependency, often has no version or a
 * private name, and its dependencies are found through node_modules or its lockfile.
 */
export class NpmPackageCataloger implements Cataloger {
  readonly id = 'npm-package';
  readonly version = 1;
  readonly maxFileSize = 4 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return info.type === 'file' && INSTALLED.test(info.path);
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info } = input;
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(input.content));
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'npm-package-invalid-json', message: `${info.path}: ${errorMessage(err)}`, path: info.path }] };
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      return { packages: [], notes: [{ level: 'warning', code: 'npm-package-invalid', message: `${info.path} is not a JSON object`, path: info.path }] };
    }
    const json = doc as Record<string, unknown>;
    const name = typeof json.name === 'string' ? json.name : '';
    const version = typeof json.version === 'string' ? json.version : '';
    // Packages ship package.json files without a name/version as module-type markers
    // (e.g. dist/esm/package.json): those are not installed packages.
    if (!name && !version) return { packages: [] };
    if (!validNpmName(name) || !validNpmVersion(version)) {
      return { packages: [], notes: [{ level: 'info', code: 'npm-package-invalid', message: `${info.path} has no valid name/version`, path: info.path }] };
    }
    const { scope, bare } = splitNpmName(name);
    const metadata: Record<string, string> = {};
    const dirName = INSTALLED.exec(info.path)?.[1];
    if (dirName && dirName !== name) metadata.installedAs = dirName;
    return {
      packages: [makePackage({ type: 'npm', namespace: scope, name: bare, version, licenses: npmLicenses(json.license, json.licenses), metadata }, this.id, input)],
    };
  }
}
