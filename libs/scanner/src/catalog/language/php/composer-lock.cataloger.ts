import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { basename, decodeText } from '../../internal/text';

const NAME_RE = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/;
const VERSION_RE = /^[A-Za-z0-9._+~-]{1,128}$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * composer.lock: `packages` and `packages-dev` (the latter flagged `dev`). Versions are kept as
 * locked ("v5.4.0" stays "v5.4.0": Packagist and advisories use the tag as written). Platform
 * requirements (php, ext-*) are not packages.
 */
export class ComposerLockCataloger implements Cataloger {
  readonly id = 'composer-lock';
  readonly version = 1;
  readonly maxFileSize = 64 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return info.type === 'file' && basename(info.path) === 'composer.lock';
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info } = input;
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(input.content));
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'composer-lock-invalid-json', message: `${info.path}: ${errorMessage(err)}`, path: info.path }] };
    }
    if (!isObject(doc) || (!Array.isArray(doc.packages) && !Array.isArray(doc['packages-dev']))) {
      return { packages: [], notes: [{ level: 'warning', code: 'composer-lock-invalid', message: `${info.path} has no "packages" array`, path: info.path }] };
    }
    const packages: Package[] = [];
    const requires: { pkg: Package; names: string[] }[] = [];
    let invalid = 0;
    for (const [list, dev] of [[doc.packages, false], [doc['packages-dev'], true]] as const) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.version !== 'string' || !NAME_RE.test(raw.name) || !VERSION_RE.test(raw.version)) {
          invalid++;
          continue;
        }
        const [vendor, name] = raw.name.split('/');
        const licenses = Array.isArray(raw.license) ? raw.license.filter((l): l is string => typeof l === 'string') : typeof raw.license === 'string' ? [raw.license] : [];
        const metadata: Record<string, string | boolean> = {};
        if (dev) metadata.dev = true;
        if (isObject(raw.dist) && typeof raw.dist.reference === 'string') metadata.reference = raw.dist.reference.slice(0, 128);
        // composer.json's license array means "any of these" (dual licensing).
        const declared = licenses.length > 1 ? [licenses.join(' OR ')] : licenses;
        const pkg = makePackage({ type: 'composer', namespace: vendor, name, version: raw.version, licenses: declared, metadata }, this.id, input);
        packages.push(pkg);
        requires.push({ pkg, names: isObject(raw.require) ? Object.keys(raw.require) : [] });
      }
    }
    const byName = new Map(packages.map((p) => [`${p.namespace}/${p.name}`, p]));
    for (const { pkg, names } of requires) {
      const deps = names.map((n) => byName.get(n.toLowerCase())?.purl).filter((x): x is string => !!x);
      if (deps.length) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...new Set(deps)].sort() };
    }
    const notes = invalid ? [{ level: 'warning' as const, code: 'composer-lock-invalid-entries', message: `${invalid} package(s) in ${info.path} have an invalid name or version`, path: info.path }] : undefined;
    return notes ? { packages, notes } : { packages };
  }
}
