import type { CredentialStore, RegistryCredentials } from './docker-config';
import {
  blobLayerEntries,
  pickManifest,
  resolveConfigAndLayers,
  type ImageSource,
  type LayerEntry,
  type LayerReadContext,
  type ResolvedImage,
  type ResolvedLayer,
  type ResolveOptions,
} from './image-source';
import type { ImageLimits } from './limits';
import { parseManifestDocument, type Descriptor } from './manifest';
import { RegistryClient, type FetchLike } from './registry.client';
import { formatReference, type ImageReference } from './reference';
import { normaliseAuthKey } from './docker-config';

export interface RegistrySourceOptions {
  insecure?: boolean;
  credentials?: RegistryCredentials;
  /** Credentials by registry host (from a docker config.json); `credentials` wins. */
  credentialStore?: CredentialStore;
  limits: ImageLimits;
  fetch?: FetchLike;
  signal?: AbortSignal;
  userAgent?: string;
}

/** An image in an OCI distribution registry. */
export class RegistryImageSource implements ImageSource {
  readonly kind = 'registry';
  readonly reference: string;
  private readonly client: RegistryClient;

  constructor(
    private readonly ref: ImageReference,
    opts: RegistrySourceOptions,
  ) {
    this.reference = formatReference(ref);
    const credentials = opts.credentials ?? opts.credentialStore?.get(normaliseAuthKey(ref.registry));
    this.client = new RegistryClient({
      registry: ref.registry,
      insecure: opts.insecure,
      credentials,
      limits: opts.limits,
      fetch: opts.fetch,
      signal: opts.signal,
      userAgent: opts.userAgent ?? 'lazaret-scanner',
    });
  }

  async resolve(options: ResolveOptions): Promise<ResolvedImage> {
    const repo = this.ref.repository;
    const what = `image ${this.reference}`;
    const top = await this.client.getManifest(repo, this.ref.digest ?? (this.ref.tag as string));
    const doc = parseManifestDocument(top.bytes, top.contentType, `${what} manifest`);
    const reader = {
      openBlob: (d: Descriptor) => this.client.openBlob(repo, d),
    };
    const picked = await pickManifest(
      { doc, digest: top.digest, bytes: top.bytes },
      {
        loadManifest: async (d: Descriptor) => {
          const m = await this.client.getManifest(repo, d.digest);
          return m.contentType ? { bytes: m.bytes, contentType: m.contentType } : { bytes: m.bytes };
        },
      },
      options,
      what,
    );
    const { config, layers, platform } = await resolveConfigAndLayers(picked.manifest, reader, options, what);
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

  async *readLayer(_image: ResolvedImage, layer: ResolvedLayer, ctx: LayerReadContext): AsyncGenerator<LayerEntry> {
    const raw = await this.client.openBlob(this.ref.repository, { mediaType: layer.mediaType, digest: layer.ref.digest, size: layer.size });
    yield* blobLayerEntries(raw, { digest: layer.ref.digest, size: layer.size, diffId: layer.ref.diffId, what: `${this.reference} layer ${layer.ref.digest}` }, ctx);
  }

  async close(): Promise<void> {}
}

