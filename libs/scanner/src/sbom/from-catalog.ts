import { createHash } from 'node:crypto';
import { withDistro } from '../catalog/internal/purl';
import { parseImageReference } from '../image/reference';
import type { ImageCatalog } from '../scan';
import type { SbomInput } from './sbom-input';

/**
 * Maps a scan result onto what the SBOM writers take. The CLI and the scanning service both use
 * it, so the two produce the same documents for the same image.
 */
export function sbomInputFromCatalog(catalog: ImageCatalog, tool: { name: string; version: string }, timestamp?: Date): SbomInput {
  let repository: string | undefined;
  let tag: string | undefined;
  if (catalog.source === 'registry') {
    const ref = parseImageReference(catalog.reference);
    repository = `${ref.registry}/${ref.repository}`;
    tag = ref.tag;
  }
  // A rootfs or an old docker-archive has no manifest: identify it by its config, or by its layers.
  const manifestDigest =
    catalog.manifestDigest ??
    catalog.configDigest ??
    `sha256:${createHash('sha256')
      .update(catalog.layers.map((l) => l.digest).join('\n'))
      .digest('hex')}`;
  return {
    image: {
      name: catalog.reference,
      repository,
      tag,
      manifestDigest,
      configDigest: catalog.configDigest,
      platform: catalog.platform,
      layers: catalog.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, index: l.index, size: l.size, createdBy: l.createdBy })),
    },
    os: catalog.os,
    packages: catalog.packages.map((p) => withDistro(p, catalog.os)),
    tool: { name: tool.name, version: tool.version, vendor: 'Lazaret' },
    timestamp,
  };
}
