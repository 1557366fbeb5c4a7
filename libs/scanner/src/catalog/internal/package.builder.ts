import type { AnalysisInput, Package, PackageType } from '../../model';
import { normalizeLicenses } from './spdx-license';
import { buildPurl, type Qualifiers } from './purl';

export interface PackageSpec {
  type: PackageType;
  name: string;
  version: string;
  namespace?: string;
  qualifiers?: Qualifiers;
  /** purl version when it differs from the version shown (rpm puts the epoch in a qualifier). */
  purlVersion?: string;
  licenses?: (string | undefined)[];
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  metadata?: Package['metadata'];
}

/** One place that turns parsed fields into a `Package`, so every cataloger fills the same fields. */
export function makePackage(spec: PackageSpec, foundBy: string, input: Pick<AnalysisInput, 'info' | 'layer'>): Package {
  const pkg: Package = {
    type: spec.type,
    name: spec.name,
    version: spec.version,
    purl: buildPurl(spec.type, spec.namespace, spec.name, spec.purlVersion ?? spec.version, spec.qualifiers),
    licenses: normalizeLicenses(spec.licenses ?? []),
    foundBy,
    locations: [{ path: input.info.path, layerDigest: input.layer.digest }],
  };
  if (spec.namespace) pkg.namespace = spec.namespace;
  if (spec.sourceName) pkg.sourceName = spec.sourceName;
  if (spec.sourceVersion) pkg.sourceVersion = spec.sourceVersion;
  if (spec.arch) pkg.arch = spec.arch;
  if (spec.metadata && Object.keys(spec.metadata).length > 0) pkg.metadata = spec.metadata;
  return pkg;
}
