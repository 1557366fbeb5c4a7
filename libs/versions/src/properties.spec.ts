import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VersionComparator } from './comparator';
import { getComparator } from './registry';

// Property checks over the real-world versions of the golden files: antisymmetry, reflexivity,
// and that sorting yields a consistent total order (transitivity on sorted lists).
const GOLDEN_DIR = join(__dirname, '..', 'test', 'golden');
const ECOSYSTEM_OF: Record<string, string> = {
  debian: 'Debian', rpm: 'Red Hat', pypi: 'PyPI', maven: 'Maven', npm: 'npm', go: 'Go', rubygems: 'RubyGems',
  packagist: 'Packagist', hex: 'Hex', 'crates.io': 'crates.io', semver: 'SEMVER', alpine: 'Alpine', nuget: 'NuGet',
};

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validVersions(file: string, c: VersionComparator): string[] {
  const set = new Set<string>();
  for (const line of readFileSync(join(GOLDEN_DIR, file), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [a, b] = line.split('\t');
    for (const v of [a!, b!]) if (c.isValid(v)) set.add(v);
  }
  return [...set];
}

describe('ordering properties on real-world versions', () => {
  for (const file of readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.tsv') && !f.includes('-'))) {
    const name = file.replace(/\.tsv$/, '');
    const c = getComparator(ECOSYSTEM_OF[name]!)!;
    it(`${name}: antisymmetric, reflexive, transitive`, () => {
      const versions = validVersions(file, c);
      expect(versions.length).toBeGreaterThan(20);
      const rnd = prng(name.length * 7919);
      // shuffle, then sort with the comparator
      const shuffled = [...versions].sort(() => rnd() - 0.5);
      const sorted = [...shuffled].sort((a, b) => c.compare(a, b));
      const errors: string[] = [];
      for (let i = 0; i < sorted.length; i++) {
        if (c.compare(sorted[i]!, sorted[i]!) !== 0) errors.push(`not reflexive: ${sorted[i]}`);
        if (i > 0 && c.compare(sorted[i - 1]!, sorted[i]!) > 0) errors.push(`unsorted: ${sorted[i - 1]} > ${sorted[i]}`);
      }
      // transitivity: for random i < j in the sorted list, sorted[i] <= sorted[j]
      for (let k = 0; k < 3000; k++) {
        const i = Math.floor(rnd() * sorted.length);
        const j = Math.floor(rnd() * sorted.length);
        const [x, y] = i <= j ? [sorted[i]!, sorted[j]!] : [sorted[j]!, sorted[i]!];
        const r = c.compare(x, y);
        if (r > 0) errors.push(`not transitive: ${x} > ${y} though sorted before it`);
        if (c.compare(y, x) !== -r && !(r === 0 && c.compare(y, x) === 0)) errors.push(`not antisymmetric: ${x} / ${y}`);
      }
      expect(errors.slice(0, 10)).toEqual([]);
    });
  }
});
