import { BaseComparator, type Ordering, type ParsedVersion, cmpDigits, cmpStrings } from './comparator';
import { unparsable } from './errors';

export interface GemVersion extends ParsedVersion {
  /** Gem::Version#canonical_segments: numbers (digit strings) and strings, zeros trimmed. */
  readonly segments: readonly (string | { readonly n: string })[];
  readonly prerelease: boolean;
}

// Gem::Version::ANCHORED_VERSION_PATTERN (whitespace around the version allowed; \s as in Ruby).
const PATTERN = /^[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$/;

/**
 * RubyGems' Gem::Version ordering: "-" means ".pre.", segments are runs of digits or letters, a
 * letter segment makes the version a prerelease (sorting before the bare release), trailing
 * zeros of the numeric part and of the prerelease part are ignored, and strings compare
 * byte-wise. RubyGems reads an empty string as "0"; we reject it.
 */
export class RubyGemsComparator extends BaseComparator<GemVersion> {
  readonly ecosystem = 'RubyGems';
  readonly reference = 'RubyGems 3.3 Gem::Version#<=>';

  parse(input: string): GemVersion {
    const m = PATTERN.exec(input);
    if (!m || m[1] === undefined) throw unparsable(this.ecosystem, input, 'not a Gem::Version');
    const version = m[1].replace(/-/g, '.pre.');
    const raw = version.match(/[0-9]+|[a-z]+/gi) ?? [];
    const segs: (string | { n: string })[] = raw.map((s) => (/^\d+$/.test(s) ? { n: s.replace(/^0+(?=\d)/, '') } : s));
    const firstString = segs.findIndex((s) => typeof s === 'string');
    const numeric = firstString === -1 ? segs : segs.slice(0, firstString);
    const strings = firstString === -1 ? [] : segs.slice(firstString);
    const trim = (list: (string | { n: string })[]) => {
      const out = [...list];
      while (out.length > 0) {
        const last = out[out.length - 1]!;
        if (typeof last !== 'string' && last.n === '0') out.pop();
        else break;
      }
      return out;
    };
    return { ecosystem: this.ecosystem, input, segments: [...trim(numeric), ...trim(strings)], prerelease: /[a-zA-Z]/.test(version) };
  }

  compareParsed(a: GemVersion, b: GemVersion): Ordering {
    const n = Math.max(a.segments.length, b.segments.length);
    const zero = { n: '0' };
    for (let i = 0; i < n; i++) {
      const l = a.segments[i] ?? zero;
      const r = b.segments[i] ?? zero;
      if (typeof l === 'string' && typeof r === 'string') {
        const o = cmpStrings(l, r);
        if (o !== 0) return o;
      } else if (typeof l === 'string') return -1;
      else if (typeof r === 'string') return 1;
      else {
        const o = cmpDigits(l.n, r.n);
        if (o !== 0) return o;
      }
    }
    return 0;
  }
}
