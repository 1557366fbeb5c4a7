import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeComposerVersion, phpVersionCompare } from './composer.comparator';

describe('Composer VersionParser::normalize', () => {
  it('matches composer/semver on every version of the golden corpus', () => {
    const file = join(__dirname, '..', 'test', 'golden', 'packagist-normalize.tsv');
    const mismatches: string[] = [];
    let n = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [input, expected] = line.split('\t');
      let got: string;
      try {
        got = normalizeComposerVersion(input!);
      } catch {
        got = 'invalid';
      }
      n++;
      if (got !== expected) mismatches.push(`${JSON.stringify(input)}: composer ${expected}, ours ${got}`);
    }
    expect(n).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });

  it('version_compare knows PHP\'s special forms', () => {
    expect(phpVersionCompare('1.0.0.0-dev', '1.0.0.0-alpha1')).toBe(-1);
    expect(phpVersionCompare('1.0.0.0-RC1', '1.0.0.0')).toBe(-1);
    expect(phpVersionCompare('1.0.0.0-patch1', '1.0.0.0')).toBe(1);
    expect(phpVersionCompare('1.0', '1.0.0')).toBe(-1);
  });
});
