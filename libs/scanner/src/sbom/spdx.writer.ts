import { createHash } from 'node:crypto';
import { spdxDeclared } from './license-mapping';
import type { SbomInput } from './sbom-input';
import { cmp, documentUuid, imagePurl, isoTimestamp, mergeByPurl, metadataEntries, sha256Hex } from './sbom-common';

export interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER';
  annotator: string;
  comment: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  primaryPackagePurpose?: 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY';
  licenseConcluded?: 'NOASSERTION';
  licenseDeclared?: string;
  licenseComments?: string;
  copyrightText?: 'NOASSERTION';
  checksums?: { algorithm: 'SHA256'; checksumValue: string }[];
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
  sourceInfo?: string;
  comment?: string;
  annotations?: SpdxAnnotation[];
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment?: string };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relatedSpdxElement: string; relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON' }[];
}

const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

/** `SPDXRef-Package-npm-lodash-1a2b3c4d`: readable, unique (hash of the purl), schema-valid. */
export function spdxIdFor(kind: string, label: string, key: string): string {
  const safe = label.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'x';
  const h = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `SPDXRef-${kind}-${safe}-${h}`;
}

/** SPDX 2.3 JSON for one scanned image. Same input → byte-identical output. */
export function toSpdx(input: SbomInput): SpdxDocument {
  const { image, os } = input;
  const created = isoTimestamp(input);
  const tool = `Tool: ${input.tool.name}-${input.tool.version}`;
  const annotation = (comment: string): SpdxAnnotation => ({ annotationDate: created, annotationType: 'OTHER', annotator: tool, comment });
  const layerByDigest = new Map(image.layers.map((l) => [l.digest, l]));
  const uuid = documentUuid(input);
  const docName = image.repository ?? image.name;

  const rootPurl = imagePurl(image);
  const rootId = spdxIdFor('Image', docName, rootPurl);
  const hex = sha256Hex(image.manifestDigest);
  const layers = [...image.layers].sort((a, b) => a.index - b.index);
  const root: SpdxPackage = {
    SPDXID: rootId,
    name: docName,
    versionInfo: image.manifestDigest,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    ...(hex ? { checksums: [{ algorithm: 'SHA256' as const, checksumValue: hex }] } : {}),
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: rootPurl }],
    annotations: [
      annotation(`lazaret:image:name=${image.name}`),
      annotation(`lazaret:image:manifestDigest=${image.manifestDigest}`),
      ...(image.configDigest ? [annotation(`lazaret:image:configDigest=${image.configDigest}`)] : []),
      ...(image.platform ? [annotation(`lazaret:image:platform=${[image.platform.os, image.platform.architecture, image.platform.variant].filter(Boolean).join('/')}`)] : []),
      ...layers.map((l) => annotation(`lazaret:image:layer=${l.index} ${l.digest}${l.diffId ? ` ${l.diffId}` : ''}`)),
    ],
  };
  const packages: SpdxPackage[] = [root];
  const relationships: SpdxDocument['relationships'] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: rootId, relationshipType: 'DESCRIBES' }];

  let osId: string | undefined;
  if (os) {
    osId = spdxIdFor('OperatingSystem', os.id, `${os.id}@${os.versionId ?? ''}`);
    packages.push({
      SPDXID: osId,
      name: os.id,
      ...(os.versionId ? { versionInfo: os.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      ...(os.prettyName ? { comment: os.prettyName } : {}),
    });
    relationships.push({ spdxElementId: rootId, relatedSpdxElement: osId, relationshipType: 'CONTAINS' });
  }

  const merged = mergeByPurl(input.packages);
  const idByPurl = new Map<string, string>();
  for (const m of merged) idByPurl.set(m.pkg.purl, spdxIdFor('Package', `${m.pkg.type}-${m.pkg.name}`, m.pkg.purl));
  for (const m of merged) {
    const p = m.pkg;
    const id = idByPurl.get(p.purl)!;
    const introducing = p.layerDigest ?? m.locations[0]?.layerDigest;
    const layer = introducing ? layerByDigest.get(introducing) : undefined;
    const declared = spdxDeclared(p.licenses);
    const where = m.locations.map((l) => `${l.path} (layer ${l.layerDigest})`).join('; ');
    const sp: SpdxPackage = {
      SPDXID: id,
      name: p.namespace && p.type !== 'deb' && p.type !== 'rpm' && p.type !== 'apk' ? `${p.namespace}/${p.name}` : p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'LIBRARY',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared,
      ...(declared === 'NOASSERTION' && p.licenses.length ? { licenseComments: `declared: ${p.licenses.join('; ')}` } : {}),
      copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      sourceInfo: `found by ${m.foundBy.join(', ')} in ${where}`.slice(0, 4096),
      annotations: [
        ...(introducing ? [annotation(`lazaret:layer:digest=${introducing}`)] : []),
        ...(layer?.diffId ? [annotation(`lazaret:layer:diffId=${layer.diffId}`)] : []),
        ...(layer ? [annotation(`lazaret:layer:index=${layer.index}`)] : []),
        ...(p.sourceName ? [annotation(`lazaret:package:sourceName=${p.sourceName}`)] : []),
        ...(p.sourceVersion ? [annotation(`lazaret:package:sourceVersion=${p.sourceVersion}`)] : []),
        ...(p.arch ? [annotation(`lazaret:package:arch=${p.arch}`)] : []),
        ...m.locations.map((l) => annotation(`lazaret:location=${l.layerDigest} ${l.path}`)),
        ...metadataEntries(p).map(([k, v]) => annotation(`lazaret:metadata:${k}=${v}`)),
      ],
    };
    packages.push(sp);
    const parent = osId && OS_TYPES.has(p.type) ? osId : rootId;
    relationships.push({ spdxElementId: parent, relatedSpdxElement: id, relationshipType: 'CONTAINS' });
    for (const d of m.dependsOn) {
      const target = idByPurl.get(d);
      if (target && target !== id) relationships.push({ spdxElementId: id, relatedSpdxElement: target, relationshipType: 'DEPENDS_ON' });
    }
  }

  const slug = docName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'image';
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: docName,
    documentNamespace: input.documentNamespace ?? `https://lazaret.dev/spdx/${slug}-${uuid}`,
    creationInfo: { created, creators: [tool, ...(input.tool.vendor ? [`Organization: ${input.tool.vendor}`] : [])] },
    packages: [packages[0], ...packages.slice(1).sort((a, b) => cmp(a.SPDXID, b.SPDXID))],
    relationships: relationships.sort(
      (a, b) => (a.relationshipType === 'DESCRIBES' ? -1 : b.relationshipType === 'DESCRIBES' ? 1 : 0) || cmp(a.spdxElementId, b.spdxElementId) || cmp(a.relationshipType, b.relationshipType) || cmp(a.relatedSpdxElement, b.relatedSpdxElement),
    ),
  };
}

export function spdxJson(input: SbomInput): string {
  return JSON.stringify(toSpdx(input), null, 2) + '\n';
}
