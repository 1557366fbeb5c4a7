#!/usr/bin/env node
// Vulnerability matching benchmark: imports N generated OSV advisories (real sample records
// scaled up by varying package names and versions) and matches P packages against them, each
// against a baseline measured in the same process:
//   import   vs  JSON.parse of the same record texts (the floor any importer pays),
//   matching vs  a plain Map lookup of every package name (the floor of any index).
// Machines are noisy: compare the ratios, not only the absolute numbers.
//
//   npm run build && node tests/bench/match/run.cjs [--advisories 100000] [--packages 10000] [--store memory|sqljs]
'use strict';
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const vulndb = require('../../../libs/vulndb/dist');

const { values } = parseArgs({ options: { advisories: { type: 'string', default: '100000' }, packages: { type: 'string', default: '10000' }, store: { type: 'string', default: 'both' } } });
const N = Number(values.advisories);
const P = Number(values.packages);
const SAMPLE = join(__dirname, '..', '..', '..', 'libs', 'vulndb', 'data', 'sample', 'osv');
const templates = readdirSync(SAMPLE).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(SAMPLE, f), 'utf8')));
const NAMES = Math.max(1, Math.floor(N / 5)); // about five advisories per package name

// Version shapes per ecosystem, so that every range is evaluated with the ecosystem's ordering.
const VERSION = {
  'Debian:12': (i) => `${1 + (i % 7)}.${i % 13}-${1 + (i % 3)}+deb12u${1 + (i % 9)}`,
  'Debian:11': (i) => `${1 + (i % 7)}.${i % 13}-${1 + (i % 3)}+deb11u${1 + (i % 9)}`,
  'Alpine:v3.16': (i) => `${1 + (i % 7)}.${i % 13}.${i % 5}-r${i % 4}`,
  Maven: (i) => `${1 + (i % 7)}.${i % 13}.${i % 5}`,
  npm: (i) => `${1 + (i % 7)}.${i % 13}.${i % 5}`,
  PyPI: (i) => `${1 + (i % 7)}.${i % 13}.${i % 5}`,
};

function advisory(i) {
  const t = templates[i % templates.length];
  const n = i % NAMES;
  const rec = JSON.parse(JSON.stringify(t));
  rec.id = `OSV-BENCH-${i}`;
  rec.aliases = [`CVE-2099-${100000 + i}`];
  rec.upstream = undefined;
  for (const a of rec.affected) {
    const eco = a.package.ecosystem;
    a.package.name = eco === 'Maven' ? `org.bench.g${n % 50}:a${n}` : `pkg${n}`;
    delete a.package.purl;
    const v = VERSION[eco] ?? VERSION.npm;
    for (const r of a.ranges ?? []) {
      r.events = r.events.map((e) => (e.fixed ? { fixed: v(i + 3) } : e.introduced && e.introduced !== '0' ? { introduced: v(i) } : e));
    }
  }
  return JSON.stringify(rec);
}

function packages() {
  const out = [];
  const types = [
    ['deb', 'Debian:12'],
    ['npm', 'npm'],
    ['pypi', 'PyPI'],
    ['maven', 'Maven'],
  ];
  for (let i = 0; i < P; i++) {
    const [type, eco] = types[i % types.length];
    const n = (i * 7919) % NAMES;
    const version = (VERSION[eco] ?? VERSION.npm)(i);
    const p = { type, name: `pkg${n}`, version, purl: `pkg:${type}/pkg${n}@${version}`, licenses: [], foundBy: 'bench', locations: [{ path: '/bench', layerDigest: 'sha256:00' }] };
    if (type === 'deb') Object.assign(p, { sourceName: `pkg${n}`, sourceVersion: version });
    if (type === 'maven') Object.assign(p, { namespace: `org.bench.g${n % 50}`, name: `a${n}` });
    out.push(p);
  }
  return out;
}

const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const texts = new Array(N);
  for (let i = 0; i < N; i++) texts[i] = advisory(i);
  const pkgs = packages();
  const os = { id: 'debian', versionId: '12', idLike: [] };
  console.log(`advisories ${N} (${mb(texts.reduce((n, t) => n + t.length, 0))} of JSON), packages ${P}, node ${process.version}`);

  // Baseline: JSON.parse of every record.
  let t = performance.now();
  let parsed = 0;
  for (const x of texts) parsed += JSON.parse(x).affected.length;
  const parseMs = performance.now() - t;

  const stores = values.store === 'both' ? ['memory', 'sqljs'] : [values.store];
  for (const kind of stores) {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const store = kind === 'memory' ? new vulndb.MemoryAdvisoryStore() : await vulndb.SqlJsAdvisoryStore.memory();
    t = performance.now();
    const report = await vulndb.importRecords(store, texts.map((text, i) => ({ source: `r${i}`, text })), { batchSize: 2000 });
    const importMs = performance.now() - t;
    const rssImport = process.memoryUsage().rss;
    if (report.imported !== N || report.invalid) throw new Error(`import: ${JSON.stringify({ ...report, issues: report.issues.slice(0, 3) })}`);

    // Baseline: a Map from package name to advisory ids, looked up once per package.
    const index = new Map();
    for (let i = 0; i < N; i++) {
      const key = `pkg${i % NAMES}`;
      const l = index.get(key);
      if (l) l.push(i);
      else index.set(key, [i]);
    }
    t = performance.now();
    let hits = 0;
    for (const p of pkgs) hits += (index.get(p.sourceName ?? p.name) ?? []).length;
    const mapMs = performance.now() - t;

    await vulndb.matchPackages(store, { packages: pkgs.slice(0, 100), os }); // warm-up (comparators, JIT)
    t = performance.now();
    const result = await vulndb.matchPackages(store, { packages: pkgs, os });
    const matchMs = performance.now() - t;
    const rssMatch = process.memoryUsage().rss;

    console.log(`\n[${kind} store]`);
    console.log(`import   ${s(importMs)} for ${N} records (${Math.round(N / (importMs / 1000))}/s; target < 60 s) | baseline JSON.parse ${s(parseMs)} | ratio ${(importMs / parseMs).toFixed(1)}x`);
    console.log(`match    ${s(matchMs)} for ${P} packages, ${result.stats.candidates} candidate entries, ${result.findings.length} findings, ${result.unknownOrdering.length} unknown (target < 1 s) | baseline Map lookup ${(mapMs).toFixed(2)} ms (${hits} hits) | ratio ${(matchMs / Math.max(mapMs, 0.01)).toFixed(0)}x`);
    console.log(`memory   rss before import ${mb(rss0)}, after import ${mb(rssImport)} (+${mb(rssImport - rss0)}), after match ${mb(rssMatch)}; heap used ${mb(process.memoryUsage().heapUsed)}`);
  }
  void parsed;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
