import type { Readable } from 'node:stream';
import { ImageError } from './errors';
import {
  blobLayerEntries,
  pickManifest,
  readCapped,
  readSmallBlob,
  resolveConfigAndLayers,
  choosePlatform,
  type BlobReader,
  type ImageSource,
  type LayerEntry,
  type LayerReadContext,
  type ResolvedImage,
  type ResolvedLayer,
  type ResolveOptions,
  type SourceKind,
} from './image-source';
import { MEDIA_TYPES, parseManifestDocument, type Descriptor, type ImageIndex } from './manifest';

/** Storage of an OCI image layout: a directory, or the same tree inside a tarball. */
export interface LayoutStore extends BlobReader {
  readonly description: string;
  /** A top-level file (`oci-layout`, `index.json`), or undefined when absent. */
  readMetadata(name: 'oci-layout' | 'index.json', maxBytes: number): Promise<Readable | undefined>;
  close(): Promise<void>;
}

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';

/** Reads an image from an OCI layout: index.json → (tag) → index/manifest → config → layers. */
export class OciImageSource implements ImageSource {
  constructor(
    readonly kind: SourceKind,
    readonly reference: string,
    private readonly store: LayoutStore,
    private readonly tag: string | undefined,
  ) {}

  async resolve(options: ResolveOptions): Promise<ResolvedImage> {
    const what = this.store.description;
    const layoutStream = await this.store.readMetadata('oci-layout', options.limits.maxMetadataBytes);
    if (!layoutStream) throw new ImageError('malformed-archive', `${what}: no oci-layout file, not an OCI image layout`);
    const layout = await readCapped(layoutStream, options.limits.maxMetadataBytes, 'manifest-too-large', `${what} oci-layout`);
    let version: unknown;
    try {
      version = (JSON.parse(layout.toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch (err) {
      throw new ImageError('malformed-manifest', `${what}: oci-layout is not JSON`, { cause: err });
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new ImageError('unsupported-media-type', `${what}: unsupported imageLayoutVersion ${JSON.stringify(version)}`);
    }
    const indexStream = await this.store.readMetadata('index.json', options.limits.maxManifestBytes);
    if (!indexStream) throw new ImageError('malformed-archive', `${what}: no index.json`);
    const indexBytes = await readCapped(indexStream, options.limits.maxManifestBytes, 'manifest-too-large', `${what} index.json`);
    const top = parseManifestDocument(indexBytes, MEDIA_TYPES.ociIndex, `${what} index.json`);
    if (top.kind !== 'index') throw new ImageError('malformed-manifest', `${what}: index.json is not an index`);

    const start = this.pickFromLayoutIndex(top, options, what);
    const loader = {
      loadManifest: async (d: Descriptor, w: string) => ({
        bytes: await readSmallBlob(this.store, d, options.limits.maxManifestBytes, w),
      }),
    };
    const { bytes } = await loader.loadManifest(start, `${what} manifest ${start.digest}`);
    const doc = parseManifestDocument(bytes, start.mediaType, `${what} manifest ${start.digest}`);
    const picked = await pickManifest({ doc, digest: start.digest, bytes }, loader, options, what);
    const { config, layers, platform } = await resolveConfigAndLayers(picked.manifest, this.store, options, what);
    const out: ResolvedImage = {
      reference: this.reference,
      kind: this.kind,
      manifestDigest: picked.digest,
      manifestMediaType: picked.manifest.mediaType,
      configDigest: picked.manifest.config.digest,
      platform,
      config,
      layers,
    };
    if (picked.indexDigest) out.indexDigest = picked.indexDigest;
    return out;
  }

  private pickFromLayoutIndex(top: ImageIndex, options: ResolveOptions, what: string): Descriptor {
    let candidates = top.manifests;
    if (this.tag !== undefined) {
      const tag = this.tag;
      candidates = candidates.filter((m) => {
        const ref = m.annotations?.[REF_NAME_ANNOTATION];
        const full = m.annotations?.[CONTAINERD_NAME_ANNOTATION];
        return ref === tag || full === tag || (full !== undefined && full.endsWith(`:${tag}`));
      });
      if (candidates.length === 0) {
        const tags = top.manifests.map((m) => m.annotations?.[REF_NAME_ANNOTATION]).filter((t) => t !== undefined);
        throw new ImageError('source-not-found', `${what}: no image tagged ${JSON.stringify(tag)} (tags: ${tags.join(', ') || 'none'})`);
      }
    }
    if (candidates.length === 1) return candidates[0];
    if (candidates.length === 0) throw new ImageError('source-not-found', `${what}: index.json lists no image`);
    if (candidates.every((m) => m.platform)) {
      return choosePlatform({ ...top, manifests: candidates }, options.platform, what);
    }
    const tags = candidates.map((m) => m.annotations?.[REF_NAME_ANNOTATION] ?? m.digest);
    throw new ImageError('ambiguous-reference', `${what} holds several images; name one with :TAG (${tags.join(', ')})`);
  }

  async *readLayer(_image: ResolvedImage, layer: ResolvedLayer, ctx: LayerReadContext): AsyncGenerator<LayerEntry> {
    const descriptor: Descriptor = { mediaType: layer.mediaType, digest: layer.ref.digest, size: layer.size };
    const raw = await this.store.openBlob(descriptor, ctx.limits.maxLayerBytes);
    yield* blobLayerEntries(
      raw,
      { digest: layer.ref.digest, size: layer.size, diffId: layer.ref.diffId, what: `${this.store.description} layer ${layer.ref.digest}` },
      ctx,
    );
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
