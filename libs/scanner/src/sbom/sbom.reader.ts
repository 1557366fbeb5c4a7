import { PackageURL } from 'packageurl-js';
import type { OsRelease, Package, PackageLocation, PackageType, ScanNote } from '../model';
import { normalizeLicenses } from '../catalog/internal/spdx-license';
import { SbomError } from './sbom.error';

export interface SbomReadResult {
  format: 'cyclonedx' | 'spdx';
  specVersion: string;
  packages: Package[];
  os?: OsRelease;
  notes: ScanNote[];
}

const PURL_TYPES: Record<string, PackageType> = {
  deb: 'deb',
  apk: 'apk',
  alpine: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  golang: 'golang',
  gem: 'gem',
  cargo: 'cargo',
  composer: 'composer',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Max components accepted from one SBOM (a hostile file should not exhaust memory downstream). */
const MAX_COMPONENTS = 500_000;

/**
 * Reads a CycloneDX (1.2–1.6) or SPDX (2.2/2.3) JSON SBOM back into packages, so that an SBOM
 * made elsewhere can be matched against the vulnerability database. Components without a
 * purl of a supported type are skipped (counted in a note). Properties written by Lazaret
 * (layer, locations, source package) and Trivy's SrcName/SrcVersion are read back.
 */
export function readSbom(text: string | Buffer): SbomReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (err) {
    throw new SbomError('invalid-json', `SBOM is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isObject(doc)) throw new SbomError('unknown-format', 'SBOM must be a JSON object');
  if (doc.bomFormat === 'CycloneDX') return readCycloneDx(doc);
  if (typeof doc.spdxVersion === 'string') return readSpdx(doc);
  throw new SbomError('unknown-format', 'not a CycloneDX (bomFormat) or SPDX (spdxVersion) JSON document');
}

function fromPurl(purl: string, notes: Counter): { type: PackageType; namespace?: string; name: string; version: string; qualifiers: Record<string, string>; purl: string } | undefined {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch {
    notes.bad++;
    return undefined;
  }
  const type = PURL_TYPES[p.type];
  if (!type) {
    notes.unsupported.add(p.type);
    return undefined;
  }
  if (!p.version) {
    notes.noVersion++;
    return undefined;
  }
  return { type, namespace: p.namespace ?? undefined, name: p.name, version: p.version, qualifiers: { ...(p.qualifiers ?? {}) }, purl: p.toString() };
}

interface Counter {
  bad: number;
  noPurl: number;
  noVersion: number;
  unsupported: Set<string>;
}

function summarize(c: Counter): ScanNote[] {
  const notes: ScanNote[] = [];
  if (c.noPurl) notes.push({ level: 'info', code: 'sbom-no-purl', message: `${c.noPurl} component(s) have no package URL and were skipped` });
  if (c.bad) notes.push({ level: 'warning', code: 'sbom-invalid-purl', message: `${c.bad} component(s) have an unparsable package URL and were skipped` });
  if (c.noVersion) notes.push({ level: 'info', code: 'sbom-no-version', message: `${c.noVersion} component(s) have no version and were skipped` });
  if (c.unsupported.size) notes.push({ level: 'info', code: 'sbom-unsupported-type', message: `components of unsupported purl type(s) skipped: ${[...c.unsupported].sort().join(', ')}` });
  return notes;
}

function versionWithEpoch(type: PackageType, version: string, qualifiers: Record<string, string>): string {
  return type === 'rpm' && qualifiers.epoch && qualifiers.epoch !== '0' && !version.includes(':') ? `${qualifiers.epoch}:${version}` : version;
}

function readCycloneDx(doc: Json): SbomReadResult {
  const specVersion = str(doc.specVersion) ?? 'unknown';
  if (!/^1\.[2-6]$/.test(specVersion)) throw new SbomError('unsupported-version', `CycloneDX ${specVersion} is not supported (1.2–1.6 are)`);
  const counter: Counter = { bad: 0, noPurl: 0, noVersion: 0, unsupported: new Set() };
  const packages: Package[] = [];
  let os: OsRelease | undefined;
  const byRef = new Map<string, Package>();
  const stack: unknown[] = Array.isArray(doc.components) ? [...doc.components] : [];
  let seen = 0;
  while (stack.length) {
    const c = stack.pop();
    if (!isObject(c)) continue;
    if (++seen > MAX_COMPONENTS) throw new SbomError('invalid-document', `more than ${MAX_COMPONENTS} components`);
    if (Array.isArray(c.components)) stack.push(...c.components);
    if (c.type === 'operating-system') {
      const id = str(c.name)?.toLowerCase();
      if (id) os = { id, versionId: str(c.version), prettyName: str(c.description), idLike: [] };
      continue;
    }
    const purl = str(c.purl);
    if (!purl) {
      counter.noPurl++;
      continue;
    }
    const parsed = fromPurl(purl, counter);
    if (!parsed) continue;
    const props = new Map<string, string[]>();
    if (Array.isArray(c.properties)) {
      for (const p of c.properties) {
        if (isObject(p) && typeof p.name === 'string' && typeof p.value === 'string') props.set(p.name, [...(props.get(p.name) ?? []), p.value]);
      }
    }
    const first = (...names: string[]): string | undefined => names.map((n) => props.get(n)?.[0]).find((v) => v !== undefined);
    const locations: PackageLocation[] = [];
    for (const v of props.get('lazaret:location') ?? []) {
      const i = v.indexOf(' ');
      if (i > 0) locations.push({ layerDigest: v.slice(0, i), path: v.slice(i + 1) });
    }
    const layerDigest = first('lazaret:layer:digest', 'aquasecurity:trivy:LayerDigest');
    if (locations.length === 0 && isObject(c.evidence) && Array.isArray(c.evidence.occurrences)) {
      for (const o of c.evidence.occurrences) if (isObject(o) && typeof o.location === 'string') locations.push({ path: o.location, layerDigest: layerDigest ?? '' });
    }
    const licenses: string[] = [];
    if (Array.isArray(c.licenses)) {
      for (const l of c.licenses) {
        if (!isObject(l)) continue;
        if (typeof l.expression === 'string') licenses.push(l.expression);
        else if (isObject(l.license)) {
          const v = str(l.license.id) ?? str(l.license.name);
          if (v) licenses.push(v);
        }
      }
    }
    const pkg: Package = {
      type: parsed.type,
      name: parsed.name,
      version: versionWithEpoch(parsed.type, parsed.version, parsed.qualifiers),
      purl: parsed.purl,
      licenses: normalizeLicenses(licenses),
      foundBy: 'sbom-cyclonedx',
      locations,
    };
    if (parsed.namespace) pkg.namespace = parsed.namespace;
    const srcName = first('lazaret:package:sourceName', 'aquasecurity:trivy:SrcName');
    const srcVersion = first('lazaret:package:sourceVersion', 'aquasecurity:trivy:SrcVersion');
    if (srcName) pkg.sourceName = srcName;
    if (srcVersion) pkg.sourceVersion = srcVersion;
    const arch = first('lazaret:package:arch') ?? parsed.qualifiers.arch;
    if (arch) pkg.arch = arch;
    if (layerDigest) pkg.layerDigest = layerDigest;
    const ref = str(c['bom-ref']);
    if (ref) byRef.set(ref, pkg);
    packages.push(pkg);
  }
  if (Array.isArray(doc.dependencies)) {
    for (const d of doc.dependencies) {
      if (!isObject(d) || typeof d.ref !== 'string' || !Array.isArray(d.dependsOn)) continue;
      const from = byRef.get(d.ref);
      if (!from) continue;
      const deps = d.dependsOn.map((r) => (typeof r === 'string' ? byRef.get(r)?.purl : undefined)).filter((x): x is string => !!x);
      if (deps.length) from.metadata = { ...(from.metadata ?? {}), dependsOn: [...new Set(deps)].sort() };
    }
  }
  return { format: 'cyclonedx', specVersion, packages: sortPackages(packages), ...(os ? { os } : {}), notes: summarize(counter) };
}

function readSpdx(doc: Json): SbomReadResult {
  const specVersion = str(doc.spdxVersion) ?? 'unknown';
  if (!/^SPDX-2\.[23]$/.test(specVersion)) throw new SbomError('unsupported-version', `${specVersion} is not supported (SPDX-2.2 and SPDX-2.3 are)`);
  if (!Array.isArray(doc.packages)) throw new SbomError('invalid-document', 'SPDX document has no "packages" array');
  if (doc.packages.length > MAX_COMPONENTS) throw new SbomError('invalid-document', `more than ${MAX_COMPONENTS} packages`);
  const counter: Counter = { bad: 0, noPurl: 0, noVersion: 0, unsupported: new Set() };
  const packages: Package[] = [];
  const byId = new Map<string, Package>();
  let os: OsRelease | undefined;
  for (const p of doc.packages) {
    if (!isObject(p)) continue;
    if (p.primaryPackagePurpose === 'OPERATING_SYSTEM' || p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      const id = str(p.name)?.toLowerCase();
      if (id) os = { id, versionId: str(p.versionInfo), idLike: [] };
      continue;
    }
    if (p.primaryPackagePurpose === 'CONTAINER') continue;
    const purl = Array.isArray(p.externalRefs)
      ? p.externalRefs.filter(isObject).find((r) => r.referenceType === 'purl' && typeof r.referenceLocator === 'string')?.referenceLocator
      : undefined;
    if (typeof purl !== 'string') {
      counter.noPurl++;
      continue;
    }
    const parsed = fromPurl(purl, counter);
    if (!parsed) continue;
    const notes = new Map<string, string[]>();
    if (Array.isArray(p.annotations)) {
      for (const a of p.annotations) {
        if (!isObject(a) || typeof a.comment !== 'string') continue;
        const m = /^(lazaret:[\w:.-]+)=(.*)$/s.exec(a.comment);
        if (m) notes.set(m[1], [...(notes.get(m[1]) ?? []), m[2]]);
      }
    }
    const locations: PackageLocation[] = [];
    for (const v of notes.get('lazaret:location') ?? []) {
      const i = v.indexOf(' ');
      if (i > 0) locations.push({ layerDigest: v.slice(0, i), path: v.slice(i + 1) });
    }
    const declared = str(p.licenseDeclared);
    const concluded = str(p.licenseConcluded);
    const license = declared && !/^NO(ASSERTION|NE)$/.test(declared) ? declared : concluded && !/^NO(ASSERTION|NE)$/.test(concluded) ? concluded : undefined;
    const pkg: Package = {
      type: parsed.type,
      name: parsed.name,
      version: versionWithEpoch(parsed.type, parsed.version, parsed.qualifiers),
      purl: parsed.purl,
      licenses: license ? normalizeLicenses([license]) : [],
      foundBy: 'sbom-spdx',
      locations,
    };
    if (parsed.namespace) pkg.namespace = parsed.namespace;
    const srcName = notes.get('lazaret:package:sourceName')?.[0];
    const srcVersion = notes.get('lazaret:package:sourceVersion')?.[0];
    if (srcName) pkg.sourceName = srcName;
    if (srcVersion) pkg.sourceVersion = srcVersion;
    const arch = notes.get('lazaret:package:arch')?.[0] ?? parsed.qualifiers.arch;
    if (arch) pkg.arch = arch;
    const layer = notes.get('lazaret:layer:digest')?.[0];
    if (layer) pkg.layerDigest = layer;
    if (typeof p.SPDXID === 'string') byId.set(p.SPDXID, pkg);
    packages.push(pkg);
  }
  if (Array.isArray(doc.relationships)) {
    const deps = new Map<Package, Set<string>>();
    const add = (from: Package | undefined, to: Package | undefined): void => {
      if (!from || !to || from === to) return;
      deps.set(from, (deps.get(from) ?? new Set()).add(to.purl));
    };
    for (const r of doc.relationships) {
      if (!isObject(r) || typeof r.spdxElementId !== 'string' || typeof r.relatedSpdxElement !== 'string') continue;
      const a = byId.get(r.spdxElementId);
      const b = byId.get(r.relatedSpdxElement);
      if (r.relationshipType === 'DEPENDS_ON') add(a, b);
      else if (r.relationshipType === 'DEPENDENCY_OF') add(b, a);
    }
    for (const [pkg, set] of deps) pkg.metadata = { ...(pkg.metadata ?? {}), dependsOn: [...set].sort() };
  }
  return { format: 'spdx', specVersion, packages: sortPackages(packages), ...(os ? { os } : {}), notes: summarize(counter) };
}

function sortPackages(p: Package[]): Package[] {
  return p.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}
