/**
 * A huge import is streamed: a generated zip whose records add up to far more than the memory
 * limit is imported in a child process (plain Node on the built library), whose peak RSS must
 * stay bounded. The store only counts, so what is measured is the import pipeline itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestZipWriter } from './zip-writer';

const DIST = join(__dirname, '..', 'dist', 'index.js');
const RECORDS = 100_000;
const DETAILS = 'x'.repeat(8000);
const dir = mkdtempSync(join(tmpdir(), 'vulndb-huge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = `
const { importPath } = require(process.argv[1]);
let stored = 0;
const store = {
  modifiedOf: async () => new Map(),
  putAdvisories: async (b) => { stored += b.length; },
  setMeta: async () => {},
};
importPath(store, process.argv[2], { batchSize: 1000 }).then((r) => {
  process.stdout.write(JSON.stringify({ stored, read: r.read, invalid: r.invalid, maxRssKiB: process.resourceUsage().maxRSS }));
}, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe('huge OSV imports', () => {
  it('keep memory bounded (streamed zip entries, batched writes)', async () => {
    expect(existsSync(DIST), `${DIST} missing: run \`npm run build\` first`).toBe(true);
    const zipPath = join(dir, 'all.zip');
    const zip = new TestZipWriter(zipPath, { deflate: true, zip64: true });
    let uncompressed = 0;
    for (let i = 0; i < RECORDS; i++) {
      const text = JSON.stringify({
        id: `GHSA-huge-${i}`.replace('GHSA-huge', 'OSV-HUGE'),
        modified: '2024-01-01T00:00:00Z',
        details: DETAILS,
        affected: [{ package: { ecosystem: 'npm', name: `p${i % 5000}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `1.${i % 100}.0` }] }], versions: Array.from({ length: 20 }, (_, k) => `0.${k}.${i % 7}`) }],
      });
      uncompressed += text.length;
      await zip.add(`OSV-HUGE-${i}.json`, text);
    }
    await zip.close();
    expect(uncompressed).toBeGreaterThan(800 * 1024 * 1024);
    const out = execFileSync(process.execPath, ['-e', CHILD, DIST, zipPath], { encoding: 'utf8', maxBuffer: 1024 * 1024, timeout: 170_000 });
    const r = JSON.parse(out) as { stored: number; read: number; invalid: number; maxRssKiB: number };
    expect(r).toMatchObject({ stored: RECORDS, read: RECORDS, invalid: 0 });
    const peakMiB = r.maxRssKiB / 1024;
    process.stderr.write(`[vulndb] imported ${RECORDS} records, ${(uncompressed / 2 ** 20).toFixed(0)} MiB of JSON (zip ${(statSync(zipPath).size / 2 ** 20).toFixed(0)} MiB): peak RSS ${peakMiB.toFixed(0)} MiB\n`);
    expect(peakMiB).toBeLessThan(256);
  }, 300_000);
});
