import { BaseComparator, type Ordering, type ParsedVersion, isAsciiLetter, isDigit } from './comparator';
import { unparsable } from './errors';

export interface RpmVersion extends ParsedVersion {
  /** Epoch digits ("0" when absent), compared with rpmvercmp like rpm does. */
  readonly epoch: string;
  readonly version: string;
  /** Release, undefined when absent (then the one with a release is newer, whatever it is). */
  readonly release: string | undefined;
}

/**
 * RPM ordering of `[epoch:]version[-release]` strings as rpm 4.18 does it: the EVR is split like
 * rpm's parseEVR (epoch = leading digits before ':', release = text after the last '-') and each
 * part is compared with rpmvercmp (alphanumeric segments, '~' sorts before everything, '^' after
 * the base version but before anything else). rpm itself orders any string; we reject only empty
 * strings, whitespace, control and non-ASCII characters, which never occur in real EVRs.
 */
export class RpmComparator extends BaseComparator<RpmVersion> {
  readonly ecosystem = 'Red Hat';
  override readonly aliases = ['Rocky Linux', 'AlmaLinux', 'openSUSE', 'SUSE', 'openEuler', 'Mageia', 'Photon OS'];
  readonly reference = 'rpm 4.18 (parseEVR + rpmvercmp)';

  parse(input: string): RpmVersion {
    if (input.length === 0) throw unparsable(this.ecosystem, input, 'version string is empty');
    if (!/^[\x21-\x7e]+$/.test(input)) {
      throw unparsable(this.ecosystem, input, 'only printable ASCII without spaces is allowed');
    }
    let s = 0;
    while (isDigit(input[s])) s++;
    let epoch = '0';
    let rest = input;
    if (input[s] === ':') {
      epoch = s === 0 ? '0' : input.slice(0, s);
      rest = input.slice(s + 1);
    }
    // rpm looks for the release separator only after the epoch digits.
    const dash = rest.lastIndexOf('-');
    const epochLen = input.length - rest.length;
    let version = rest;
    let release: string | undefined;
    if (dash >= 0 && dash + epochLen >= s) {
      version = rest.slice(0, dash);
      release = rest.slice(dash + 1);
    }
    return { ecosystem: this.ecosystem, input, epoch, version, release };
  }

  compareParsed(a: RpmVersion, b: RpmVersion): Ordering {
    const r = rpmvercmp(a.epoch, b.epoch) || rpmvercmp(a.version, b.version);
    if (r !== 0) return r;
    // rpm's rpmverCmp: releases are compared only when both sides have one.
    if (a.release !== undefined && b.release !== undefined) return rpmvercmp(a.release, b.release);
    return a.release !== undefined ? 1 : b.release !== undefined ? -1 : 0;
  }
}

function isAlnum(c: string | undefined): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/** rpm's rpmvercmp (rpmio/rpmvercmp.c, rpm >= 4.15 with caret support). */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const isNum = isDigit(a[i]);
    const test = isNum ? isDigit : isAsciiLetter;
    let ei = i;
    while (ei < a.length && test(a[ei])) ei++;
    let ej = j;
    while (ej < b.length && test(b[ej])) ej++;
    // A numeric segment against an alphabetic one: the numeric one is newer.
    if (ej === j) return isNum ? 1 : -1;
    let one = a.slice(i, ei);
    let two = b.slice(j, ej);
    if (isNum) {
      one = one.replace(/^0+/, '');
      two = two.replace(/^0+/, '');
      if (one.length !== two.length) return one.length > two.length ? 1 : -1;
    }
    if (one !== two) return one < two ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
