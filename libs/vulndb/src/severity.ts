import { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';

/** Severity ratings, most severe first. `negligible` is a distribution's "unimportant". */
export const RATINGS = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Rating = (typeof RATINGS)[number];

export function isRating(s: string): s is Rating {
  return (RATINGS as readonly string[]).includes(s);
}

/** Higher is more severe (critical 5 … unknown 0). */
export function ratingRank(r: Rating): number {
  return RATINGS.length - 1 - RATINGS.indexOf(r);
}

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  /** Base score (CVSS v4: CVSS-B, or CVSS-BT/BE/BTE when the vector carries those metrics). */
  score: number;
  rating: Rating;
}

/** A severity a distribution or database assigned in its own words. */
export interface VendorSeverity {
  /** `debian` (urgency), `ubuntu` (priority), `ghsa` (database_specific.severity), ... */
  source: string;
  /** As written: `unimportant`, `not yet assigned`, `MODERATE`, ... */
  raw: string;
  rating: Rating;
}

/** CVSS v3.x/v4.0 qualitative scale (v2 has no "critical": 7.0-10.0 is high). */
export function ratingOfScore(score: number, version: CvssVersion): Rating {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'negligible';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

interface Scorable {
  isBaseFullyDefined(): boolean;
  calculateScores(): { overall: number; vector: string };
}

function scorer(vector: string): { version: CvssVersion; vec: Scorable } | undefined {
  const v = vector.trim();
  if (v.startsWith('CVSS:4.0/')) return { version: '4.0', vec: new Cvss4P0(v) };
  if (v.startsWith('CVSS:3.1/')) return { version: '3.1', vec: new Cvss3P1(v) };
  if (v.startsWith('CVSS:3.0/')) return { version: '3.0', vec: new Cvss3P0(v) };
  if (/^\(?AV:[LAN]\//.test(v)) return { version: '2.0', vec: new Cvss2(v.replace(/^\(|\)$/g, '')) };
  return undefined;
}

/**
 * Scores one CVSS vector with ae-cvss-calculator. Returns undefined for a vector that is not
 * CVSS or lacks base metrics (never a made-up score).
 */
export function scoreCvss(vector: string): CvssScore | undefined {
  try {
    const s = scorer(vector);
    if (!s || !s.vec.isBaseFullyDefined()) return undefined;
    const { overall } = s.vec.calculateScores();
    if (typeof overall !== 'number' || !Number.isFinite(overall)) return undefined;
    const score = Math.round(overall * 10) / 10;
    return { version: s.version, vector: vector.trim(), score, rating: ratingOfScore(score, s.version) };
  } catch {
    return undefined;
  }
}

const VERSION_ORDER: Record<CvssVersion, number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/** The score to show: the newest CVSS version present, then the highest score within it. */
export function primaryCvss(scores: readonly CvssScore[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const s of scores) {
    if (!best || VERSION_ORDER[s.version] > VERSION_ORDER[best.version] || (s.version === best.version && s.score > best.score)) best = s;
  }
  return best;
}

/** Debian security tracker urgency (`ecosystem_specific.urgency` in DEBIAN-CVE records). */
const DEBIAN_URGENCY: Record<string, Rating> = {
  unimportant: 'negligible',
  low: 'low',
  'low**': 'low',
  medium: 'medium',
  'medium**': 'medium',
  high: 'high',
  'high**': 'high',
  'not yet assigned': 'unknown',
  'end-of-life': 'unknown',
};

/** Ubuntu CVE tracker priority (severity type `Ubuntu` in UBUNTU-CVE records). */
const UBUNTU_PRIORITY: Record<string, Rating> = {
  negligible: 'negligible',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
  untriaged: 'unknown',
};

/** GitHub advisory database `database_specific.severity`. */
const GHSA_SEVERITY: Record<string, Rating> = { CRITICAL: 'critical', HIGH: 'high', MODERATE: 'medium', MEDIUM: 'medium', LOW: 'low' };

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() ? x.trim() : undefined;
}

/**
 * The distribution's own severity for one `affected[]` entry, when it states one: Debian's
 * urgency (`ecosystem_specific.urgency` or `database_specific.urgency`), Ubuntu's priority
 * (severity type `Ubuntu`), or a generic `severity` word in database_specific.
 */
export function vendorSeverity(
  ecosystemBase: string,
  ecosystemSpecific: Record<string, unknown> | undefined,
  databaseSpecific: Record<string, unknown> | undefined,
  severities: readonly { type: string; score: string }[],
): VendorSeverity | undefined {
  if (ecosystemBase === 'Debian') {
    const raw = str(ecosystemSpecific?.urgency) ?? str(databaseSpecific?.urgency);
    if (raw) return { source: 'debian', raw, rating: DEBIAN_URGENCY[raw.toLowerCase()] ?? 'unknown' };
  }
  const ubuntu = severities.find((s) => s.type === 'Ubuntu');
  if (ubuntu) return { source: 'ubuntu', raw: ubuntu.score, rating: UBUNTU_PRIORITY[ubuntu.score.toLowerCase()] ?? 'unknown' };
  const word = str(databaseSpecific?.severity) ?? str(ecosystemSpecific?.severity);
  if (word) {
    const lower = word.toLowerCase();
    const rating = GHSA_SEVERITY[word.toUpperCase()] ?? (isRating(lower) ? lower : lower === 'important' ? 'high' : lower === 'moderate' ? 'medium' : undefined);
    if (rating) return { source: ecosystemBase.toLowerCase(), raw: word, rating };
  }
  return undefined;
}

/** A record-level `database_specific.severity` (GHSA: CRITICAL/HIGH/MODERATE/LOW). */
export function databaseSeverity(databaseSpecific: Record<string, unknown> | undefined, recordId: string): VendorSeverity | undefined {
  const word = str(databaseSpecific?.severity);
  if (!word) return undefined;
  const lower = word.toLowerCase();
  const rating = GHSA_SEVERITY[word.toUpperCase()] ?? (isRating(lower) ? lower : undefined);
  if (!rating) return undefined;
  const source = recordId.startsWith('GHSA-') ? 'ghsa' : recordId.split('-')[0]!.toLowerCase();
  return { source, raw: word, rating };
}
