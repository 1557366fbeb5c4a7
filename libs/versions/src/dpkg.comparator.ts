import { BaseComparator, type Ordering, type ParsedVersion, isAsciiLetter, isDigit, sign } from './comparator';
import { unparsable } from './errors';

export interface DpkgVersion extends ParsedVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const INT_MAX = 2147483647;

/**
 * Debian's version ordering, as dpkg implements it (lib/dpkg/parsehelp.c `parseversion` and
 * lib/dpkg/version.c `verrevcmp`). Versions that dpkg only warns about (not starting with a digit,
 * characters outside the allowed set) are rejected too: dpkg refuses them in packages, and a
 * matcher must not pretend to know their order.
 */
export class DpkgComparator extends BaseComparator<DpkgVersion> {
  readonly ecosystem = 'Debian';
  override readonly aliases = ['Ubuntu'];
  readonly reference = 'dpkg 1.21 (parseversion + verrevcmp)';

  parse(input: string): DpkgVersion {
    const fail = (why: string) => unparsable(this.ecosystem, input, why);
    if (input.length === 0) throw fail('version string is empty');
    let start = 0;
    while (start < input.length && (input[start] === ' ' || input[start] === '\t')) start++;
    let end = start;
    while (end < input.length && !/\s/.test(input[end]!)) end++;
    for (let i = end; i < input.length; i++) {
      if (!/\s/.test(input[i]!)) throw fail('version string has embedded spaces');
    }
    let s = input.slice(start, end);
    let epoch = 0;
    const colon = s.indexOf(':');
    if (colon >= 0) {
      // strtol: optional sign then digits, which must end exactly at the first colon.
      const m = /^([+-]?)(\d*)/.exec(s)!;
      if (m[2]!.length === 0) throw fail('epoch in version is empty');
      if (m[0].length !== colon) throw fail('epoch in version is not number');
      const value = Number(m[2]);
      if (m[1] === '-' && value !== 0) throw fail('epoch in version is negative');
      if (value > INT_MAX) throw fail('epoch in version is too big');
      if (colon + 1 >= s.length) throw fail('nothing after colon in version number');
      epoch = value;
      s = s.slice(colon + 1);
    }
    let upstream = s;
    let revision = '';
    const hyphen = s.lastIndexOf('-');
    if (hyphen >= 0) {
      upstream = s.slice(0, hyphen);
      revision = s.slice(hyphen + 1);
      if (revision.length === 0) throw fail('revision number is empty');
    }
    if (upstream.length === 0) throw fail('version number is empty');
    if (!isDigit(upstream[0])) throw fail('version number does not start with digit');
    for (const c of upstream) {
      if (!isDigit(c) && !isAsciiLetter(c) && !'.-+~:'.includes(c)) throw fail(`invalid character ${JSON.stringify(c)} in version number`);
    }
    for (const c of revision) {
      if (!isDigit(c) && !isAsciiLetter(c) && !'.+~'.includes(c)) throw fail(`invalid character ${JSON.stringify(c)} in revision number`);
    }
    return { ecosystem: this.ecosystem, input, epoch, upstream, revision };
  }

  compareParsed(a: DpkgVersion, b: DpkgVersion): Ordering {
    if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
    const r = verrevcmp(a.upstream, b.upstream);
    if (r !== 0) return r;
    return verrevcmp(a.revision, b.revision);
  }
}

/** dpkg's character weight: '~' sorts before everything, even the end of the string. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (isDigit(c)) return 0;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

export function verrevcmp(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}
