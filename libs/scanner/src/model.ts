/**
 * The seam between reading images (src/image/**) and finding packages (src/catalog/**).
 *
 * Image readers stream every layer once. For each entry they ask every registered cataloger
 * whether it wants the file (`required`); wanted files are buffered (bounded by
 * `maxFileSize`) and handed to `analyze`. Results are kept per layer and per path, so the
 * merge can apply whiteouts and attribute each package to the layer that introduced it.
 */

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface FileInfo {
  /** Normalised, absolute inside the image: always starts with '/', no '.', '..' or '//' parts. */
  path: string;
  type: FileType;
  size: number;
  mode: number;
  /** For symlinks and hardlinks, the target exactly as stored in the layer. */
  linkTarget?: string;
}

export interface LayerRef {
  /** Digest of the layer blob as stored (compressed), `sha256:<hex>`; for a rootfs scan, a digest of the directory listing. */
  digest: string;
  /** Uncompressed digest from the image config's rootfs.diff_ids, when known. */
  diffId?: string;
  /** 0 for the base layer. */
  index: number;
  /** The history entry's created_by that produced the layer, when known. */
  createdBy?: string;
}

export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'maven' | 'golang' | 'gem' | 'cargo' | 'composer';

export interface PackageLocation {
  path: string;
  layerDigest: string;
}

export interface Package {
  type: PackageType;
  name: string;
  version: string;
  /** Package URL (built with packageurl-js). */
  purl: string;
  /** SPDX license ids where the declared text maps to one; otherwise the declared text as is. */
  licenses: string[];
  /** Source package (deb, rpm, apk origin) name and version: needed to match distro advisories. */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  /** Maven groupId, npm scope, Go module path prefix... where the ecosystem has one. */
  namespace?: string;
  /** Id of the cataloger that found it. */
  foundBy: string;
  /** The file(s) that prove it. */
  locations: PackageLocation[];
  /** Layer that introduced the package (set by the merge; catalogers may leave it empty). */
  layerDigest?: string;
  /** Ecosystem-specific extras (e.g. rpm epoch, go main module, jar digest). Plain JSON. */
  metadata?: Record<string, string | number | boolean | string[]>;
}

export interface OsRelease {
  /** `debian`, `ubuntu`, `alpine`, `fedora`, `rhel`, `rocky`, `almalinux`, `amzn`, `wolfi`, ... */
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike: string[];
}

/** Something a user should know that is not a package: a skipped file, an unsupported db format. */
export interface ScanNote {
  level: 'info' | 'warning';
  code: string;
  message: string;
  path?: string;
}

export interface CatalogResult {
  packages: Package[];
  os?: OsRelease;
  notes?: ScanNote[];
}

export interface AnalysisInput {
  info: FileInfo;
  content: Buffer;
  layer: LayerRef;
}

export interface Cataloger {
  /** Stable id, e.g. `dpkg-db`; duplicate ids throw at registration. */
  readonly id: string;
  /** Bumped whenever the output for the same input can change: part of the layer cache key. */
  readonly version: number;
  /** Files above this are not buffered; the cataloger receives a `file-too-large` note instead. */
  readonly maxFileSize: number;
  required(info: FileInfo): boolean;
  analyze(input: AnalysisInput): Promise<CatalogResult> | CatalogResult;
}
