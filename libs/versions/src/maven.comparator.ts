import { BaseComparator, type Ordering, type ParsedVersion, cmp, cmpDigits, isDigit, sign } from './comparator';
import { unparsable } from './errors';

/** Items of Maven's ComparableVersion: integers (any size), qualifiers and sub-lists. */
type Item = { kind: 'int'; digits: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

export interface MavenVersion extends ParsedVersion {
  readonly items: Item;
  /** ComparableVersion#getCanonical(). */
  readonly canonical: string;
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

// ComparableVersion keeps ints of up to 9 digits as int, up to 18 as long, longer as BigInteger;
// the three classes compare by class first (a longer number is bigger).
function intClass(digits: string): number {
  return digits.length <= 9 ? 0 : digits.length <= 18 ? 1 : 2;
}

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  v = Object.hasOwn(ALIASES, v) ? ALIASES[v]! : v;
  return { kind: 'string', value: v };
}

function parseItem(isDigitRun: boolean, buf: string): Item {
  if (isDigitRun) return { kind: 'int', digits: buf.replace(/^0+/, '') || '0' };
  return stringItem(buf, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '0';
    case 'string':
      return comparableQualifier(item.value) === RELEASE_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i]!;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

/** Item.compareTo(other); `null` stands for a missing item (padding). */
function compareItem(a: Item, b: Item | null): Ordering {
  switch (a.kind) {
    case 'int':
      if (b === null) return a.digits === '0' ? 0 : 1;
      if (b.kind === 'int') {
        const ca = intClass(a.digits);
        const cb = intClass(b.digits);
        return ca !== cb ? cmp(ca, cb) : cmpDigits(a.digits, b.digits);
      }
      return 1; // int > qualifier, int > list
    case 'string':
      if (b === null) return sign(javaCompare(comparableQualifier(a.value), RELEASE_INDEX));
      if (b.kind === 'string') return sign(javaCompare(comparableQualifier(a.value), comparableQualifier(b.value)));
      return -1; // qualifier < int, qualifier < list
    case 'list': {
      if (b === null) return a.items.length === 0 ? 0 : compareItem(a.items[0]!, null);
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i] ?? null;
        const r = b.items[i] ?? null;
        const result = l === null ? (r === null ? 0 : (-compareItem(r, null) as Ordering)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

/** Java's String.compareTo sign (UTF-16 code units, like JS comparison). */
function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(item: Item): string {
  // Mirrors ComparableVersion's toString of its item tree.
  if (item.kind === 'int') return item.digits;
  if (item.kind === 'string') return item.value;
  let out = '';
  for (const it of item.items) {
    if (out.length > 0) out += it.kind === 'list' ? '-' : '.';
    out += canonical(it);
  }
  return out;
}

/**
 * Maven's version ordering: `org.apache.maven.artifact.versioning.ComparableVersion` (Maven 3.8):
 * '.' and '-' separators (a '-' or a digit/letter switch opens a sub-list), trailing "null" items
 * (0, "", ga/final/release) dropped, qualifiers ordered alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < unknown qualifiers (alphabetically), a/b/m followed
 * by a digit meaning alpha/beta/milestone, and numbers of any size. Maven accepts any string; we
 * reject only empty strings and whitespace/control/non-ASCII characters.
 */
export class MavenComparator extends BaseComparator<MavenVersion> {
  readonly ecosystem = 'Maven';
  readonly reference = 'Maven 3.8 ComparableVersion';

  parse(input: string): MavenVersion {
    if (input.length === 0) throw unparsable(this.ecosystem, input, 'version string is empty');
    if (!/^[\x21-\x7e]+$/.test(input)) throw unparsable(this.ecosystem, input, 'only printable ASCII without spaces is allowed');
    const version = input.toLowerCase();
    const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
    let list = root;
    const stack: (Item & { kind: 'list' })[] = [root];
    const push = () => {
      const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
      list.items.push(sub);
      list = sub;
      stack.push(sub);
    };
    let digitRun = false;
    let start = 0;
    for (let i = 0; i < version.length; i++) {
      const c = version[i]!;
      if (c === '.') {
        list.items.push(i === start ? { kind: 'int', digits: '0' } : parseItem(digitRun, version.slice(start, i)));
        start = i + 1;
      } else if (c === '-') {
        list.items.push(i === start ? { kind: 'int', digits: '0' } : parseItem(digitRun, version.slice(start, i)));
        start = i + 1;
        push();
      } else if (isDigit(c)) {
        if (!digitRun && i > start) {
          // Maven 3.8: a qualifier that does not open the current list gets a sub-list of its own.
          if (list.items.length > 0) push();
          list.items.push(stringItem(version.slice(start, i), true));
          start = i;
          push();
        }
        digitRun = true;
      } else {
        if (digitRun && i > start) {
          list.items.push(parseItem(true, version.slice(start, i)));
          start = i;
          push();
        }
        digitRun = false;
      }
    }
    if (version.length > start) {
      if (!digitRun && list.items.length > 0) push();
      list.items.push(parseItem(digitRun, version.slice(start)));
    }
    while (stack.length > 0) normalize(stack.pop()!.items);
    return { ecosystem: this.ecosystem, input, items: root, canonical: canonical(root) };
  }

  compareParsed(a: MavenVersion, b: MavenVersion): Ordering {
    return compareItem(a.items, b.items);
  }
}
