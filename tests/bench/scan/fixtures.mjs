// Fixtures for the scan benchmark and the Trivy comparison. They are libs/scanner's own
// fixtures, found (or built) in the same cache with the same keys as its test helpers:
// `${LAZARET_FIXTURE_CACHE:-~/.cache/lazaret-fixtures}/<name>/<first 16 hex of sha256(script)>/`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const SCANNER_TEST = join(REPO_ROOT, 'libs', 'scanner', 'test');

export function fixtureCacheRoot() {
  return process.env.LAZARET_FIXTURE_CACHE ?? join(homedir(), '.cache', 'lazaret-fixtures');
}

function hashOf(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
}

/** Same contract as libs/scanner/test/catalog-fixtures/fixture-cache.ts: $OUT, a `.done` marker. */
function cachedScriptFixture(name, scriptPath, env = {}, extraKey = '') {
  const out = join(fixtureCacheRoot(), name, hashOf(readFileSync(scriptPath), extraKey));
  if (existsSync(join(out, '.done'))) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  process.stderr.write(`building fixture ${name} (${scriptPath})...\n`);
  execFileSync('bash', ['-euo', 'pipefail', scriptPath], { env: { ...process.env, ...env, OUT: out }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
  writeFileSync(join(out, '.done'), new Date().toISOString());
  return out;
}

/**
 * The two-layer Debian bookworm image (libs/scanner/test/fixtures/build-debian.sh; same cache
 * entry as `ensureDebianFixture()`): OCI layout, oci-archive, docker-archive, unpacked rootfs.
 */
export function ensureDebianImage() {
  const script = join(SCANNER_TEST, 'fixtures', 'build-debian.sh');
  const dir = join(fixtureCacheRoot(), 'debian-minbase', hashOf(readFileSync(script)));
  if (!existsSync(dir)) {
    if (process.getuid?.() !== 0) throw new Error('the Debian fixture needs root (debootstrap, chroot) to be built once');
    mkdirSync(join(fixtureCacheRoot(), 'debian-minbase'), { recursive: true });
    process.stderr.write('building the Debian image fixture (debootstrap; 1-2 minutes, once)...\n');
    execFileSync('bash', [script, dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
  }
  return {
    dir,
    ociLayoutDir: join(dir, 'oci'),
    ociArchive: join(dir, 'debian-oci.tar'),
    dockerArchive: join(dir, 'debian-docker.tar'),
    rootfsDir: join(dir, 'bundle', 'rootfs'),
  };
}

/**
 * The language root filesystem (build-languages-rootfs.sh here), assembled from libs/scanner's
 * catalog fixtures: real Debian .debs unpacked (Python, Java, Ruby, a Go binary) and small
 * projects built by npm and go. Returns the paths the ground-truth tools need.
 */
export function ensureLanguagesRootfs() {
  const deb = cachedScriptFixture('catalog-debian', join(SCANNER_TEST, 'catalog-fixtures', 'build-debian-packages.sh'));
  const lang = cachedScriptFixture('catalog-language-projects', join(SCANNER_TEST, 'catalog-fixtures', 'build-language-projects.sh'), {
    WS_NODE_MODULES: join(REPO_ROOT, 'node_modules'),
    DEB_ROOT: join(deb, 'root'),
  });
  // Keyed by this script and by its inputs' cache entries (their names are hashes too).
  const out = cachedScriptFixture('bench-languages-rootfs', join(import.meta.dirname, 'build-languages-rootfs.sh'), { DEB_ROOT: join(deb, 'root'), LANG_DIR: lang }, `${deb}\n${lang}`);
  return { rootfsDir: join(out, 'rootfs') };
}

/** The built scanner (libs/scanner/dist); tells how to build it when missing. */
export function loadScanner() {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const entry = join(REPO_ROOT, 'libs', 'scanner', 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error('libs/scanner is not built: npx nx run @lazaret/scanner:build');
  return require(entry);
}

export const CLI_BIN = join(REPO_ROOT, 'services', 'cli', 'bin', 'lazaret.js');

export function assertCliBuilt() {
  if (!existsSync(join(REPO_ROOT, 'services', 'cli', 'dist', 'main.js'))) throw new Error('the CLI is not built: npx nx run @lazaret/cli:build');
}
