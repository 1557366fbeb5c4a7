import { VersionError } from './errors';

export type Ordering = -1 | 0 | 1;

/** A parsed version: the input plus an ecosystem-specific structure used for ordering. */
export interface ParsedVersion {
  readonly ecosystem: string;
  readonly input: string;
}

export interface VersionComparator<P extends ParsedVersion = ParsedVersion> {
  /** Comparator id: the canonical OSV ecosystem name (e.g. "Debian", "PyPI", "SEMVER"). */
  readonly ecosystem: string;
  /** Further OSV ecosystem names ordered by the same rules (e.g. "Ubuntu" for dpkg). */
  readonly aliases: readonly string[];
  /** Whose rules these are, for reports and cache keys. */
  readonly reference: string;
  /** Bumped whenever the ordering produced by this comparator changes. */
  readonly version: number;
  /** Parses a version; throws VersionError('unparsable-version') when it is not one. */
  parse(v: string): P;
  /** Orders two parsed versions of this comparator. */
  compareParsed(a: P, b: P): Ordering;
  /** Orders two version strings; throws VersionError('unparsable-version') if either is bad. */
  compare(a: string, b: string): Ordering;
  isValid(v: string): boolean;
}

/**
 * Base class: subclasses implement `parse` and `compareParsed`; `compare` and `isValid` follow.
 */
export abstract class BaseComparator<P extends ParsedVersion> implements VersionComparator<P> {
  abstract readonly ecosystem: string;
  readonly aliases: readonly string[] = [];
  abstract readonly reference: string;
  readonly version: number = 1;

  abstract parse(v: string): P;
  abstract compareParsed(a: P, b: P): Ordering;

  compare(a: string, b: string): Ordering {
    return this.compareParsed(this.parse(a), this.parse(b));
  }

  isValid(v: string): boolean {
    try {
      this.parse(v);
      return true;
    } catch (err) {
      if (err instanceof VersionError) return false;
      throw err;
    }
  }
}

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function cmp<T extends string | number | bigint>(a: T, b: T): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Byte-wise (code unit) string comparison, like C's strcmp/memcmp on ASCII. */
export function cmpStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two runs of ASCII digits of any length by numeric value. */
export function cmpDigits(a: string, b: string): Ordering {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const x = a.slice(i);
  const y = b.slice(j);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return cmpStrings(x, y);
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
