import { PackageURL } from 'packageurl-js';
import type { OsRelease, Package, PackageType } from '../../model';

export type Qualifiers = Record<string, string | undefined>;

/** Builds a package URL; empty qualifiers are dropped. Never throws: falls back to a minimal purl. */
export function buildPurl(type: PackageType, namespace: string | undefined, name: string, version: string | undefined, qualifiers?: Qualifiers): string {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers ?? {})) if (v) q[k] = v;
  const hasQ = Object.keys(q).length > 0;
  try {
    return new PackageURL(type, namespace || undefined, name, version || undefined, hasQ ? q : undefined, undefined).toString();
  } catch {
    return `pkg:${type}/${encodeURIComponent(name)}${version ? `@${encodeURIComponent(version)}` : ''}`;
  }
}

/** purl `distro` qualifier value and namespace for OS packages, from the detected OS. */
export function distroQualifier(os: OsRelease): string | undefined {
  if (!os.id) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/**
 * OS package purls carry the distribution (`pkg:deb/debian/...?distro=debian-12`). A cataloger
 * sees one file and cannot know the OS; whoever merges the layers calls this once the OS is known.
 */
export function withDistro(pkg: Package, os: OsRelease | undefined): Package {
  if (!os || !['deb', 'rpm', 'apk'].includes(pkg.type)) return pkg;
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(pkg.purl);
  } catch {
    return pkg;
  }
  const qualifiers: Record<string, string> = { ...(parsed.qualifiers ?? {}) };
  const distro = distroQualifier(os);
  if (distro) qualifiers.distro = distro;
  const namespace = pkg.type === 'deb' ? parsed.namespace : os.id;
  const purl = new PackageURL(parsed.type, namespace, parsed.name, parsed.version, qualifiers, parsed.subpath).toString();
  return { ...pkg, purl, namespace: namespace ?? pkg.namespace };
}
