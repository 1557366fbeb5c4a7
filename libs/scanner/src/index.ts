// Public API of @lazaret/scanner (hand-picked).

// The seam between image reading and cataloging.
export type {
  AnalysisInput,
  CatalogResult,
  Cataloger,
  FileInfo,
  FileType,
  LayerRef,
  OsRelease,
  Package,
  PackageLocation,
  PackageType,
  ScanNote,
} from './model';

// Reading images.
export { catalogImage, type CatalogImageOptions, type ImageCatalog, type ImageLayer, type ScanProgress } from './scan';
export { ImageError, isImageError, type ImageErrorCode } from './image/errors';
export { DEFAULT_LIMITS, resolveLimits, type ImageLimits } from './image/limits';
export { openImageSource, openArchiveBlob, type OpenSourceOptions, type SourceFormat } from './image/open-source';
export { fileArchive, type ArchiveBlob } from './image/archive.store';
export type { ImageSource, ResolvedImage, ResolvedLayer, ResolveOptions, LayerEntry, LayerReadContext, SourceKind } from './image/image-source';
export { DirectoryLayerCache, MemoryLayerCache, layerCacheKey, type LayerCache } from './image/layer-cache';
export type { LayerAnalysis } from './image/layer.analyzer';
export type { ImageFile } from './image/merge';
export { parseImageReference, formatReference, type ImageReference } from './image/reference';
export { loadDockerConfig, parseDockerConfig, type CredentialStore, type RegistryCredentials } from './image/docker-config';
export { parsePlatform, formatPlatform, MEDIA_TYPES, type Platform, type ImageConfig } from './image/manifest';
export { RegistryImageSource } from './image/registry.source';
export { RegistryPushClient, type RegistryPushClientOptions, type RemoteManifest, type PushedManifest, type ReferrerDescriptor } from './image/registry-push.client';
export { RootfsSource } from './image/rootfs.source';

// Finding packages.
export {
  defaultCatalogers,
  ecosystemName,
  CatalogerRegistry,
  CatalogError,
  type CatalogErrorCode,
  osReleasePriority,
  OsReleaseCataloger,
  DpkgCataloger,
  ApkCataloger,
  RpmCataloger,
  NpmLockCataloger,
  NpmPackageCataloger,
  PythonPackageCataloger,
  JavaArchiveCataloger,
  GoBinaryCataloger,
  RustBinaryCataloger,
  CargoLockCataloger,
  GemspecCataloger,
  ComposerLockCataloger,
} from './catalog';

// Writing SBOMs.
export * from './sbom';
