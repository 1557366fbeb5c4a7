import type { OsRelease, Package } from '../model';

/** One image layer as the SBOM shows it. */
export interface SbomLayer {
  /** Blob digest as stored in the registry/manifest (`sha256:...`). */
  digest: string;
  diffId?: string;
  index: number;
  size?: number;
  createdBy?: string;
}

export interface SbomImage {
  /** What the user asked for, e.g. `registry.example/app:1.2` or `oci:/path/layout:tag`. */
  name: string;
  /** Repository without tag/digest, for the `pkg:oci` purl (`registry.example/app`). */
  repository?: string;
  tag?: string;
  /** Digest of the manifest that was scanned (the image's identity). */
  manifestDigest: string;
  configDigest?: string;
  platform?: { os: string; architecture: string; variant?: string };
  layers: SbomLayer[];
}

/** Everything the writers need; the scan result maps onto this 1:1. */
export interface SbomInput {
  image: SbomImage;
  os?: OsRelease;
  packages: Package[];
  tool: { name: string; version: string; vendor?: string };
  /** Injected for deterministic output; default: now. */
  timestamp?: Date;
  /** CycloneDX `urn:uuid:...`; default: derived from the manifest digest and tool version. */
  serialNumber?: string;
  /** SPDX document namespace; default: derived like the serial number. */
  documentNamespace?: string;
}
