import { parseImageReference, type ImageReference, type ReferrerDescriptor, type RemoteManifest, type PushedManifest } from '@lazaret/scanner';
import { assertImageDigest } from './digest.util';
import { TrustError } from './errors';

/**
 * What this library needs from a registry. `RegistryPushClient` from `@lazaret/scanner`
 * implements it; the signing service passes one per registry, holding that registry's
 * credentials. Tests may pass an in-memory fake.
 */
export interface OciStore {
  /** Registry host, as written in image references. */
  readonly registry: string;
  getManifest(repository: string, reference: string): Promise<RemoteManifest | undefined>;
  putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<PushedManifest>;
  getBlob(repository: string, digest: string, maxBytes?: number): Promise<Buffer>;
  putBlob(repository: string, bytes: Buffer): Promise<string>;
  resolveDigest(repository: string, reference: string): Promise<string | undefined>;
  /** `undefined` when the registry has no referrers API. Optional: without it, tags only. */
  listReferrers?(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | undefined>;
}

/** An image pinned by the manifest digest that was actually resolved or pulled. */
export interface ImageTarget {
  registry: string;
  repository: string;
  digest: string;
}

/** Where signatures and attestations are stored (cosign's `COSIGN_REPOSITORY`). */
export interface ArtifactLocation {
  store: OciStore;
  repository: string;
}

export function imageTarget(registry: string, repository: string, digest: string): ImageTarget {
  if (typeof registry !== 'string' || registry === '') throw new TrustError('invalid-image', 'registry must be a non-empty host');
  if (typeof repository !== 'string' || repository === '') throw new TrustError('invalid-image', 'repository must be non-empty');
  assertImageDigest(digest);
  return { registry, repository, digest };
}

/** Parses `host/repo@sha256:…` into a target; a reference without a digest is refused. */
export function parseImageTarget(reference: string): ImageTarget {
  const ref = parseReference(reference);
  if (!ref.digest) throw new TrustError('invalid-image', `${reference} has no @digest: resolve the tag first`);
  return imageTarget(ref.registry, ref.repository, ref.digest);
}

export function parseReference(reference: string): ImageReference {
  try {
    return parseImageReference(reference);
  } catch (err) {
    throw new TrustError('invalid-image', (err as Error).message, { cause: err });
  }
}

/** `registry/repository` as cosign writes it into `docker-reference`. */
export function repositoryName(target: { registry: string; repository: string }): string {
  return `${target.registry}/${target.repository}`;
}

/** Runs a registry call and turns its failure into a TrustError('registry-error'). */
export async function viaRegistry<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TrustError) throw err;
    const code = (err as { code?: string }).code;
    throw new TrustError('registry-error', `${what}: ${(err as Error).message}${code ? ` [${code}]` : ''}`, { cause: err });
  }
}
