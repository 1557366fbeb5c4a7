import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { TestZipWriter } from '../test/zip-writer';
import { VulnDbError } from './errors';
import { importPath } from './importer';
import { MemoryAdvisoryStore } from './memory.store';
import { SqlJsAdvisoryStore } from './sqljs.store';

const SAMPLE = join(__dirname, '..', 'data', 'sample');
const tmp = mkdtempSync(join(tmpdir(), 'vulndb-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const record = (id: string, modified = '2024-01-01T00:00:00Z', extra: object = {}) =>
  JSON.stringify({ id, modified, affected: [{ package: { ecosystem: 'npm', name: `p-${id}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }], ...extra });

describe('importPath', () => {
  it('imports the sample directory (every record valid against the OSV schema)', async () => {
    const store = new MemoryAdvisoryStore();
    const r = await importPath(store, join(SAMPLE, 'osv'));
    expect(r.kind).toBe('osv-directory');
    expect(r.issues).toEqual([]);
    expect(r.imported).toBe(readdirSync(join(SAMPLE, 'osv')).filter((f) => f.endsWith('.json')).length);
    const status = await store.status();
    expect(status.ecosystems.map((e) => e.ecosystem)).toEqual(['Alpine:v3.16', 'Debian:11', 'Debian:12', 'Maven', 'PyPI', 'npm']);
    const again = await importPath(store, join(SAMPLE, 'osv'));
    expect(again).toMatchObject({ imported: 0, unchanged: r.imported });
  });

  it('reports malformed records and keeps going', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-good.json'), record('GHSA-aaaa-aaaa-aaaa'));
    writeFileSync(join(dir, 'b-not-json.json'), '{"id": "GHSA-');
    writeFileSync(join(dir, 'c-no-modified.json'), JSON.stringify({ id: 'GHSA-bbbb-bbbb-bbbb' }));
    writeFileSync(join(dir, 'd-unknown-ecosystem.json'), JSON.stringify({ id: 'GHSA-cccc-cccc-cccc', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Nope', name: 'x' } }] }));
    writeFileSync(join(dir, 'e-bad-prefix.json'), record('FOO-1'));
    writeFileSync(join(dir, 'f-bad-event.json'), JSON.stringify({ id: 'GHSA-dddd-dddd-dddd', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }] }] }));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const store = new MemoryAdvisoryStore();
    const r = await importPath(store, dir);
    expect(r).toMatchObject({ read: 6, imported: 1, invalid: 5 });
    expect(r.issues.map((i) => [i.source.split('/').pop(), i.code, i.id])).toEqual([
      ['b-not-json.json', 'invalid-json', undefined],
      ['c-no-modified.json', 'invalid-record', 'GHSA-bbbb-bbbb-bbbb'],
      ['d-unknown-ecosystem.json', 'invalid-record', 'GHSA-cccc-cccc-cccc'],
      ['e-bad-prefix.json', 'invalid-record', 'FOO-1'],
      ['f-bad-event.json', 'invalid-record', 'GHSA-dddd-dddd-dddd'],
    ]);
    expect(r.issues[1]!.message).toContain("required property 'modified'");
  });

  it('reads zips: stored, deflated, zip64; bad entries are reported, not fatal', async () => {
    for (const opts of [{}, { deflate: true }, { deflate: true, zip64: true }]) {
      const path = join(tmp, `all-${JSON.stringify(opts).replace(/\W/g, '')}.zip`);
      const zip = new TestZipWriter(path, opts);
      for (let i = 0; i < 50; i++) await zip.add(`GHSA-aaaa-aaaa-${String(i).padStart(4, '0')}.json`, record(`GHSA-aaaa-aaaa-${String(i).padStart(4, '0')}`));
      await zip.add('README.txt', 'not a record');
      await zip.add('GHSA-zzzz-zzzz-crc0.json', record('GHSA-zzzz-zzzz-crc0'), { crc: 1 });
      await zip.add('GHSA-zzzz-zzzz-enc0.json', record('GHSA-zzzz-zzzz-enc0'), { flags: 1 });
      await zip.close();
      const store = new MemoryAdvisoryStore();
      const r = await importPath(store, path);
      expect(r.kind).toBe('osv-zip');
      expect(r).toMatchObject({ read: 52, imported: 50, invalid: 2 });
      expect(r.issues.map((i) => i.message)).toEqual([expect.stringContaining('CRC-32 mismatch'), expect.stringContaining('encrypted')]);
    }
  });

  it('refuses a truncated zip with a clear error', async () => {
    const path = join(tmp, 'trunc.zip');
    const zip = new TestZipWriter(path);
    await zip.add('a.json', record('GHSA-aaaa-aaaa-aaaa'));
    await zip.close();
    const { readFileSync } = await import('node:fs');
    writeFileSync(path, readFileSync(path).subarray(0, 40));
    await expect(importPath(new MemoryAdvisoryStore(), path)).rejects.toMatchObject({ code: 'invalid-zip' });
  });

  it('imports a JSON array file and picks the newest copy of a duplicated id', async () => {
    const path = join(tmp, 'array.json');
    writeFileSync(path, `[${record('GHSA-aaaa-aaaa-aaaa', '2024-01-01T00:00:00Z')},${record('GHSA-aaaa-aaaa-aaaa', '2024-02-01T00:00:00Z', { summary: 'newer' })}]`);
    const store = new MemoryAdvisoryStore();
    const r = await importPath(store, path);
    expect(r).toMatchObject({ kind: 'osv-json', read: 2, imported: 1 });
    expect((await store.getAdvisories(['GHSA-aaaa-aaaa-aaaa']))[0]!.summary).toBe('newer');
  });

  it('imports the KEV catalog and EPSS CSV (plain and gzipped)', async () => {
    const store = new MemoryAdvisoryStore();
    const kev = await importPath(store, join(SAMPLE, 'enrichment', 'known_exploited_vulnerabilities.json'));
    expect(kev).toMatchObject({ kind: 'kev-json', enrichmentEntries: 3 });
    const csv = '#model_version:v2023.03.01,score_date:2024-01-01T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.97565,0.99996\nCVE-2023-4863,0.5,0.9\nbogus,1,1\n';
    writeFileSync(join(tmp, 'epss.csv'), csv);
    writeFileSync(join(tmp, 'epss.csv.gz'), gzipSync(csv));
    for (const f of ['epss.csv', 'epss.csv.gz']) {
      const r = await importPath(store, join(tmp, f));
      expect(r).toMatchObject({ kind: 'epss-csv', enrichmentEntries: 2, invalid: 1 });
    }
    const e = await store.enrichment(['cve-2021-44228', 'CVE-2023-4911']);
    expect(e.get('CVE-2021-44228')).toEqual({
      kev: expect.objectContaining({ cveId: 'CVE-2021-44228', dateAdded: '2021-12-10', knownRansomwareCampaignUse: 'Known' }),
      epss: { cveId: 'CVE-2021-44228', score: 0.97565, percentile: 0.99996, date: '2024-01-01T00:00:00+0000' },
    });
    expect(e.get('CVE-2023-4911')).toEqual({ kev: expect.objectContaining({ dateAdded: '2023-11-21' }) });
    const status = await store.status();
    expect(status.kev).toEqual({ entries: 3, version: 'sample-2026.11.28', date: '2026-11-28T00:00:00.000Z' });
    expect(status.epss).toMatchObject({ entries: 2, version: 'v2023.03.01' });
  });

  it('says what it cannot import', async () => {
    writeFileSync(join(tmp, 'x.bin'), Buffer.from([0, 1, 2, 3]));
    await expect(importPath(new MemoryAdvisoryStore(), join(tmp, 'x.bin'))).rejects.toMatchObject({ code: 'unsupported-input' });
    await expect(importPath(new MemoryAdvisoryStore(), join(tmp, 'missing'))).rejects.toBeInstanceOf(VulnDbError);
  });
});

describe('SqlJsAdvisoryStore', () => {
  it('keeps what the memory store keeps, across save and reopen', async () => {
    const path = join(tmp, 'db', 'vulndb.sqlite');
    const mem = new MemoryAdvisoryStore();
    const file = await SqlJsAdvisoryStore.open(path);
    for (const s of [mem, file]) {
      await importPath(s, join(SAMPLE, 'osv'), { now: () => new Date('2026-01-02T03:04:05Z') });
      await importPath(s, join(SAMPLE, 'enrichment', 'known_exploited_vulnerabilities.json'), { now: () => new Date('2026-01-02T03:04:05Z') });
    }
    await file.close();
    const reopened = await SqlJsAdvisoryStore.open(path, { create: false });
    expect(await reopened.status()).toEqual(await mem.status());
    const keys = [{ ecosystem: 'Debian:12', name: 'glibc' }, { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }];
    const sortHits = (h: { advisoryId: string }[]) => [...h].sort((a, b) => a.advisoryId.localeCompare(b.advisoryId));
    expect(sortHits(await reopened.affectedFor(keys))).toEqual(sortHits(await mem.affectedFor(keys)));
    expect(await reopened.getAdvisories(['DSA-5514-1', 'GHSA-jfh8-c2jp-5v3q'])).toEqual(await mem.getAdvisories(['DSA-5514-1', 'GHSA-jfh8-c2jp-5v3q']));
    await reopened.close();
  });

  it('refuses a corrupt file with db-corrupt, and repairs it when asked', async () => {
    const path = join(tmp, 'corrupt.sqlite');
    writeFileSync(path, Buffer.from('SQLite format 3\u0000'.padEnd(4096, 'x')));
    await expect(SqlJsAdvisoryStore.open(path)).rejects.toMatchObject({ code: 'db-corrupt' });
    writeFileSync(path, '{"not": "a database"}');
    await expect(SqlJsAdvisoryStore.open(path)).rejects.toMatchObject({ code: 'db-corrupt', message: expect.stringContaining('lazaret db import') });
    const repaired = await SqlJsAdvisoryStore.open(path, { repair: true });
    expect(repaired.repairedFrom).toMatch(/corrupt\.sqlite\.corrupt-/);
    await importPath(repaired, join(SAMPLE, 'osv'));
    await repaired.close();
    const ok = await SqlJsAdvisoryStore.open(path, { create: false });
    expect((await ok.status()).advisories).toBeGreaterThan(10);
    await ok.close();
  });

  it('refuses a SQLite file that is not ours', async () => {
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (x)');
    const path = join(tmp, 'other.sqlite');
    writeFileSync(path, db.export());
    await expect(SqlJsAdvisoryStore.open(path)).rejects.toMatchObject({ code: 'db-corrupt', message: expect.stringContaining('not a Lazaret') });
  });
});
