import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VersionError } from './errors';
import { getComparator } from './registry';

// Golden pairs produced by each ecosystem's real tool (scripts/generate-golden.mjs), or taken
// from the tool's own test vectors where the tool cannot run here (see README).
const GOLDEN_DIR = join(__dirname, '..', 'test', 'golden');

const ECOSYSTEM_OF: Record<string, string> = {
  debian: 'Debian',
  rpm: 'Red Hat',
  pypi: 'PyPI',
  maven: 'Maven',
  npm: 'npm',
  go: 'Go',
  rubygems: 'RubyGems',
  packagist: 'Packagist',
  hex: 'Hex',
  'crates.io': 'crates.io',
  semver: 'SEMVER',
  alpine: 'Alpine',
  nuget: 'NuGet',
};

/**
 * Deliberate, documented differences: versions the reference rejects but we accept (or the
 * reverse). Each entry says why; every other row must match the tool exactly.
 */
const DEVIATIONS: Record<string, Record<string, string>> = {
  // OSV's Go ecosystem writes versions without the "v" that x/mod/semver requires.
  go: { '1.2.3': 'OSV Go versions have no "v" prefix; we add it' },
  // apk-tools orders invalid versions by their valid prefix; we refuse to order them.
  alpine: { '1.0bc': 'invalid: two letters', '23_foo': 'invalid: unknown suffix _foo' },
  // The Rust crate limits numbers to u64; SemVer 2.0.0 has no bound.
  semver: { '99999999999999999999999.999999999999999999.99999999999999999': 'SemVer 2.0.0 has no numeric bound' },
};

type Row = { a: string; b: string; expected: string; line: number };

function load(file: string): Row[] {
  const rows: Row[] = [];
  readFileSync(join(GOLDEN_DIR, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.length === 0 || text.startsWith('#')) return;
      const [a, b, expected] = text.split('\t');
      rows.push({ a: a!, b: b!, expected: expected!, line: i + 1 });
    });
  return rows;
}

function ours(ecosystem: string, a: string, b: string): string {
  try {
    return String(getComparator(ecosystem)!.compare(a, b));
  } catch (err) {
    if (err instanceof VersionError && err.code === 'unparsable-version') return 'invalid';
    throw err;
  }
}

const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.tsv') && !f.includes('-'));

describe('golden pairs from the ecosystems\' real tools', () => {
  it('has a golden file for every required ecosystem', () => {
    expect(files.map((f) => f.replace(/\.tsv$/, '')).sort()).toEqual(Object.keys(ECOSYSTEM_OF).sort());
  });

  for (const file of files) {
    const name = file.replace(/\.tsv$/, '');
    it(`${name}: every pair matches the reference`, () => {
      const ecosystem = ECOSYSTEM_OF[name]!;
      const deviations = DEVIATIONS[name] ?? {};
      const rows = load(file);
      expect(rows.length).toBeGreaterThan(name === 'nuget' ? 100 : 700);
      const mismatches: string[] = [];
      for (const row of rows) {
        const got = ours(ecosystem, row.a, row.b);
        if (got === row.expected) continue;
        if (row.a in deviations || row.b in deviations) continue;
        mismatches.push(`${file}:${row.line} ${JSON.stringify(row.a)} vs ${JSON.stringify(row.b)}: tool ${row.expected}, ours ${got}`);
      }
      expect(mismatches.slice(0, 25), `${mismatches.length} mismatches`).toEqual([]);
    });
  }
});
