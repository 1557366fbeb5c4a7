import { BaseComparator, type Ordering, type ParsedVersion, sign } from './comparator';
import { unparsable } from './errors';

export interface ComposerVersion extends ParsedVersion {
  /** Composer\Semver\VersionParser::normalize() output, e.g. "1.2.0.0-beta2". */
  readonly normalized: string;
}

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

/** PHP's trim() character set. */
function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

/**
 * Composer\Semver\VersionParser::normalize (composer/semver 3.x). Returns "dev-<name>" for
 * branch names; throws for strings Composer rejects.
 */
export function normalizeComposerVersion(input: string): string {
  let version = phpTrim(input);
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1]!;
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build) version = build[1]!;

  let m = CLASSICAL.exec(version);
  let index = 0;
  if (m) {
    version = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    index = 5;
  } else {
    m = DATE.exec(version);
    if (m) {
      version = m[1]!.replace(/\D/g, '.');
      index = 2;
    }
  }
  if (m && index > 0) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return version;
      const digits = m[index + 1];
      version += `-${expandStability(stability)}${digits ? digits.replace(/^[.-]+/, '') : ''}`;
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const branch = BRANCH.exec(phpTrim(dev[1]!));
    if (branch) {
      let out = '';
      for (let i = 1; i < 5; i++) out += branch[i] !== undefined ? branch[i]!.replace(/[*X]/g, 'x') : '.x';
      return `${out.replace(/x/g, '9999999')}-dev`;
    }
  }
  throw new Error(`Invalid version string "${input}"`);
}

/** php_canonicalize_version from ext/standard/versioning.c. */
function canonicalize(v: string): string {
  const isDig = (c: string) => c >= '0' && c <= '9';
  const isNdig = (c: string) => !isDig(c) && c !== '.';
  const isAlnum = (c: string) => /[0-9A-Za-z]/.test(c);
  let out = v[0] ?? '';
  let lp = v[0] ?? '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!;
    const last = out[out.length - 1];
    if (c === '-' || c === '_' || c === '+') {
      if (last !== '.') out += '.';
    } else if ((isNdig(lp) && isDig(c)) || (isDig(lp) && isNdig(c))) {
      if (last !== '.') out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (last !== '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(s: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (s.startsWith(name)) return order;
  return -1;
}

const LONG_MAX = (1n << 63n) - 1n;

/** strtol(s, NULL, 10) on a segment starting with a digit (clamped like strtol). */
function strtol(s: string): bigint {
  const m = /^\d+/.exec(s)!;
  const n = BigInt(m[0]);
  return n > LONG_MAX ? LONG_MAX : n;
}

/** PHP's version_compare() (php_version_compare). */
export function phpVersionCompare(a: string, b: string): Ordering {
  if (a === '' || b === '') return a === '' && b === '' ? 0 : a !== '' ? 1 : -1;
  const v1 = a[0] === '#' ? a : canonicalize(a);
  const v2 = b[0] === '#' ? b : canonicalize(b);
  const isDig = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  let p1 = 0;
  let p2 = 0;
  let n1: number | null = 0;
  let n2: number | null = 0;
  let compare: Ordering = 0;
  let s1 = '';
  let s2 = '';
  while (p1 < v1.length && p2 < v2.length && n1 !== null && n2 !== null) {
    const d1 = v1.indexOf('.', p1);
    const d2 = v2.indexOf('.', p2);
    n1 = d1 >= 0 ? d1 : null;
    n2 = d2 >= 0 ? d2 : null;
    s1 = v1.slice(p1, n1 ?? undefined);
    s2 = v2.slice(p2, n2 ?? undefined);
    if (isDig(s1[0]) && isDig(s2[0])) {
      const l1 = strtol(s1);
      const l2 = strtol(s2);
      compare = l1 < l2 ? -1 : l1 > l2 ? 1 : 0;
    } else if (!isDig(s1[0]) && !isDig(s2[0])) {
      compare = sign(specialForm(s1) - specialForm(s2));
    } else if (isDig(s1[0])) {
      compare = sign(specialForm('#N#') - specialForm(s2));
    } else {
      compare = sign(specialForm(s1) - specialForm('#N#'));
    }
    if (compare !== 0) break;
    if (n1 !== null) p1 = n1 + 1;
    if (n2 !== null) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 !== null) {
      const rest = v1.slice(p1);
      compare = isDig(rest[0]) ? 1 : phpVersionCompare(rest, '#N#');
    } else if (n2 !== null) {
      const rest = v2.slice(p2);
      compare = isDig(rest[0]) ? -1 : phpVersionCompare('#N#', rest);
    }
  }
  return compare;
}

/**
 * Packagist: Composer's ordering, i.e. VersionParser::normalize() on both versions then PHP's
 * version_compare() (what Composer\Semver\Comparator does). Branch names (dev-*) are not
 * ordered by Composer and are rejected here.
 */
export class ComposerComparator extends BaseComparator<ComposerVersion> {
  readonly ecosystem = 'Packagist';
  readonly reference = 'composer/semver 3 VersionParser::normalize + PHP version_compare';

  parse(input: string): ComposerVersion {
    let normalized: string;
    try {
      normalized = normalizeComposerVersion(input);
    } catch (err) {
      throw unparsable(this.ecosystem, input, err instanceof Error ? err.message : String(err));
    }
    if (normalized.startsWith('dev-')) throw unparsable(this.ecosystem, input, 'branch names (dev-*) have no version order');
    return { ecosystem: this.ecosystem, input, normalized };
  }

  compareParsed(a: ComposerVersion, b: ComposerVersion): Ordering {
    return phpVersionCompare(a.normalized, b.normalized);
  }
}
