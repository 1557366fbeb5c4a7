import type { OsvEvent } from '@lazaret/versions';
import type { VendorSeverity } from './severity';

/** The parts of an OSV record (https://ossf.github.io/osv-schema/) the database uses. */
export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  repo?: string;
  events: OsvEvent[];
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: { type: string; url: string }[] | null;
  database_specific?: Record<string, unknown>;
}

/** How a distribution says it will treat an issue, when it says so. */
export type VendorStatus = 'wont-fix';

/** One `affected[]` entry as stored: keyed for lookup, GIT ranges dropped. */
export interface AffectedPackage {
  ecosystem: string;
  name: string;
  purl?: string;
  /** `ecosystemKey(ecosystem)`: `Debian:12`, `Ubuntu:22.04`, `PyPI`. */
  ecosystemKey: string;
  /** `nameKey(ecosystem, name)`. */
  nameKey: string;
  /** SEMVER and ECOSYSTEM ranges (GIT ranges describe commits, not package versions). */
  ranges: { type: 'SEMVER' | 'ECOSYSTEM'; events: OsvEvent[] }[];
  versions: string[];
  /** CVSS vectors given on this entry (they override the record's). */
  severity: OsvSeverity[];
  vendorSeverity?: VendorSeverity;
  vendorStatus?: VendorStatus;
}

/** An advisory as the store keeps it: the OSV record, trimmed to what findings show. */
export interface Advisory {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  upstream: string[];
  summary?: string;
  /** Truncated to `MAX_DETAILS` characters. */
  details?: string;
  severity: OsvSeverity[];
  /** Record-level `database_specific.severity` (GHSA), when present. */
  databaseSeverity?: VendorSeverity;
  references: { type: string; url: string }[];
  affected: AffectedPackage[];
}
