import { BaseComparator, type Ordering, type ParsedVersion, cmp, cmpDigits } from './comparator';
import { unparsable } from './errors';

export interface NuGetVersion extends ParsedVersion {
  /** Major, minor, patch, revision (missing parts are 0). */
  readonly parts: readonly [string, string, string, string];
  readonly releaseLabels: readonly string[];
  readonly metadata: string;
  /** NuGet's normalized string (x.y.z[.r][-labels][+metadata]), revision only when non-zero. */
  readonly normalized: string;
}

const INT32_MAX = '2147483647';
const PATTERN = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Int32.TryParse on a release label: an optional '-' then digits, within Int32 range. */
function int32Label(label: string): number | undefined {
  if (!/^-?\d+$/.test(label)) return undefined;
  const n = Number(label);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

function compareLabel(a: string, b: string): Ordering {
  const x = int32Label(a);
  const y = int32Label(b);
  if (x !== undefined && y !== undefined) return cmp(x, y);
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  // StringComparer.OrdinalIgnoreCase: ordinal comparison of the upper-cased strings.
  const ua = a.toUpperCase();
  const ub = b.toUpperCase();
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * NuGet's version ordering (NuGet.Versioning NuGetVersion with VersionComparer.Default): one to
 * four numeric parts (missing ones are 0, leading zeros allowed, each within Int32), SemVer 2.0
 * release labels compared case-insensitively (numeric labels by value, below alphanumeric ones),
 * a release above its prereleases, and build metadata ignored. Surrounding whitespace is trimmed
 * as NuGetVersion.Parse does.
 */
export class NuGetComparator extends BaseComparator<NuGetVersion> {
  readonly ecosystem = 'NuGet';
  readonly reference = 'NuGet.Versioning NuGetVersion + VersionComparer.Default';

  parse(input: string): NuGetVersion {
    const m = PATTERN.exec(input.trim());
    if (!m) throw unparsable(this.ecosystem, input, 'not a NuGet version (1-4 numeric parts, optional -prerelease and +metadata)');
    const parts = [m[1]!, m[2] ?? '0', m[3] ?? '0', m[4] ?? '0'].map((p) => p.replace(/^0+(?=\d)/, '')) as [string, string, string, string];
    for (const p of parts) {
      if (cmpDigits(p, INT32_MAX) > 0) throw unparsable(this.ecosystem, input, `version part ${p} exceeds Int32`);
    }
    const releaseLabels = m[5] !== undefined ? m[5].split('.') : [];
    if (releaseLabels.some((l) => /^0\d+$/.test(l))) throw unparsable(this.ecosystem, input, 'numeric release label with a leading zero');
    const metadata = m[6] ?? '';
    let normalized = parts.slice(0, 3).join('.') + (parts[3] !== '0' ? `.${parts[3]}` : '');
    if (releaseLabels.length > 0) normalized += `-${releaseLabels.join('.')}`;
    if (metadata) normalized += `+${metadata}`;
    return { ecosystem: this.ecosystem, input, parts, releaseLabels, metadata, normalized };
  }

  compareParsed(a: NuGetVersion, b: NuGetVersion): Ordering {
    for (let i = 0; i < 4; i++) {
      const r = cmpDigits(a.parts[i]!, b.parts[i]!);
      if (r !== 0) return r;
    }
    const x = a.releaseLabels;
    const y = b.releaseLabels;
    if (x.length === 0 && y.length === 0) return 0;
    if (x.length === 0) return 1;
    if (y.length === 0) return -1;
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (i >= x.length) return -1;
      if (i >= y.length) return 1;
      const r = compareLabel(x[i]!, y[i]!);
      if (r !== 0) return r;
    }
    return 0;
  }
}
