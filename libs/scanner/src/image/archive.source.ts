import { sha256Digest } from './digest';
import { ImageError } from './errors';
import {
  blobLayerEntries,
  checkPlatform,
  readCapped,
  type ImageSource,
  type LayerEntry,
  type LayerReadContext,
  type ResolvedImage,
  type ResolvedLayer,
  type ResolveOptions,
} from './image-source';
import type { ImageLimits } from './limits';
import { layerHistory, parseImageConfig, type Platform } from './manifest';
import { OciImageSource } from './oci.source';
import { TarArchive, type ArchiveBlob } from './archive.store';

export type ArchiveFormat = 'oci-archive' | 'docker-archive';

interface DockerManifestEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

const HEX64 = /([a-f0-9]{64})/;
const BLOB_MEMBER = /^\/blobs\/sha256\/([a-f0-9]{64})$/;

/** `docker.io/library/x:tag`, `library/x:tag` and `x:tag` all name the same image. */
function normaliseDockerTag(tag: string): string {
  let t = tag;
  if (t.startsWith('docker.io/')) t = t.slice('docker.io/'.length);
  if (t.startsWith('library/')) t = t.slice('library/'.length);
  if (!/:[^/]+$/.test(t)) t = `${t}:latest`;
  return t;
}

/**
 * `docker save` / skopeo `docker-archive:` tarballs: manifest.json + config + layer tars. There
 * is no manifest blob, so the image is identified by its config digest (Docker's image id); the
 * layers are checked against the config's diff_ids as they stream.
 */
class DockerArchiveSource implements ImageSource {
  readonly kind = 'docker-archive';

  constructor(
    readonly reference: string,
    private readonly archive: TarArchive,
    private readonly tag: string | undefined,
  ) {}

  private async readJson(name: string, maxBytes: number, code: 'manifest-too-large' | 'config-too-large'): Promise<Buffer> {
    const stream = await this.archive.openMember(name, maxBytes, code);
    if (!stream) throw new ImageError('malformed-archive', `${this.archive.description}: ${name} is missing`);
    return readCapped(stream, maxBytes, code, `${this.archive.description} ${name}`);
  }

  private parseManifestJson(bytes: Buffer): DockerManifestEntry[] {
    const what = `${this.archive.description} manifest.json`;
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new ImageError('malformed-manifest', `${what} is not JSON`, { cause: err });
    }
    if (!Array.isArray(doc) || doc.length === 0) throw new ImageError('malformed-manifest', `${what} must be a non-empty array`);
    return doc.map((e: unknown, i) => {
      const o = e as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
      if (typeof o !== 'object' || o === null || typeof o.Config !== 'string' || !Array.isArray(o.Layers)) {
        throw new ImageError('malformed-manifest', `${what}[${i}] needs Config and Layers`);
      }
      const layers = o.Layers.map((l) => {
        if (typeof l !== 'string') throw new ImageError('malformed-manifest', `${what}[${i}].Layers holds a non-string`);
        return l;
      });
      const repoTags = Array.isArray(o.RepoTags) ? o.RepoTags.filter((t): t is string => typeof t === 'string') : [];
      return { config: o.Config, repoTags, layers };
    });
  }

  private member(name: string): string {
    return '/' + name.replace(/^(\.\/|\/)+/, '');
  }

  async resolve(options: ResolveOptions): Promise<ResolvedImage> {
    const what = this.archive.description;
    const entries = this.parseManifestJson(await this.readJson('/manifest.json', options.limits.maxMetadataBytes, 'manifest-too-large'));
    let entry: DockerManifestEntry | undefined;
    if (this.tag !== undefined) {
      const want = normaliseDockerTag(this.tag);
      entry = entries.find((e) => e.repoTags.some((t) => normaliseDockerTag(t) === want));
      if (!entry) {
        const tags = entries.flatMap((e) => e.repoTags);
        throw new ImageError('source-not-found', `${what}: no image tagged ${this.tag} (tags: ${tags.join(', ') || 'none'})`);
      }
    } else if (entries.length === 1) {
      entry = entries[0];
    } else {
      throw new ImageError('ambiguous-reference', `${what} holds ${entries.length} images; name one with :TAG`);
    }
    if (entry.layers.length > options.limits.maxLayers) {
      throw new ImageError('too-many-layers', `${what}: ${entry.layers.length} layers, more than the limit of ${options.limits.maxLayers}`);
    }
    const configBytes = await this.readJson(this.member(entry.config), options.limits.maxConfigBytes, 'config-too-large');
    const configDigest = sha256Digest(configBytes);
    const named = HEX64.exec(entry.config);
    if (named && `sha256:${named[1]}` !== configDigest) {
      throw new ImageError('digest-mismatch', `${what}: config ${entry.config} hashes to ${configDigest}`);
    }
    const config = parseImageConfig(configBytes, `${what} config`);
    if (config.diffIds.length !== entry.layers.length) {
      throw new ImageError('malformed-config', `${what}: config lists ${config.diffIds.length} diff_ids for ${entry.layers.length} layers`);
    }
    const platform: Platform = config.variant
      ? { os: config.os, architecture: config.architecture, variant: config.variant }
      : { os: config.os, architecture: config.architecture };
    checkPlatform(platform, options, what);
    const history = layerHistory(config, entry.layers.length);
    const layers = entry.layers.map((name, index): ResolvedLayer => {
      const member = this.member(name);
      const size = this.archive.sizeOf(member);
      if (size === undefined) throw new ImageError('blob-not-found', `${what}: layer ${name} is missing`);
      const blob = BLOB_MEMBER.exec(member);
      // A layer stored under its blob digest keeps it; a legacy `<id>/layer.tar` is identified by its diff_id.
      const digest = blob ? `sha256:${blob[1]}` : config.diffIds[index];
      const ref = { digest, diffId: config.diffIds[index], index, ...(history[index] !== undefined ? { createdBy: history[index] } : {}) };
      return { ref, size, mediaType: `docker-archive:${member}` };
    });
    return { reference: this.reference, kind: this.kind, configDigest, platform, config, layers };
  }

  async *readLayer(_image: ResolvedImage, layer: ResolvedLayer, ctx: LayerReadContext): AsyncGenerator<LayerEntry> {
    const member = layer.mediaType.slice('docker-archive:'.length);
    const raw = await this.archive.openMember(member, ctx.limits.maxLayerBytes);
    if (!raw) throw new ImageError('blob-not-found', `${this.archive.description}: layer ${member} is missing`);
    const storedIsDigest = BLOB_MEMBER.test(member);
    yield* blobLayerEntries(
      raw,
      {
        // Stored under a digest: verify it. Legacy names: the diff_id check below covers the content.
        digest: storedIsDigest ? layer.ref.digest : undefined,
        size: layer.size,
        diffId: layer.ref.diffId,
        what: `${this.archive.description} layer ${member}`,
      },
      ctx,
    );
  }

  close(): Promise<void> {
    return this.archive.close();
  }
}

/**
 * Opens an `oci-archive` or `docker-archive` (both may be gzip/zstd-compressed as a whole).
 * Newer `docker save` writes an OCI layout inside the tar: read through the OCI path then.
 */
export async function openArchiveSource(
  input: ArchiveBlob,
  opts: { format?: ArchiveFormat; tag?: string; reference: string; limits: ImageLimits },
): Promise<ImageSource> {
  const archive = await TarArchive.index(input, opts.limits);
  const isOci = archive.has('/oci-layout') && archive.has('/index.json');
  const isDocker = archive.has('/manifest.json');
  if (opts.format === 'oci-archive' && !isOci) {
    throw new ImageError('malformed-archive', `archive ${input.name}: no oci-layout/index.json, not an oci-archive`);
  }
  if (isOci) {
    const kind = opts.format ?? (isDocker ? 'docker-archive' : 'oci-archive');
    return new OciImageSource(kind, opts.reference, archive, opts.tag);
  }
  if (isDocker) return new DockerArchiveSource(opts.reference, archive, opts.tag);
  throw new ImageError('malformed-archive', `archive ${input.name}: neither an OCI layout (oci-layout, index.json) nor a docker archive (manifest.json)`);
}
