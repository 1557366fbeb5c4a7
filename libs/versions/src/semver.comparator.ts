import { BaseComparator, type Ordering, type ParsedVersion, cmp, cmpDigits, cmpStrings } from './comparator';
import { unparsable } from './errors';

export interface SemverVersion extends ParsedVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const BUILD_ID = '[0-9a-zA-Z-]+';
const CORE = `(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?`;
/** The SemVer 2.0.0 grammar (semver.org), without a "v" prefix. */
const STRICT = new RegExp(`^${CORE}$`);
/** node-semver's FULL pattern: SemVer 2.0.0 with an optional "v". */
const NODE_FULL = new RegExp(`^v?${CORE}$`);

const isNumeric = (s: string) => /^\d+$/.test(s);

function fromMatch(ecosystem: string, input: string, m: RegExpExecArray): SemverVersion {
  return {
    ecosystem,
    input,
    major: m[1]!,
    minor: m[2]!,
    patch: m[3]!,
    prerelease: m[4] !== undefined ? m[4].split('.') : [],
    build: m[5] !== undefined ? m[5].split('.') : [],
  };
}

/** SemVer 2.0.0 §11 prerelease precedence (numeric ids by value, below alphanumeric ones). */
export function comparePrerelease(a: readonly string[], b: readonly string[], cmpNumeric: (x: string, y: string) => Ordering = cmpDigits): Ordering {
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    if (xn && yn) {
      const r = cmpNumeric(x, y);
      if (r !== 0) return r;
    } else if (xn) return -1;
    else if (yn) return 1;
    else return cmpStrings(x, y);
  }
  return 0;
}

function compareCore(a: SemverVersion, b: SemverVersion): Ordering {
  return cmpDigits(a.major, b.major) || cmpDigits(a.minor, b.minor) || cmpDigits(a.patch, b.patch);
}

/** OSV `SEMVER` ranges: strict SemVer 2.0.0, precedence per §11, build metadata ignored. */
export class SemverComparator extends BaseComparator<SemverVersion> {
  readonly ecosystem: string = 'SEMVER';
  readonly reference: string = 'SemVer 2.0.0 (semver.org §11)';

  parse(input: string): SemverVersion {
    const m = STRICT.exec(input);
    if (!m) throw unparsable(this.ecosystem, input, 'not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])');
    return fromMatch(this.ecosystem, input, m);
  }

  compareParsed(a: SemverVersion, b: SemverVersion): Ordering {
    return compareCore(a, b) || comparePrerelease(a.prerelease, b.prerelease);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * npm: node-semver (the npm CLI's own implementation) in strict mode: trims the input, allows a
 * leading "v", refuses inputs longer than 256 characters and major/minor/patch above
 * Number.MAX_SAFE_INTEGER, compares numeric prerelease identifiers as JavaScript numbers, and
 * ignores build metadata.
 */
export class NpmComparator extends BaseComparator<SemverVersion> {
  readonly ecosystem = 'npm';
  readonly reference = 'node-semver 7 (strict) semver.compare';

  parse(input: string): SemverVersion {
    if (input.length > 256) throw unparsable(this.ecosystem, input, 'longer than 256 characters');
    const m = NODE_FULL.exec(input.trim());
    if (!m) throw unparsable(this.ecosystem, input, 'not a semver version');
    for (const part of [m[1]!, m[2]!, m[3]!]) {
      if (Number(part) > MAX_SAFE) throw unparsable(this.ecosystem, input, `component ${part} exceeds Number.MAX_SAFE_INTEGER`);
    }
    return fromMatch(this.ecosystem, input, m);
  }

  compareParsed(a: SemverVersion, b: SemverVersion): Ordering {
    // node-semver compares numeric identifiers as JS numbers (large ones lose precision).
    return compareCore(a, b) || comparePrerelease(a.prerelease, b.prerelease, (x, y) => cmp(Number(x), Number(y)));
  }
}

/**
 * crates.io: the Rust `semver` crate (what Cargo uses): strict SemVer 2.0.0, numbers must fit
 * in u64, and — unlike SemVer precedence — build metadata takes part in the ordering as a last
 * tie-breaker (numeric parts by value, then by length; numeric below alphanumeric).
 */
export class CratesComparator extends BaseComparator<SemverVersion> {
  readonly ecosystem = 'crates.io';
  readonly reference = 'Rust semver crate 1.x Version::parse + Ord';

  parse(input: string): SemverVersion {
    const m = STRICT.exec(input);
    if (!m) throw unparsable(this.ecosystem, input, 'not a SemVer 2.0.0 version');
    for (const part of [m[1]!, m[2]!, m[3]!]) {
      if (cmpDigits(part, '18446744073709551615') > 0) throw unparsable(this.ecosystem, input, `component ${part} does not fit in u64`);
    }
    return fromMatch(this.ecosystem, input, m);
  }

  compareParsed(a: SemverVersion, b: SemverVersion): Ordering {
    return compareCore(a, b) || comparePrerelease(a.prerelease, b.prerelease) || compareBuild(a.build, b.build);
  }
}

function compareBuild(a: readonly string[], b: readonly string[]): Ordering {
  // An empty build sorts first; the crate treats it as one empty (numeric) identifier.
  const x = a.length === 0 ? [''] : a;
  const y = b.length === 0 ? [''] : b;
  for (let i = 0; i < x.length; i++) {
    const l = x[i]!;
    const r = y[i];
    if (r === undefined) return 1;
    const ln = /^\d*$/.test(l);
    const rn = /^\d*$/.test(r);
    let o: Ordering;
    if (ln && rn) {
      const lv = l.replace(/^0+/, '');
      const rv = r.replace(/^0+/, '');
      o = cmp(lv.length, rv.length) || cmpStrings(lv, rv) || cmp(l.length, r.length);
    } else if (ln) return -1;
    else if (rn) return 1;
    else o = cmpStrings(l, r);
    if (o !== 0) return o;
  }
  return y.length > x.length ? -1 : 0;
}

/**
 * Hex: Elixir's `Version` (used by Hex and Mix): MAJOR.MINOR.PATCH without leading zeros,
 * optional "-pre" (numeric identifiers without leading zeros) and "+build"; numbers of any size;
 * build metadata ignored.
 */
export class HexComparator extends BaseComparator<SemverVersion> {
  readonly ecosystem = 'Hex';
  readonly reference = 'Elixir Version.parse/compare';

  parse(input: string): SemverVersion {
    const fail = (why: string) => unparsable(this.ecosystem, input, why);
    const plus = input.indexOf('+');
    const withPre = plus >= 0 ? input.slice(0, plus) : input;
    const build = plus >= 0 ? input.slice(plus + 1) : undefined;
    const dash = withPre.indexOf('-');
    const core = dash >= 0 ? withPre.slice(0, dash) : withPre;
    const pre = dash >= 0 ? withPre.slice(dash + 1) : undefined;
    const parts = core.split('.');
    if (parts.length !== 3) throw fail('expected MAJOR.MINOR.PATCH');
    for (const p of parts) {
      if (!/^\d+$/.test(p)) throw fail(`${JSON.stringify(p)} is not a number`);
      if (p.length > 1 && p[0] === '0') throw fail(`${JSON.stringify(p)} has a leading zero`);
    }
    const ids = (s: string | undefined, what: string): string[] => {
      if (s === undefined) return [];
      const list = s.split('.');
      if (!list.every((id) => /^[0-9A-Za-z-]+$/.test(id))) throw fail(`invalid ${what} identifier in ${JSON.stringify(s)}`);
      return list;
    };
    const prerelease = ids(pre, 'pre-release');
    if (prerelease.some((id) => /^\d+$/.test(id) && id.length > 1 && id[0] === '0')) throw fail('numeric pre-release identifier with a leading zero');
    return { ecosystem: this.ecosystem, input, major: parts[0]!, minor: parts[1]!, patch: parts[2]!, prerelease, build: ids(build, 'build') };
  }

  compareParsed(a: SemverVersion, b: SemverVersion): Ordering {
    return compareCore(a, b) || comparePrerelease(a.prerelease, b.prerelease);
  }
}
