// Public API of @lazaret/vulndb (hand-picked).
export { VulnDbError, isVulnDbError, type VulnDbErrorCode } from './errors';
export type { Advisory, AffectedPackage, OsvAffected, OsvRange, OsvRecord, OsvSeverity, VendorStatus } from './osv.model';
export { validateOsv, toAdvisory, MAX_DETAILS, type OsvValidation } from './osv.validator';
export { distroEcosystem, ecosystemBase, ecosystemKey, nameKey, normalizePypiName, packageQuery, type PackageQuery } from './ecosystem';
export {
  RATINGS,
  isRating,
  ratingRank,
  ratingOfScore,
  scoreCvss,
  primaryCvss,
  vendorSeverity,
  type CvssScore,
  type CvssVersion,
  type Rating,
  type VendorSeverity,
} from './severity';
export {
  META_LAST_IMPORT,
  type AdvisoryStore,
  type AffectedHit,
  type EcosystemCount,
  type Enrichment,
  type EnrichmentInfo,
  type EpssEntry,
  type KevEntry,
  type PackageKey,
  type StoreStatus,
} from './store';
export { MemoryAdvisoryStore } from './memory.store';
export { SqlJsAdvisoryStore, SQLJS_SCHEMA, type SqlJsOpenOptions } from './sqljs.store';
export { importPath, importRecords, type ImportIssue, type ImportIssueCode, type ImportOptions, type ImportReport } from './importer';
export { detectInput, directoryItems, zipItems, jsonFileItems, type InputKind, type SourceItem } from './import.sources';
export { parseKev, readEpss } from './enrichment';
export { ZipReader, DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits } from './zip.reader';
export {
  matchPackages,
  evaluateAffected,
  type Finding,
  type FindingPackage,
  type FindingState,
  type MatchInput,
  type MatchResult,
  type UnknownOrdering,
} from './matcher';
export { SAMPLE_DATA } from './sample';
