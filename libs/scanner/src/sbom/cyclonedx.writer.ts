import { cdxLicenses, type CdxLicenseChoice } from './license-mapping';
import type { SbomInput } from './sbom-input';
import { cmp, documentUuid, imagePurl, isoTimestamp, mergeByPurl, metadataEntries, sha256Hex } from './sbom-common';

export interface CdxProperty {
  name: string;
  value: string;
}

export interface CdxComponent {
  'bom-ref': string;
  type: 'container' | 'operating-system' | 'library' | 'application';
  group?: string;
  name: string;
  version?: string;
  purl?: string;
  description?: string;
  hashes?: { alg: 'SHA-256'; content: string }[];
  licenses?: CdxLicenseChoice[];
  properties?: CdxProperty[];
  evidence?: { occurrences: { location: string }[] };
}

export interface CycloneDxBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    tools: { components: { type: 'application'; group?: string; name: string; version: string }[] };
    component: CdxComponent;
    properties?: CdxProperty[];
  };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

const OS_TYPES = new Set(['deb', 'rpm', 'apk']);
export const PROPERTY_PREFIX = 'lazaret:';

function prop(name: string, value: string | number | undefined): CdxProperty[] {
  return value === undefined || value === '' ? [] : [{ name: `${PROPERTY_PREFIX}${name}`, value: String(value) }];
}

function sortProps(p: CdxProperty[]): CdxProperty[] {
  return p.sort((a, b) => cmp(a.name, b.name) || cmp(a.value, b.value));
}

/** CycloneDX 1.6 JSON for one scanned image. Same input → byte-identical output. */
export function toCycloneDx(input: SbomInput): CycloneDxBom {
  const { image, os } = input;
  const layerByDigest = new Map(image.layers.map((l) => [l.digest, l]));
  const rootRef = imagePurl(image);
  const hex = sha256Hex(image.manifestDigest);
  const root: CdxComponent = {
    'bom-ref': rootRef,
    type: 'container',
    name: image.repository ?? image.name,
    version: image.manifestDigest,
    purl: rootRef,
    ...(hex ? { hashes: [{ alg: 'SHA-256' as const, content: hex }] } : {}),
    properties: [
      ...prop('image:name', image.name),
      ...prop('image:manifestDigest', image.manifestDigest),
      ...prop('image:configDigest', image.configDigest),
      ...prop('image:platform', image.platform ? [image.platform.os, image.platform.architecture, image.platform.variant].filter(Boolean).join('/') : undefined),
      // Layers keep their order: properties with the same name are an ordered list.
      ...[...image.layers].sort((a, b) => a.index - b.index).flatMap((l) => prop('image:layer', `${l.index} ${l.digest}${l.diffId ? ` ${l.diffId}` : ''}`)),
    ],
  };

  const components: CdxComponent[] = [];
  let osRef: string | undefined;
  if (os) {
    osRef = `os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`;
    components.push({
      'bom-ref': osRef,
      type: 'operating-system',
      name: os.id,
      ...(os.versionId ? { version: os.versionId } : {}),
      ...(os.prettyName ? { description: os.prettyName } : {}),
      properties: sortProps([...prop('os:codename', os.versionCodename), ...os.idLike.flatMap((x) => prop('os:idLike', x))]),
    });
  }

  const merged = mergeByPurl(input.packages);
  const refs = new Set(merged.map((m) => m.pkg.purl));
  for (const m of merged) {
    const p = m.pkg;
    const introducing = p.layerDigest ?? m.locations[0]?.layerDigest;
    const layer = introducing ? layerByDigest.get(introducing) : undefined;
    const c: CdxComponent = {
      'bom-ref': p.purl,
      type: 'library',
      ...(p.namespace ? { group: p.namespace } : {}),
      name: p.name,
      version: p.version,
      purl: p.purl,
    };
    const licenses = cdxLicenses(p.licenses);
    if (licenses.length) c.licenses = licenses;
    c.properties = sortProps([
      ...prop('package:type', p.type),
      ...m.foundBy.flatMap((f) => prop('foundBy', f)),
      ...prop('layer:digest', introducing),
      ...prop('layer:diffId', layer?.diffId),
      ...prop('layer:index', layer?.index),
      ...prop('package:sourceName', p.sourceName),
      ...prop('package:sourceVersion', p.sourceVersion),
      ...prop('package:arch', p.arch),
      ...m.locations.flatMap((l) => prop('location', `${l.layerDigest} ${l.path}`)),
      ...metadataEntries(p).flatMap(([k, v]) => prop(`metadata:${k}`, v)),
    ]);
    if (m.locations.length) c.evidence = { occurrences: [...new Set(m.locations.map((l) => l.path))].map((location) => ({ location })) };
    components.push(c);
  }

  const dependencies: { ref: string; dependsOn: string[] }[] = [];
  const osPackages = merged.filter((m) => OS_TYPES.has(m.pkg.type)).map((m) => m.pkg.purl);
  const others = merged.filter((m) => !OS_TYPES.has(m.pkg.type)).map((m) => m.pkg.purl);
  dependencies.push({ ref: rootRef, dependsOn: [...(osRef ? [osRef] : osPackages), ...others].sort(cmp) });
  if (osRef) dependencies.push({ ref: osRef, dependsOn: [...osPackages].sort(cmp) });
  for (const m of merged) {
    const deps = m.dependsOn.filter((d) => refs.has(d));
    if (deps.length) dependencies.push({ ref: m.pkg.purl, dependsOn: deps });
  }
  dependencies.sort((a, b) => (a.ref === rootRef ? -1 : b.ref === rootRef ? 1 : cmp(a.ref, b.ref)));

  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: input.serialNumber ?? `urn:uuid:${documentUuid(input)}`,
    version: 1,
    metadata: {
      timestamp: isoTimestamp(input),
      tools: { components: [{ type: 'application', ...(input.tool.vendor ? { group: input.tool.vendor } : {}), name: input.tool.name, version: input.tool.version }] },
      component: { ...root, properties: root.properties },
    },
    components: components.sort((a, b) => (a.type === 'operating-system' ? -1 : b.type === 'operating-system' ? 1 : cmp(a['bom-ref'], b['bom-ref']))),
    dependencies,
  };
}

export function cycloneDxJson(input: SbomInput): string {
  return JSON.stringify(toCycloneDx(input), null, 2) + '\n';
}
