import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Test-only dependency: the engine itself never imports @lazaret/testing.
 
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { getComparator } from '../src/index';

// Live cross-check against the real tools (the golden files were made by the same tools; this
// catches a golden file drifting from the tool CI actually has). Needs Debian's dpkg and rpm.
const tools = checkTools('dpkg', 'rpm');

function goldenVersions(file: string): string[] {
  const out = new Set<string>();
  for (const line of readFileSync(join(__dirname, 'golden', file), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [a, b] = line.split('\t');
    out.add(a!);
    out.add(b!);
  }
  return [...out];
}

/** Deterministic sample of pairs mixing versions that the golden file never paired. */
function samplePairs(versions: string[], n: number): [string, string][] {
  const pairs: [string, string][] = [];
  let x = 12345;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  for (let i = 0; i < n; i++) pairs.push([versions[Math.floor(next() * versions.length)]!, versions[Math.floor(next() * versions.length)]!]);
  return pairs;
}

describe.skipIf(tools.skip)('comparators agree with the real tools (live)', () => {
  beforeAll(() => assertTools('dpkg', 'rpm'));

  it('dpkg --compare-versions', () => {
    const c = getComparator('Debian')!;
    const versions = goldenVersions('debian.tsv').filter((v) => c.isValid(v));
    const pairs = samplePairs(versions, 300);
    const script = pairs
      .map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`)
      .join('\n');
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const results = r.stdout.trim().split('\n');
    expect(results).toHaveLength(pairs.length);
    const mismatches = pairs.filter(([a, b], i) => String(c.compare(a, b)) !== results[i]).map(([a, b], i) => `${a} vs ${b}: dpkg ${results[i]}`);
    expect(mismatches).toEqual([]);
  });

  it('rpm (rpm.ver comparison via rpm --eval lua)', () => {
    const c = getComparator('Red Hat')!;
    const versions = goldenVersions('rpm.tsv').filter((v) => c.isValid(v) && !v.includes('"') && !v.includes('\\'));
    const pairs = samplePairs(versions, 300);
    const body = pairs
      .map(([a, b]) => `do local x, y = rpm.ver("${a}"), rpm.ver("${b}"); if x < y then out[#out + 1] = "-1" elseif x == y then out[#out + 1] = "0" else out[#out + 1] = "1" end end`)
      .join('\n');
    // rpm's Lua print() does not end lines: collect and print once.
    const r = spawnSync('rpm', ['--eval', `%{lua:\nlocal out = {}\n${body}\nprint(table.concat(out, " "))\n}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const results = r.stdout.split(/\s+/).filter((s) => s.length > 0);
    expect(results).toHaveLength(pairs.length);
    const mismatches = pairs.filter(([a, b], i) => String(c.compare(a, b)) !== results[i]);
    expect(mismatches).toEqual([]);
  });
});
