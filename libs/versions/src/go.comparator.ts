import { BaseComparator, type Ordering, type ParsedVersion, cmpDigits } from './comparator';
import { unparsable } from './errors';
import { comparePrerelease } from './semver.comparator';

export interface GoVersion extends ParsedVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  /** Build metadata such as "incompatible" (ignored by the ordering). */
  readonly build: readonly string[];
  /** True for pseudo-versions (vX.Y.Z-[pre.]0.yyyymmddhhmmss-abcdefabcdef). */
  readonly pseudo: boolean;
}

const NUM = '0|[1-9][0-9]*';
const ID = '[0-9A-Za-z-]+';
const PATTERN = new RegExp(`^v(${NUM})(?:\\.(${NUM})(?:\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+(${ID}(?:\\.${ID})*))?)?)?$`);
const PSEUDO = /(?:^|\.)0\.\d{14}-[0-9a-f]{12}$|^\d{14}-[0-9a-f]{12}$/;

/**
 * Go module versions, ordered like golang.org/x/mod/semver (what the go command uses):
 * "v"-prefixed SemVer, shorthands v1 and v1.2 (= v1.0.0, v1.2.0), build metadata such as
 * "+incompatible" ignored, and pseudo-versions ordered as the prereleases they are. OSV's Go
 * ecosystem writes versions without the "v", so a missing "v" is added.
 */
export class GoComparator extends BaseComparator<GoVersion> {
  readonly ecosystem = 'Go';
  readonly reference = 'golang.org/x/mod/semver Compare';

  parse(input: string): GoVersion {
    const v = input.startsWith('v') ? input : `v${input}`;
    const m = PATTERN.exec(v);
    if (!m) throw unparsable(this.ecosystem, input, 'not a Go module version (vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]])');
    const prerelease = m[4] !== undefined ? m[4].split('.') : [];
    if (prerelease.some((id) => /^0\d+$/.test(id))) throw unparsable(this.ecosystem, input, 'numeric prerelease identifier with a leading zero');
    return {
      ecosystem: this.ecosystem,
      input,
      major: m[1]!,
      minor: m[2] ?? '0',
      patch: m[3] ?? '0',
      prerelease,
      build: m[5] !== undefined ? m[5].split('.') : [],
      pseudo: m[4] !== undefined && PSEUDO.test(m[4]),
    };
  }

  compareParsed(a: GoVersion, b: GoVersion): Ordering {
    return cmpDigits(a.major, b.major) || cmpDigits(a.minor, b.minor) || cmpDigits(a.patch, b.patch) || comparePrerelease(a.prerelease, b.prerelease);
  }
}
