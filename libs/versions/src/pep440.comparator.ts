import { BaseComparator, type Ordering, type ParsedVersion, cmpDigits, cmpStrings } from './comparator';
import { unparsable } from './errors';

export interface Pep440Version extends ParsedVersion {
  readonly epoch: string;
  /** Release numbers with trailing zeros removed (1.0.0 == 1). */
  readonly release: readonly string[];
  readonly pre?: { readonly label: 'a' | 'b' | 'rc'; readonly n: string };
  readonly post?: string;
  readonly dev?: string;
  readonly local?: readonly string[];
  /** PEP 440 normal form, e.g. "1!2.0rc1.post0.dev0+ubuntu.1". */
  readonly normalized: string;
}

// PEP 440 "Appendix B" pattern, as used by pypa/packaging (case-insensitive, surrounding
// whitespace allowed).
const PATTERN = new RegExp(
  '^\\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

const PRE_LABEL: Record<string, 'a' | 'b' | 'rc'> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

function num(s: string): string {
  return s.replace(/^0+(?=\d)/, '');
}

/**
 * Python's version ordering (PEP 440) as implemented by pypa/packaging's `Version`: epochs,
 * release segments with implicit trailing zeros, a/b/rc pre-releases, post- and dev-releases,
 * and local versions (numeric parts above alphanumeric ones), with all of PEP 440's spelling
 * normalisations (`1.0-alpha.1`, `1.0-1`, `v1.0`, `1.0.POST`, ...).
 */
export class Pep440Comparator extends BaseComparator<Pep440Version> {
  readonly ecosystem = 'PyPI';
  readonly reference = 'PEP 440 / pypa packaging Version';

  parse(input: string): Pep440Version {
    const m = PATTERN.exec(input);
    if (!m?.groups) throw unparsable(this.ecosystem, input, 'not a PEP 440 version');
    const g = m.groups;
    const epoch = num(g['epoch'] ?? '0');
    const full = g['release']!.split('.').map(num);
    const release = [...full];
    while (release.length > 0 && release[release.length - 1] === '0') release.pop();
    const pre = g['pre_l'] !== undefined ? { label: PRE_LABEL[g['pre_l'].toLowerCase()]!, n: num(g['pre_n'] ?? '0') } : undefined;
    const post = g['post'] !== undefined ? num(g['post_n1'] ?? g['post_n2'] ?? '0') : undefined;
    const dev = g['dev'] !== undefined ? num(g['dev_n'] ?? '0') : undefined;
    const local = g['local'] !== undefined ? g['local'].toLowerCase().split(/[-_.]/) : undefined;
    let normalized = (epoch !== '0' ? `${epoch}!` : '') + full.join('.');
    if (pre) normalized += `${pre.label}${pre.n}`;
    if (post !== undefined) normalized += `.post${post}`;
    if (dev !== undefined) normalized += `.dev${dev}`;
    if (local) normalized += `+${local.map((p) => (/^\d+$/.test(p) ? num(p) : p)).join('.')}`;
    return { ecosystem: this.ecosystem, input, epoch, release, pre, post, dev, local, normalized };
  }

  compareParsed(a: Pep440Version, b: Pep440Version): Ordering {
    return (
      cmpDigits(a.epoch, b.epoch) ||
      cmpRelease(a.release, b.release) ||
      cmpPre(a, b) ||
      cmpOptional(a.post, b.post, -1) ||
      cmpOptional(a.dev, b.dev, 1) ||
      cmpLocal(a.local, b.local)
    );
  }
}

function cmpRelease(a: readonly string[], b: readonly string[]): Ordering {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = cmpDigits(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Pre-release key: a dev-only release sorts before any pre-release; no pre-release sorts last. */
function preKey(v: Pep440Version): { rank: number; label: string; n: string } {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return { rank: -1, label: '', n: '0' };
  if (!v.pre) return { rank: 1, label: '', n: '0' };
  return { rank: 0, label: v.pre.label, n: v.pre.n };
}

function cmpPre(a: Pep440Version, b: Pep440Version): Ordering {
  const x = preKey(a);
  const y = preKey(b);
  if (x.rank !== y.rank) return x.rank < y.rank ? -1 : 1;
  if (x.rank !== 0) return 0;
  return cmpStrings(x.label, y.label) || cmpDigits(x.n, y.n);
}

/** Compares optional numbers; `missing` is where an absent value sorts (-1 first, 1 last). */
function cmpOptional(a: string | undefined, b: string | undefined, missing: -1 | 1): Ordering {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return missing;
  if (b === undefined) return missing === -1 ? 1 : -1;
  return cmpDigits(a, b);
}

function cmpLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): Ordering {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    // Numeric segments sort above alphanumeric ones.
    const r = xn && yn ? cmpDigits(x, y) : xn ? 1 : yn ? -1 : cmpStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
