import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertTools, checkTools } from '@lazaret/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cdxDebs,
  cycloneDxValidator,
  dpkgTruth,
  ensureBusyboxFixture,
  ensureDebianFixture,
  errorsOf,
  pushToRegistry,
  SBOM_TEST_TOOLS,
  spdxDebs,
  spdxValidator,
  startRegistry,
  validCycloneDx,
  validSpdx,
  type BusyboxFixture,
  type DebianFixture,
  type RunningRegistry,
} from './sbom-helpers';

const TOOLS = [...SBOM_TEST_TOOLS, 'script'];
const tools = checkTools(...TOOLS);
const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'services', 'cli', 'bin', 'lazaret.js');
const user = { username: 'child', password: 'from stdin' };

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real launcher, as a user runs it: `node services/cli/bin/lazaret.js ...`. */
function lazaretProcess(argv: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string }): Promise<Child> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

describe.skipIf(tools.skip)('lazaret sbom as a child process (bin/lazaret.js on the built dist)', () => {
  let fx: DebianFixture;
  let busybox: BusyboxFixture;
  let registry: RunningRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    assertTools(...TOOLS);
    // The launcher runs dist/: build the CLI and the libraries it uses (Nx cache makes this quick).
    execFileSync('npx', ['nx', 'run', '@lazaret/cli:build', '--outputStyle=static'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
      timeout: 300_000,
    });
    [fx, busybox] = await Promise.all([ensureDebianFixture(), ensureBusyboxFixture()]);
    registry = await startRegistry({ auth: { basic: user } });
    await pushToRegistry(registry, busybox.ociLayoutDir, busybox.tag, 'lazaret/busybox:1');
    dir = mkdtempSync(join(tmpdir(), 'lazaret-sbom-child-'));
    mkdirSync(join(dir, 'home'));
    env = { HOME: join(dir, 'home') };
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints a valid CycloneDX document on stdout, nothing on stderr (not a terminal), exit 0', async () => {
    const r = await lazaretProcess(['sbom', `oci-archive:${fx.ociArchive}`, '--no-cache'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(cdxDebs(validCycloneDx(r.stdout, cycloneDxValidator(), errorsOf))).toEqual(dpkgTruth(fx.rootfsDir));
  });

  it('reads the registry password from stdin with --password-stdin', async () => {
    const ok = await lazaretProcess(['sbom', `${registry.host}/lazaret/busybox:1`, '--insecure', '--no-cache', '--username', user.username, '--password-stdin'], {
      env,
      stdin: `${user.password}\n`,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(validCycloneDx(ok.stdout, cycloneDxValidator(), errorsOf).bomFormat).toBe('CycloneDX');

    const wrong = await lazaretProcess(['sbom', `${registry.host}/lazaret/busybox:1`, '--insecure', '--no-cache', '--username', user.username, '--password-stdin'], {
      env,
      stdin: 'not it\n',
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/^lazaret: unauthorized: [^\n]+\n$/);
  });

  it('errors are one line on stderr with exit 2: bad format flag, missing image, unreachable registry', async () => {
    for (const [argv, line] of [
      [['sbom', fx.ociArchive, '--format', 'xml'], /^lazaret: usage: --format must be one of cyclonedx, spdx, json, not xml\n$/],
      [['sbom', join(dir, 'missing.tar')], /^lazaret: source-not-found: [^\n]*missing\.tar[^\n]*\n$/],
      [['sbom', '127.0.0.1:9/lazaret/x:1', '--insecure'], /^lazaret: network-error: [^\n]+\n$/],
    ] as const) {
      const r = await lazaretProcess([...argv], { env });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(line);
    }
  });

  it('draws the progress bar on a real terminal (script(1) gives it a pty) and still writes the file', () => {
    const file = join(dir, 'debian.spdx.json');
    const command = [process.execPath, BIN, 'sbom', `docker-archive:${fx.dockerArchive}`, '--format', 'spdx', '--no-cache', '-o', file].map((a) => `'${a}'`).join(' ');
    const out = execFileSync('script', ['-qfec', command, '/dev/null'], { env: { PATH: process.env.PATH, ...env, TERM: 'dumb' }, encoding: 'utf8', timeout: 120_000 });
    expect(out).toMatch(/\rreading layer \d \[[#-]+\] +\d+% /);
    expect(out).toContain('\r\x1b[K');
    expect(spdxDebs(validSpdx(readFileSync(file, 'utf8'), spdxValidator(), errorsOf))).toEqual(dpkgTruth(fx.rootfsDir));
  });
});
