/** Why reading an image failed. Every hostile-input case maps to one of these codes. */
export type ImageErrorCode =
  // references and sources
  | 'invalid-reference'
  | 'source-not-found'
  | 'unsupported-source'
  | 'ambiguous-reference'
  // manifests, indexes and configs
  | 'unsupported-media-type'
  | 'manifest-too-large'
  | 'config-too-large'
  | 'malformed-manifest'
  | 'malformed-config'
  | 'index-too-deep'
  | 'index-cycle'
  | 'platform-not-found'
  | 'too-many-layers'
  // blobs
  | 'blob-not-found'
  | 'unsafe-blob-path'
  | 'digest-mismatch'
  | 'diffid-mismatch'
  | 'size-mismatch'
  | 'invalid-digest'
  // registries
  | 'unauthorized'
  | 'registry-error'
  | 'network-error'
  | 'timeout'
  | 'insecure-not-allowed'
  | 'too-many-redirects'
  // archives and layers
  | 'malformed-archive'
  | 'malformed-tar'
  | 'truncated'
  | 'path-traversal'
  | 'absolute-path'
  | 'hardlink-escape'
  | 'too-many-entries'
  | 'decompression-bomb'
  | 'decompression-failed'
  | 'layer-too-large'
  | 'image-too-large'
  // engine
  | 'duplicate-cataloger'
  | 'invalid-option'
  | 'aborted';

export class ImageError extends Error {
  override readonly name = 'ImageError';

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isImageError(err: unknown, code?: ImageErrorCode): err is ImageError {
  return err instanceof ImageError && (code === undefined || err.code === code);
}
