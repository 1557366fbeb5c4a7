import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../main';
import { dbPathOf } from './vulndb.helper';

const SAMPLE = join(__dirname, '..', '..', '..', '..', 'libs', 'vulndb', 'data', 'sample');
const dir = mkdtempSync(join(tmpdir(), 'lazaret-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, env);
  return { code, out: out.join('\n'), err };
}

describe('lazaret db', () => {
  it('finds the database: --db, then LAZARET_DB, then the cache directory', () => {
    expect(dbPathOf({ values: { db: '/x/a.sqlite' }, env: { LAZARET_DB: '/y' } })).toBe('/x/a.sqlite');
    expect(dbPathOf({ values: {}, env: { LAZARET_DB: '/y/b.sqlite' } })).toBe('/y/b.sqlite');
    expect(dbPathOf({ values: {}, env: { HOME: '/home/u' } })).toBe('/home/u/.cache/lazaret/vulndb.sqlite');
    expect(dbPathOf({ values: {}, env: { HOME: '/home/u', XDG_CACHE_HOME: '/c' } })).toBe('/c/lazaret/vulndb.sqlite');
  });

  it('imports, re-imports incrementally, reports bad records, and shows status', async () => {
    const env = { HOME: join(dir, 'home') };
    const first = await cli(['db', 'import', join(SAMPLE, 'osv')], env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^imported 14 advisories .*invalid 0\)$/);
    const again = await cli(['db', 'import', join(SAMPLE, 'osv')], env);
    expect(again.out).toMatch(/imported 0 advisories .*unchanged 14/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ id: 'GHSA-aaaa-aaaa-aaaa', modified: 'yesterday' }]));
    const b = await cli(['db', 'import', bad], env);
    expect(b.code).toBe(0);
    expect(b.err[0]).toMatch(/^lazaret: warning: invalid-record: .*GHSA-aaaa-aaaa-aaaa/);
    const status = await cli(['db', 'status', '--format', 'json'], env);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.out) as { path: string; advisories: number; ecosystems: { ecosystem: string; advisories: number }[] };
    expect(s.path).toBe(join(dir, 'home', '.cache', 'lazaret', 'vulndb.sqlite'));
    expect(s.advisories).toBe(14);
    expect(s.ecosystems.find((e) => e.ecosystem === 'Debian:12')?.advisories).toBe(10);
    const table = await cli(['db', 'status'], env);
    expect(table.out).toMatch(/^ECOSYSTEM\s+ADVISORIES\s+PACKAGES\nAlpine:v3.16\s+1\s+1/);
  });

  it('usage errors exit 2', async () => {
    for (const argv of [['db', 'import'], ['db', 'update'], ['db', 'nope'], ['db', 'import', join(dir, 'missing')]]) {
      const r = await cli(argv, { HOME: join(dir, 'home2') });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err[0]).toMatch(/^lazaret: (usage|unsupported-input): /);
    }
  });
});
