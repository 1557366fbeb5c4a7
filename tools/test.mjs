#!/usr/bin/env node
// `npm test`: build (Nx caches it), find NATS and Postgres the same way `npm start` does, run
// every test once, and print one plain summary line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function answers(host, port) {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok) => (s.destroy(), resolve(ok));
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

if (!env.NATS_URL && (await answers('127.0.0.1', 4222))) env.NATS_URL = 'nats://127.0.0.1:4222';
if (!env.DATABASE_URL && (await answers('127.0.0.1', 5432))) env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (build.status !== 0) {
    process.stderr.write('npm test: the build failed (run `npm run build` to see why)\n');
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lazaret-test-'));
const report = join(dir, 'report.json');
const args = ['vitest', 'run', '--reporter=default', `--reporter=json`, `--outputFile.json=${report}`, ...process.argv.slice(2).filter((a) => a !== '--no-build')];
const run = spawnSync('npx', args, { stdio: 'inherit', env });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0);
  skipped = r.numPendingTests + r.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
