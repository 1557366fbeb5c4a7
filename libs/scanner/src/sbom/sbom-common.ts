import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import type { Package } from '../model';
import type { SbomImage, SbomInput } from './sbom-input';

/** RFC 4122 version-5 style UUID (SHA-1 of namespace + name), so a document's id is reproducible. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The RFC 4122 URL namespace. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

export function documentUuid(input: SbomInput): string {
  return uuidV5(URL_NAMESPACE, `lazaret-sbom:${input.image.manifestDigest}:${input.tool.name}@${input.tool.version}`);
}

export function isoTimestamp(input: SbomInput): string {
  // Second precision: both formats accept it and it keeps golden output stable.
  return (input.timestamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `pkg:oci/app@sha256:...?repository_url=registry.example/app&tag=1.2` */
export function imagePurl(image: SbomImage): string {
  const repo = image.repository ?? image.name.replace(/[@:][^/]*$/, '');
  const name = repo.split('/').pop() || 'image';
  const qualifiers: Record<string, string> = {};
  if (repo) qualifiers.repository_url = repo;
  if (image.platform?.architecture) qualifiers.arch = image.platform.architecture;
  if (image.tag) qualifiers.tag = image.tag;
  return new PackageURL('oci', undefined, name.toLowerCase(), image.manifestDigest, qualifiers, undefined).toString();
}

export interface MergedComponent {
  pkg: Package;
  /** Distinct (path, layer) pairs across every package that shares the purl. */
  locations: Package['locations'];
  layerDigests: string[];
  foundBy: string[];
  /** Union of `metadata.dependsOn` (purls) over the merged packages. */
  dependsOn: string[];
}

/**
 * One SBOM component per purl: the same package can be proved by several files (a lockfile
 * and node_modules, or the same jar in two places). Ordered by purl for stable output.
 */
export function mergeByPurl(packages: Package[]): MergedComponent[] {
  const byPurl = new Map<string, MergedComponent>();
  const sorted = [...packages].sort((a, b) => cmp(a.purl, b.purl) || cmp(a.foundBy, b.foundBy) || cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? ''));
  for (const pkg of sorted) {
    const m = byPurl.get(pkg.purl);
    if (!m) {
      byPurl.set(pkg.purl, { pkg, locations: [...pkg.locations], layerDigests: pkg.layerDigest ? [pkg.layerDigest] : [], foundBy: [pkg.foundBy], dependsOn: dependsOnOf(pkg) });
      continue;
    }
    m.locations.push(...pkg.locations);
    if (pkg.layerDigest) m.layerDigests.push(pkg.layerDigest);
    m.foundBy.push(pkg.foundBy);
    m.dependsOn.push(...dependsOnOf(pkg));
    if (m.pkg.licenses.length === 0 && pkg.licenses.length > 0) m.pkg = { ...m.pkg, licenses: pkg.licenses };
  }
  const out = [...byPurl.values()];
  for (const m of out) {
    const seen = new Set<string>();
    m.locations = m.locations
      .filter((l) => {
        const k = `${l.layerDigest}\u0000${l.path}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .sort((a, b) => cmp(a.path, b.path) || cmp(a.layerDigest, b.layerDigest));
    m.layerDigests = [...new Set(m.layerDigests)];
    m.foundBy = [...new Set(m.foundBy)].sort();
    m.dependsOn = [...new Set(m.dependsOn)].filter((d) => d !== m.pkg.purl).sort(cmp);
  }
  return out;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sha256Hex(digest: string): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  return m?.[1];
}

export function dependsOnOf(pkg: Package): string[] {
  const d = pkg.metadata?.dependsOn;
  return Array.isArray(d) ? d : [];
}

/** Metadata values flattened to strings for CycloneDX properties / SPDX annotations. */
export function metadataEntries(pkg: Package): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(pkg.metadata ?? {})) {
    if (k === 'dependsOn') continue;
    out.push([k, Array.isArray(v) ? v.join(',') : String(v)]);
  }
  return out.sort((a, b) => cmp(a[0], b[0]));
}
