import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { basename, decodeText } from '../../internal/text';
import { npmLicenses, splitNpmName, validNpmName, validNpmVersion } from './npm-name';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface LockEntry {
  name: string;
  version: string;
  dev: boolean;
  optional: boolean;
  /** Lockfile key of the entry: `node_modules/a/node_modules/b` (v2/v3) or the nesting path `a>b` (v1). */
  key: string;
  requires: string[];
  resolved?: string;
  integrity?: string;
  license?: unknown;
}

/**
 * `package-lock.json` (lockfileVersion 1, 2, 3) and `npm-shrinkwrap.json`. v2/v3 are read from
 * `packages` (keyed by install path); v1 from the nested `dependencies` tree. The root project
 * (key "") and workspace folders (keys outside node_modules, and `link` entries) are not
 * dependencies and are skipped. Lockfiles inside node_modules are ignored: npm itself ignores them.
 */
export class NpmLockCataloger implements Cataloger {
  readonly id = 'npm-lock';
  readonly version = 1;
  readonly maxFileSize = 128 * 1024 * 1024;

  required(info: FileInfo): boolean {
    if (info.type !== 'file') return false;
    const name = basename(info.path);
    return (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') && !info.path.includes('/node_modules/');
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info } = input;
    let doc: unknown;
    try {
      doc = JSON.parse(decodeText(input.content));
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'npm-lock-invalid-json', message: `${info.path}: ${errorMessage(err)}`, path: info.path }] };
    }
    if (!isObject(doc)) {
      return { packages: [], notes: [{ level: 'warning', code: 'npm-lock-invalid', message: `${info.path} is not a JSON object`, path: info.path }] };
    }
    const notes: ScanNote[] = [];
    const lv = typeof doc.lockfileVersion === 'number' ? doc.lockfileVersion : 1;
    const entries = isObject(doc.packages) && lv >= 2 ? fromPackages(doc.packages) : isObject(doc.dependencies) ? fromDependencies(doc.dependencies) : undefined;
    if (!entries) {
      return { packages: [], notes: [{ level: 'warning', code: 'npm-lock-invalid', message: `${info.path} has neither "packages" nor "dependencies"`, path: info.path }] };
    }
    const byKey = new Map<string, Package>();
    const packages: Package[] = [];
    let invalid = 0;
    for (const e of entries) {
      if (!validNpmName(e.name) || !validNpmVersion(e.version)) {
        invalid++;
        continue;
      }
      const { scope, bare } = splitNpmName(e.name);
      const metadata: Record<string, string | boolean> = {};
      if (e.dev) metadata.dev = true;
      if (e.optional) metadata.optional = true;
      if (e.resolved && e.resolved.length < 2048) metadata.resolved = e.resolved;
      if (e.integrity && e.integrity.length < 256) metadata.integrity = e.integrity;
      const pkg = makePackage({ type: 'npm', namespace: scope, name: bare, version: e.version, licenses: npmLicenses(e.license), metadata }, this.id, input);
      byKey.set(e.key, pkg);
      packages.push(pkg);
    }
    // Dependencies resolve like node's require: the nearest node_modules up the tree.
    for (const e of entries) {
      const pkg = byKey.get(e.key);
      if (!pkg || e.requires.length === 0) continue;
      const deps = new Set<string>();
      for (const dep of e.requires) {
        const target = resolveFrom(byKey, e.key, dep, lv >= 2 && isObject(doc.packages) ? '/node_modules/' : '>');
        if (target && target !== pkg) deps.add(target.purl);
      }
      if (deps.size) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...deps].sort() };
    }
    if (invalid) notes.push({ level: 'warning', code: 'npm-lock-invalid-entries', message: `${invalid} entries in ${info.path} have no valid name/version and were skipped`, path: info.path });
    return notes.length ? { packages, notes } : { packages };
  }
}

function resolveFrom(byKey: Map<string, Package>, key: string, dep: string, sep: string): Package | undefined {
  let base = key;
  for (;;) {
    const cand = base === '' ? (sep === '>' ? dep : `node_modules/${dep}`) : `${base}${sep}${dep}`;
    const hit = byKey.get(cand);
    if (hit) return hit;
    if (base === '') return undefined;
    const i = base.lastIndexOf(sep);
    base = i < 0 ? '' : base.slice(0, i);
  }
}

function stringKeys(v: unknown): string[] {
  return isObject(v) ? Object.keys(v) : [];
}

function fromPackages(packages: Json): LockEntry[] {
  const out: LockEntry[] = [];
  for (const [key, raw] of Object.entries(packages)) {
    if (!isObject(raw) || key === '') continue;
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || raw.link === true) continue;
    const pathName = key.slice(at + 'node_modules/'.length);
    // Aliased installs ("foo": "npm:bar@1") are stored under the alias with the real name in `name`.
    const name = typeof raw.name === 'string' ? raw.name : pathName;
    const version = typeof raw.version === 'string' ? raw.version : '';
    out.push({
      name,
      version,
      key,
      dev: raw.dev === true || raw.devOptional === true,
      optional: raw.optional === true,
      requires: [...stringKeys(raw.dependencies), ...stringKeys(raw.optionalDependencies), ...stringKeys(raw.peerDependencies)],
      resolved: typeof raw.resolved === 'string' ? raw.resolved : undefined,
      integrity: typeof raw.integrity === 'string' ? raw.integrity : undefined,
      license: raw.license,
    });
  }
  return out;
}

function fromDependencies(deps: Json, prefix = '', depth = 0, out: LockEntry[] = []): LockEntry[] {
  if (depth > 256) return out;
  for (const [name, raw] of Object.entries(deps)) {
    if (!isObject(raw)) continue;
    const key = prefix ? `${prefix}>${name}` : name;
    let version = typeof raw.version === 'string' ? raw.version : '';
    // v1 aliases: "version": "npm:real-name@1.2.3".
    let realName = name;
    const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
    if (alias) {
      realName = alias[1];
      version = alias[2];
    }
    // `file:` and git versions are not registry versions; keep the entry only if it has a semver.
    out.push({
      name: realName,
      version,
      key,
      dev: raw.dev === true,
      optional: raw.optional === true,
      requires: stringKeys(raw.requires),
      resolved: typeof raw.resolved === 'string' ? raw.resolved : undefined,
      integrity: typeof raw.integrity === 'string' ? raw.integrity : undefined,
    });
    if (isObject(raw.dependencies)) fromDependencies(raw.dependencies, key, depth + 1, out);
  }
  return out;
}
