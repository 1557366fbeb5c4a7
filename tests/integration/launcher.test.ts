import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkTools, eventually } from '@lazaret/testing';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../tools/launcher/args.mjs';
import { restartDelayMs, RestartPolicy, STABLE_AFTER_MS } from '../../tools/launcher/backoff.mjs';
import { serviceEnv } from '../../tools/launcher/env.mjs';
import { LauncherError } from '../../tools/launcher/errors.mjs';
import { Launcher, resolveSettings } from '../../tools/launcher/main.mjs';
import { chooseNats, findExecutable, NATS_INSTALL_HINT, passwordVariables, renderOpenConfig } from '../../tools/launcher/nats.mjs';
import { prettyLogLine } from '../../tools/launcher/output.mjs';
import { canListen, freePort, preferredOrFreePort, tcpAnswers } from '../../tools/launcher/ports.mjs';
import { blockedAncestor, choosePostgres, redactUrl } from '../../tools/launcher/postgres.mjs';
import { ADMIN_KEY_PATTERN, decodeKey32, generateAdminKey, loadOrCreateKek } from '../../tools/launcher/secrets.mjs';
import { findEntryPoints, serviceNames } from '../../tools/launcher/services.mjs';
import { renderSummary } from '../../tools/launcher/summary.mjs';

const REPO = resolve(__dirname, '..', '..');
const START = join(REPO, 'tools', 'start.mjs');
const ALL = ['ingest', 'scanning', 'signing', 'correlation', 'audit', 'quarantine', 'gateway'];
const KEY_IN_OUTPUT = /Admin key\s+(lzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43})\s/;

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // The embedded Postgres runs as user postgres when the tests run as root: it must reach its data.
  chmodSync(dir, 0o755);
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records a fake error about `code`/`message` shape without caring about the class identity. */
function launcherError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LauncherError);
    return err as { code: string; message: string };
  }
  throw new Error('expected a LauncherError');
}

describe('launcher: command line and settings', () => {
  it('parses flags, with defaults', () => {
    expect(parseArgs([])).toEqual({ help: false, build: true, withAgent: false, port: undefined, logLevel: undefined, natsAuth: undefined });
    expect(parseArgs(["--no-nats-auth"]).natsAuth).toBe(false);
    expect(parseArgs(['--no-build', '--with-agent', '--port', '8081', '--log-level=debug'])).toMatchObject({ build: false, withAgent: true, port: 8081, logLevel: 'debug' });
    expect(parseArgs(['--port=1'])).toMatchObject({ port: 1 });
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--port', '0'], '--port: expected a port number 1-65535, got 0'],
    [['--port', '70000'], '--port: expected a port number 1-65535, got 70000'],
    [['--port', 'http'], '--port: expected a port number 1-65535, got "http"'],
    [['--port'], '--port needs a value'],
    [['--log-level', 'loud'], '--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [['--no-build=yes'], '--no-build takes no value'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['services'], 'unexpected argument "services"'],
  ])('rejects %j with one line', (argv, message) => {
    const err = launcherError(() => parseArgs(argv));
    expect(err.code).toBe('usage');
    expect(err.message).toBe(`${message} (see --help)`);
    expect(err.message).not.toContain('\n');
  });

  it('checks settings taken from the environment', () => {
    expect(resolveSettings(parseArgs([]), {})).toEqual({ gatewayPort: 8080, logLevel: 'info', host: '127.0.0.1', opsPorts: {} });
    expect(resolveSettings(parseArgs(['--port', '9000']), { LAZARET_PORT: '7000', LAZARET_SCANNING_HTTP_PORT: '9202' })).toMatchObject({ gatewayPort: 9000, opsPorts: { scanning: 9202 } });
    expect(resolveSettings(parseArgs([]), { LAZARET_PORT: '7000', LAZARET_LOG_LEVEL: 'warn' })).toMatchObject({ gatewayPort: 7000, logLevel: 'warn' });
    const err = launcherError(() => resolveSettings(parseArgs([]), { LAZARET_PORT: 'http' }));
    expect(err).toMatchObject({ code: 'config', message: 'LAZARET_PORT: expected a port number 1-65535, got "http"' });
  });

  it('lists services in start order, gateway last, agent only on request', () => {
    expect(serviceNames({ withAgent: false })).toEqual(ALL);
    expect(serviceNames({ withAgent: true })).toEqual([...ALL.slice(0, 6), 'agent', 'gateway']);
    const dir = tempDir('lzl-entry-');
    mkdirSync(join(dir, 'audit', 'dist'), { recursive: true });
    writeFileSync(join(dir, 'audit', 'dist', 'main.js'), '');
    const { present, missing } = findEntryPoints(dir, ['ingest', 'audit']);
    expect(present).toEqual([{ name: 'audit', entry: join(dir, 'audit', 'dist', 'main.js') }]);
    expect(missing.map((m: { name: string }) => m.name)).toEqual(['ingest']);
  });
});

describe('launcher: secrets', () => {
  it('makes admin keys in the gateway format, each one different', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateAdminKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(ADMIN_KEY_PATTERN);
    // 6 bytes of key id as hex, then 32 bytes as unpadded base64url.
    expect(generateAdminKey((n: number) => Buffer.alloc(n, 0xff))).toBe(`lzk_ffffffffffff_${'_'.repeat(42)}8`);
    expect(ADMIN_KEY_PATTERN.test('lzk_ABCDEF012345_' + 'a'.repeat(43))).toBe(false);
  });

  it('creates the KEK once with mode 0600, reuses it, and prefers LAZARET_KEK', async () => {
    const dir = join(tempDir('lzl-kek-'), 'data');
    const first = await loadOrCreateKek(dir, {});
    expect(first.source).toBe('created');
    expect(statSync(join(dir, 'kek')).mode & 0o777).toBe(0o600);
    expect(decodeKey32(first.value)?.length).toBe(32);
    const second = await loadOrCreateKek(dir, {});
    expect(second).toMatchObject({ source: 'file', value: first.value });

    chmodSync(join(dir, 'kek'), 0o644);
    const warnings: string[] = [];
    await loadOrCreateKek(dir, {}, (m: string) => warnings.push(m));
    expect(statSync(join(dir, 'kek')).mode & 0o777).toBe(0o600);
    expect(warnings[0]).toMatch(/readable by others/);

    const other = join(tempDir('lzl-kek-'), 'data');
    expect(await loadOrCreateKek(other, { LAZARET_KEK: 'from-a-secret-manager' })).toEqual({ value: 'from-a-secret-manager', source: 'env' });
    expect(existsSync(join(other, 'kek'))).toBe(false);

    writeFileSync(join(dir, 'kek'), 'too-short\n');
    await expect(loadOrCreateKek(dir, {})).rejects.toMatchObject({ code: 'config', message: expect.stringMatching(/does not hold a 32-byte base64 key/) });
  });
});

describe('launcher: restarts', () => {
  it('backs off 1 s, 2 s, 4 s ... up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('counts restarts and starts the backoff over after a child stayed up a minute', () => {
    const policy = new RestartPolicy();
    expect([policy.next(100), policy.next(100), policy.next(100)]).toEqual([
      { delayMs: 1000, restart: 1 },
      { delayMs: 2000, restart: 2 },
      { delayMs: 4000, restart: 3 },
    ]);
    expect(policy.next(STABLE_AFTER_MS)).toEqual({ delayMs: 1000, restart: 4 });
    expect(policy.next(10)).toEqual({ delayMs: 2000, restart: 5 });
  });
});

describe('launcher: ports', () => {
  it('finds free ports and sees busy ones', async () => {
    const port = await freePort();
    expect(await canListen(port)).toBe(true);
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      expect(await canListen(port)).toBe(false);
      expect(await tcpAnswers('127.0.0.1', port)).toBe(true);
      const other = await preferredOrFreePort(port);
      expect(other).not.toBe(port);
      expect(await canListen(other)).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await tcpAnswers('127.0.0.1', port, 200)).toBe(false);
  });
});

describe('launcher: child environment', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/me',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    LAZARET_MAX_DELIVER: '3',
    AWS_SECRET_ACCESS_KEY: 'never-passed',
    LAZARET_NATS_PASSWORD_GATEWAY: 'not-for-scanning',
    LAZARET_ADMIN_KEY: 'user-key',
    LAZARET_HTTP_PORT: '1234',
    LAZARET_SCANNING_HTTP_PORT: '9202',
    LAZARET_DATA_DIR: '/x',
    LAZARET_FORCE_EMBEDDED_PG: '1',
  };
  const settings = {
    natsUrl: 'nats://127.0.0.1:4222',
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/lazaret',
    logLevel: 'debug',
    host: '127.0.0.1',
    gatewayPort: 8080,
    opsPort: 9102,
    adminKey: 'lzk_000000000000_' + 'A'.repeat(43),
    kek: 'a2V5',
  };

  it('gives a backend service its settings and nothing it should not see', () => {
    expect(serviceEnv('scanning', parent, settings)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      LAZARET_MAX_DELIVER: '3',
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lazaret',
      LAZARET_LOG_LEVEL: 'debug',
      LAZARET_HOST: '127.0.0.1',
      LAZARET_KEK: 'a2V5',
      LAZARET_HTTP_PORT: '9102',
    });
  });

  it('gives the gateway its port and the admin key, and a service its own NATS identity', () => {
    const env = serviceEnv('gateway', parent, { ...settings, natsCredentials: { user: 'gateway', password: 'pw', inboxPrefix: '_INBOX.gateway' } });
    expect(env).toMatchObject({ LAZARET_PORT: '8080', LAZARET_HTTP_PORT: '8080', LAZARET_ADMIN_KEY: settings.adminKey, NATS_USER: 'gateway', NATS_PASSWORD: 'pw', NATS_INBOX_PREFIX: '_INBOX.gateway' });
    expect(env.LAZARET_NATS_PASSWORD_GATEWAY).toBeUndefined();
  });
});

describe('launcher: choosing NATS and Postgres', () => {
  const probe = (answer: boolean) => {
    const calls: string[] = [];
    return { calls, fn: async (host: string, port: number) => (calls.push(`${host}:${port}`), answer) };
  };

  it('NATS: NATS_URL, else a server on 127.0.0.1:4222, else its own', async () => {
    const p = probe(true);
    expect(await chooseNats({ env: { NATS_URL: 'nats://n:4222' }, probe: p.fn })).toEqual({ source: 'env', url: 'nats://n:4222' });
    expect(p.calls).toEqual([]);
    expect(await chooseNats({ env: {}, probe: p.fn })).toEqual({ source: 'local', url: 'nats://127.0.0.1:4222' });
    expect(p.calls).toEqual(['127.0.0.1:4222']);
    expect(await chooseNats({ env: {}, probe: probe(false).fn })).toEqual({ source: 'own' });
    const forced = probe(true);
    expect(await chooseNats({ env: {}, probe: forced.fn, forceOwn: true })).toEqual({ source: 'own' });
    expect(forced.calls).toEqual([]);
  });

  it('Postgres: DATABASE_URL, else 127.0.0.1:5432 as postgres@.../lazaret, else embedded', async () => {
    const p = probe(true);
    expect(await choosePostgres({ env: { DATABASE_URL: 'postgres://u@db/x' }, probe: p.fn })).toEqual({ source: 'env', url: 'postgres://u@db/x' });
    expect(p.calls).toEqual([]);
    expect(await choosePostgres({ env: {}, probe: p.fn })).toEqual({ source: 'local', url: 'postgres://postgres@127.0.0.1:5432/lazaret' });
    expect(p.calls).toEqual(['127.0.0.1:5432']);
    expect(await choosePostgres({ env: {}, probe: probe(false).fn })).toEqual({ source: 'embedded' });
    expect(await choosePostgres({ env: {}, probe: probe(true).fn, forceEmbedded: true })).toEqual({ source: 'embedded' });
  });

  it('finds nats-server on PATH or in the extra directories, only when executable', () => {
    const dir = tempDir('lzl-bin-');
    const bin = join(dir, 'sbin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nats-server'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'nats-server'), 'not executable', { mode: 0o644 });
    expect(findExecutable('nats-server', dir, [bin])).toBe(join(bin, 'nats-server'));
    expect(findExecutable('nats-server', `${dir}:${bin}`, [])).toBe(join(bin, 'nats-server'));
    expect(findExecutable('nats-server', dir, [])).toBeUndefined();
  });

  it('writes a loopback-only JetStream config and reads the password variables of the accounts file', () => {
    const conf = renderOpenConfig({ port: 4333, storeDir: '/d/nats/jetstream', pidFile: '/d/nats/nats-server.pid' });
    expect(conf).toContain('listen: "127.0.0.1:4333"');
    expect(conf).toContain('store_dir: "/d/nats/jetstream"');
    expect(passwordVariables('password: $LAZARET_NATS_PASSWORD_GATEWAY\npassword: $LAZARET_NATS_PASSWORD_AGENT_DEMO\n$LAZARET_NATS_PASSWORD_GATEWAY')).toEqual([
      'LAZARET_NATS_PASSWORD_GATEWAY',
      'LAZARET_NATS_PASSWORD_AGENT_DEMO',
    ]);
  });

  it('redacts database passwords and finds directories user postgres cannot enter', () => {
    expect(redactUrl('postgres://postgres:s3cret@127.0.0.1:5433/lazaret')).toBe('postgres://postgres:***@127.0.0.1:5433/lazaret');
    const dir = tempDir('lzl-perm-');
    const closed = join(dir, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true });
    chmodSync(closed, 0o700);
    const owner = statSync(closed);
    expect(blockedAncestor(join(closed, 'inner', 'pg'), owner.uid + 1000, owner.gid + 1000)).toBe(closed);
    expect(blockedAncestor(join(closed, 'inner', 'pg'), owner.uid, owner.gid)).toBeUndefined();
  });

  it('stops with the one-line install hint when nats-server is missing', async () => {
    const lines: string[] = [];
    const sink = { write: (s: string) => (lines.push(s), true) };
    const { Output } = await import('../../tools/launcher/output.mjs');
    const services = tempDir('lzl-nonats-');
    mkdirSync(join(services, 'ingest', 'dist'), { recursive: true });
    writeFileSync(join(services, 'ingest', 'dist', 'main.js'), '');
    const launcher = new Launcher({
      options: parseArgs(['--no-build']),
      env: { LAZARET_FORCE_OWN_NATS: '1', LAZARET_INGEST_HTTP_PORT: String(await freePort()) },
      output: new Output({ stream: sink, errStream: sink }),
      paths: { root: REPO, dataDir: join(services, 'data'), servicesDir: services },
      deps: { findNatsServer: () => undefined },
    });
    expect(await launcher.run()).toBe(1);
    const errors = lines.filter((l) => l.includes('nats-server not found'));
    expect(errors).toEqual([`[launcher]    ${NATS_INSTALL_HINT}\n`]);
    expect(NATS_INSTALL_HINT).not.toContain('\n');
  });
});

describe('launcher: output', () => {
  it('pretty-prints pino lines and leaves other lines alone', () => {
    expect(prettyLogLine('{"level":"warn","time":"2026-01-01T00:00:00Z","service":"audit","pid":1,"msg":"slow","ms":30}')).toEqual(['WARN  slow ms=30']);
    expect(prettyLogLine('{"level":50,"msg":"boom","err":{"type":"Error","message":"x","stack":"Error: x\\n    at f"}}')).toEqual(['ERROR boom', '  Error: x', '      at f']);
    expect(prettyLogLine('plain text')).toBeUndefined();
    expect(prettyLogLine('{not json')).toBeUndefined();
  });

  it('summarises URLs, the admin key and the CLI hint', () => {
    const text = renderSummary({
      apiBase: 'http://127.0.0.1:8080',
      adminKey: 'lzk_0123456789ab_' + 'x'.repeat(43),
      adminKeySource: 'generated',
      cliHint: 'npx lazaret status --api-key lzk_…',
      nats: 'nats://127.0.0.1:4222 (already running)',
      postgres: 'postgres://postgres@127.0.0.1:5432/lazaret (already running)',
      skipped: ['agent'],
    });
    expect(text).toContain('API        http://127.0.0.1:8080/api/v1');
    expect(text).toContain('API docs   http://127.0.0.1:8080/api/docs');
    expect(text).toMatch(/Admin key  lzk_0123456789ab_x{43}/);
    expect(text).toContain('Not started (not built): agent');
    const widths = new Set(text.split('\n').map((l: string) => l.length));
    expect(widths.size).toBe(1);
  });

  it('draws the summary open on the right when the terminal is too narrow for the box', () => {
    const input = { apiBase: 'http://127.0.0.1:8080', adminKey: 'lzk_0123456789ab_' + 'x'.repeat(43), adminKeySource: 'env', cliHint: 'npx lazaret status --api-key ' + 'lzk_0123456789ab_' + 'x'.repeat(43), nats: 'n', postgres: 'p' };
    const wide = renderSummary({ ...input, maxWidth: 200 }).split('\n');
    expect(wide[0].endsWith('┐')).toBe(true);
    const narrow = renderSummary({ ...input, maxWidth: 80 }).split('\n');
    expect(narrow.every((l: string) => l.length <= 80 || l.startsWith('│ CLI'))).toBe(true);
    expect(narrow[0]).toBe('┌' + '─'.repeat(79));
    expect(narrow).toContain(`│ CLI        ${input.cliHint}`);
    expect(narrow).toContain('│            (from LAZARET_ADMIN_KEY)');
  });
});

// ---------------------------------------------------------------------------------------------
// The real launcher process, with tiny fake services (the real ones are built elsewhere).

const FAKE_SERVICE = `
import { createServer } from 'node:http';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const name = process.argv[2];
const dir = process.env.LAZARET_TEST_STATE_DIR;
const port = Number(name === 'gateway' ? process.env.LAZARET_PORT : process.env.LAZARET_HTTP_PORT);
const log = (msg, extra = {}) => process.stdout.write(JSON.stringify({ level: 'info', time: new Date().toISOString(), service: name, pid: process.pid, msg, ...extra }) + '\\n');
appendFileSync(join(dir, 'pids'), name + ' ' + process.pid + '\\n');
writeFileSync(join(dir, 'env-' + name + '.json'), JSON.stringify(process.env));
const mode = process.env['LAZARET_TEST_MODE_' + name.toUpperCase()] ?? 'ok';
if (mode === 'crash-once' && !existsSync(join(dir, 'crashed-' + name))) {
  writeFileSync(join(dir, 'crashed-' + name), '');
  setTimeout(() => { process.stderr.write('simulated crash\\n'); process.exit(1); }, 200);
} else if (mode === 'config') {
  process.stderr.write('invalid configuration: LAZARET_WIDGET: expected an integer (got "many")\\n');
  process.exit(78);
} else {
  serve();
}
function serve() {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: name, status: 'ok' }));
  });
  server.listen(port, '127.0.0.1', () => log(name + ' started', { port }));
  const stop = (signal) => {
    log(name + ' stopping', { signal });
    // 'stubborn' ignores polite requests: only SIGKILL ends it.
    if (mode === 'stubborn') return;
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
`;

interface Fixture {
  root: string;
  services: string;
  state: string;
  data: string;
}

function fakeServices(names: string[]): Fixture {
  const root = tempDir('lzl-run-');
  const services = join(root, 'services');
  const state = join(root, 'state');
  mkdirSync(state);
  writeFileSync(join(root, 'fake-service.mjs'), FAKE_SERVICE);
  for (const name of names) {
    mkdirSync(join(services, name, 'dist'), { recursive: true });
    writeFileSync(join(services, name, 'dist', 'main.js'), `process.argv[2] = ${JSON.stringify(name)};\nawait import(${JSON.stringify(join(root, 'fake-service.mjs'))});\n`);
  }
  return { root, services, state, data: join(root, 'data') };
}

function recordedPids(fx: Fixture): Array<{ name: string; pid: number }> {
  if (!existsSync(join(fx.state, 'pids'))) return [];
  return readFileSync(join(fx.state, 'pids'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([name, pid]) => ({ name, pid: Number(pid) }));
}

function childEnv(fx: Fixture, name: string): Record<string, string> {
  return JSON.parse(readFileSync(join(fx.state, `env-${name}.json`), 'utf8'));
}

async function opsPortEnv(names: string[]): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of names) if (name !== 'gateway') env[`LAZARET_${name.toUpperCase()}_HTTP_PORT`] = String(await freePort());
  return env;
}

interface Run {
  proc: ChildProcess;
  text(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];
const fixtures: Fixture[] = [];

function launch(fx: Fixture, args: string[], env: Record<string, string | undefined>, options: { ownGroup?: boolean } = {}): Run {
  fixtures.push(fx);
  const fullEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, HOME: fx.root, LAZARET_DATA_DIR: fx.data, LAZARET_SERVICES_DIR: fx.services, LAZARET_TEST_STATE_DIR: fx.state, ...env })) {
    if (v !== undefined) fullEnv[k] = v;
  }
  const proc = spawn(process.execPath, [START, ...args], { cwd: fx.root, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup ?? false });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  const run: Run = {
    proc,
    text: () => text,
    exit,
    waitFor: (pattern, timeoutMs = 20_000) =>
      eventually(() => text.match(pattern) ?? undefined, { timeoutMs, intervalMs: 50, what: `${pattern} in launcher output:\n${text}` }),
  };
  runs.push(run);
  return run;
}

afterEach(async () => {
  // A failed assertion must not leave processes behind. Ask the launcher to stop first (it stops
  // its detached nats-server and Postgres, which a SIGKILL of the launcher would orphan), then
  // kill by PID whatever is left.
  for (const run of runs.splice(0)) {
    if (run.proc.exitCode === null && run.proc.signalCode === null) {
      run.proc.kill('SIGTERM');
      const stopped = await Promise.race([run.exit.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))]);
      if (!stopped) {
        run.proc.kill('SIGKILL');
        await run.exit;
      }
    }
    for (const m of run.text().matchAll(/started (nats-server|embedded Postgres) \(pid (\d+)\)/g)) {
      const pid = Number(m[2]);
      if (alive(pid)) process.kill(pid, m[1] === 'nats-server' ? 'SIGKILL' : 'SIGQUIT');
    }
  }
  for (const fx of fixtures.splice(0)) {
    for (const { pid } of recordedPids(fx)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

describe('launcher process', () => {
  it('starts the services, restarts a crashed one, prints the summary, and stops everything on SIGINT', async () => {
    const started = ALL.filter((n) => n !== 'quarantine');
    const fx = fakeServices(started);
    const gatewayPort = await freePort();
    const run = launch(fx, ['--no-build', '--port', String(gatewayPort), '--log-level', 'debug'], {
      ...(await opsPortEnv(started)),
      LAZARET_TEST_MODE_SCANNING: 'crash-once',
      AWS_SECRET_ACCESS_KEY: 'must-not-reach-services',
      LAZARET_ADMIN_KEY: undefined,
      LAZARET_KEK: undefined,
    });

    const [, key] = await run.waitFor(KEY_IN_OUTPUT, 30_000);
    expect(key).toMatch(ADMIN_KEY_PATTERN);
    const out = run.text();
    expect(out).toContain(`API        http://127.0.0.1:${gatewayPort}/api/v1`);
    expect(out).toContain(`API docs   http://127.0.0.1:${gatewayPort}/api/docs`);
    expect(out).toContain(`CLI        npx lazaret status --url http://127.0.0.1:${gatewayPort}/api/v1 --api-key ${key}`);
    expect(out).toMatch(/warning: quarantine: .*does not exist \(not built yet\?\); skipping it/);
    expect(out).toContain('Not started (not built): quarantine');
    // The crash, logged and followed by a restart after 1 s.
    expect(out).toContain('scanning exited with code 1 (signal null); restarting in 1s (restart 1)');
    expect(out).toMatch(/\[scanning\]\s+simulated crash/);
    const pids = recordedPids(fx);
    expect(pids.filter((p) => p.name === 'scanning')).toHaveLength(2);
    // The gateway started only after every backend was ready.
    expect(out.indexOf('started gateway')).toBeGreaterThan(out.indexOf('scanning is ready'));
    // Child lines are prefixed with the padded name, JSON kept as is (stdout is not a TTY).
    expect(out).toMatch(/^\[correlation\] \{"level":"info".*"msg":"correlation started"/m);

    // What the services were given.
    const gw = childEnv(fx, 'gateway');
    const audit = childEnv(fx, 'audit');
    expect(gw.LAZARET_ADMIN_KEY).toBe(key);
    expect(audit.LAZARET_ADMIN_KEY).toBeUndefined();
    expect(gw.LAZARET_PORT).toBe(String(gatewayPort));
    expect(audit).toMatchObject({ NATS_URL: process.env.NATS_URL, DATABASE_URL: process.env.DATABASE_URL, LAZARET_LOG_LEVEL: 'debug', LAZARET_HOST: '127.0.0.1' });
    expect(audit.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    const kek = readFileSync(join(fx.data, 'kek'), 'utf8').trim();
    expect(statSync(join(fx.data, 'kek')).mode & 0o777).toBe(0o600);
    expect(decodeKey32(kek)).toHaveLength(32);
    expect(audit.LAZARET_KEK).toBe(kek);
    expect(gw.LAZARET_KEK).toBe(kek);
    // The admin key never reaches the disk.
    expect(readFileSync(join(fx.data, 'kek'), 'utf8')).not.toContain(key);

    const stoppedAt = run.text().length;
    run.proc.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const after = run.text().slice(stoppedAt);
    expect(after).toContain('SIGINT received: stopping everything');
    expect(after).not.toContain('restarting');
    // Each running service was asked to stop with SIGTERM (and had the time to say so).
    for (const name of started) expect(after).toContain(`"msg":"${name} stopping","signal":"SIGTERM"`);
    for (const { name, pid } of recordedPids(fx)) {
      await eventually(() => (alive(pid) ? undefined : true), { timeoutMs: 3_000, what: `${name} pid ${pid} to be gone` });
    }
  });

  it('handles a Ctrl-C typed in the terminal (SIGINT to the whole process group) without restarting anything', async () => {
    const names = ['ingest', 'scanning', 'gateway'];
    const fx = fakeServices(names);
    // Its own process group, like a shell job: the signal below reaches the launcher and its children at once.
    const run = launch(fx, ['--no-build', '--port', String(await freePort())], await opsPortEnv(names), { ownGroup: true });
    await run.waitFor(KEY_IN_OUTPUT);
    process.kill(-run.proc.pid!, 'SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.text()).not.toContain('restarting');
    for (const name of names) expect(run.text()).toContain(`"msg":"${name} stopping"`);
    for (const { name, pid } of recordedPids(fx)) {
      await eventually(() => (alive(pid) ? undefined : true), { timeoutMs: 3_000, what: `${name} pid ${pid} to be gone` });
    }
  });

  it('kills at once on a second Ctrl-C when a service ignores SIGTERM', async () => {
    const names = ['ingest', 'gateway'];
    const fx = fakeServices(names);
    const run = launch(fx, ['--no-build', '--port', String(await freePort())], { ...(await opsPortEnv(names)), LAZARET_TEST_MODE_INGEST: 'stubborn' });
    await run.waitFor(KEY_IN_OUTPUT);
    run.proc.kill('SIGINT');
    await run.waitFor(/"msg":"ingest stopping","signal":"SIGTERM"/);
    const ingest = recordedPids(fx).find((p) => p.name === 'ingest')!;
    expect(alive(ingest.pid)).toBe(true);
    const t0 = Date.now();
    run.proc.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    // Far sooner than the 10 s grace of a polite stop.
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(run.text()).toContain('SIGINT received again: killing everything now');
    await eventually(() => (alive(ingest.pid) ? undefined : true), { timeoutMs: 3_000, what: 'the stubborn ingest to be killed' });
  });

  /** A stand-in for npx on PATH: prints what it was asked to run and exits with `code`. */
  function fakeNpx(fx: Fixture, code: number): string {
    const bin = join(fx.root, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'npx'), `#!/bin/sh\necho "fake npx $* daemon=$NX_DAEMON cloud=$NX_NO_CLOUD tui=$NX_TUI cwd=$(pwd)"\necho "compile error" >&2\nexit ${code}\n`, { mode: 0o755 });
    return `${bin}:${process.env.PATH}`;
  }

  it('stops with a clear message when the build fails', async () => {
    const fx = fakeServices(['ingest']);
    const run = launch(fx, [], { PATH: fakeNpx(fx, 3) });
    expect(await run.exit).toEqual({ code: 1, signal: null });
    expect(run.text()).toContain(`[build]       fake npx nx run-many -t build daemon=false cloud=true tui=false cwd=${REPO}`);
    expect(run.text()).toContain('[build]       compile error');
    expect(run.text()).toContain('build failed (exit code 3): fix the errors above, or start the last build with --no-build');
    expect(recordedPids(fx)).toEqual([]);
  });

  it('stops everything with exit code 1 and the message when a service reports invalid configuration (exit 78)', async () => {
    const fx = fakeServices(ALL);
    // With the build step this time (a successful fake one), to see it runs before anything starts.
    const run = launch(fx, ['--port', String(await freePort())], { ...(await opsPortEnv(ALL)), LAZARET_TEST_MODE_AUDIT: 'config', PATH: fakeNpx(fx, 0) });
    const result = await Promise.race([run.exit, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(result).toEqual({ code: 1, signal: null });
    expect(run.text()).toContain('audit exited with code 78 (invalid configuration): invalid configuration: LAZARET_WIDGET: expected an integer (got "many")');
    expect(run.text()).not.toMatch(/audit exited .* restarting/);
    expect(run.text()).not.toContain('Admin key');
    expect(run.text().indexOf('[build]       fake npx nx run-many -t build')).toBeLessThan(run.text().indexOf('started ingest'));
    const pids = recordedPids(fx);
    expect(pids.filter((p) => p.name === 'audit')).toHaveLength(1);
    for (const { name, pid } of pids) {
      await eventually(() => (alive(pid) ? undefined : true), { timeoutMs: 3_000, what: `${name} pid ${pid} to be gone` });
    }
  });

  const tools = checkTools('nats-server');
  it.skipIf(tools.skip)(
    'starts its own nats-server and an embedded Postgres, reuses the cluster next time, and stops both',
    async () => {
      const names = ['ingest', 'gateway'];
      const fx = fakeServices(names);
      const env = { ...(await opsPortEnv(names)), NATS_URL: undefined, DATABASE_URL: undefined, LAZARET_FORCE_OWN_NATS: '1', LAZARET_FORCE_EMBEDDED_PG: '1' };
      const first = launch(fx, ['--no-build', '--no-nats-auth', '--port', String(await freePort())], env);
      await first.waitFor(KEY_IN_OUTPUT, 60_000);
      const natsPid = Number((await first.waitFor(/started nats-server \(pid (\d+)\)/))[1]);
      const pgPid = Number((await first.waitFor(/started embedded Postgres \(pid (\d+)\)/))[1]);
      expect(first.text()).toContain('initialising embedded Postgres');
      expect(first.text()).not.toContain('postgres:' + readFileSync(join(fx.data, 'postgres', '.password'), 'utf8').trim());

      const ingest = childEnv(fx, 'ingest');
      expect(ingest.DATABASE_URL).toMatch(/^postgres:\/\/postgres:[0-9a-f]{48}@127\.0\.0\.1:\d+\/lazaret$/);
      expect(statSync(join(fx.data, 'postgres', '.password')).mode & 0o777).toBe(0o600);
      const db = new pg.Client({ connectionString: ingest.DATABASE_URL });
      await db.connect();
      try {
        expect((await db.query('SELECT current_database() AS name')).rows[0].name).toBe('lazaret');
      } finally {
        await db.end();
      }
      const nc = await connect({ servers: ingest.NATS_URL });
      try {
        const info = await (await jetstreamManager(nc)).getAccountInfo();
        expect(info.limits).toBeDefined();
      } finally {
        await nc.close();
      }
      expect(readFileSync(join(fx.data, 'nats', 'nats.conf'), 'utf8')).toContain(`store_dir: ${JSON.stringify(join(fx.data, 'nats', 'jetstream'))}`);

      first.proc.kill('SIGINT');
      expect(await first.exit).toEqual({ code: 0, signal: null });
      expect(first.text()).toContain(`stopped embedded Postgres (pid ${pgPid})`);
      expect(first.text()).toContain(`stopped nats-server (pid ${natsPid})`);
      expect(alive(natsPid)).toBe(false);
      expect(alive(pgPid)).toBe(false);

      const second = launch(fx, ['--no-build', '--port', String(await freePort())], env);
      await second.waitFor(KEY_IN_OUTPUT, 30_000);
      expect(second.text()).not.toContain('initialising embedded Postgres');
      const pg2 = Number((await second.waitFor(/started embedded Postgres \(pid (\d+)\)/))[1]);
      second.proc.kill('SIGTERM');
      expect(await second.exit).toEqual({ code: 0, signal: null });
      expect(alive(pg2)).toBe(false);
    },
    90_000,
  );

  it.skipIf(tools.skip)('with --nats-auth, gives each service its own NATS identity from infra/nats (or falls back to an open server)', async () => {
    const names = ['ingest', 'gateway'];
    const fx = fakeServices(names);
    const run = launch(fx, ['--no-build', '--nats-auth', '--port', String(await freePort())], { ...(await opsPortEnv(names)), NATS_URL: undefined, LAZARET_FORCE_OWN_NATS: '1' });
    await run.waitFor(KEY_IN_OUTPUT);
    const ingest = childEnv(fx, 'ingest');
    const gateway = childEnv(fx, 'gateway');
    if (existsSync(join(REPO, 'infra', 'nats', 'nats.conf'))) {
      expect(run.text()).toContain('least-privilege accounts from infra/nats');
      expect(ingest).toMatchObject({ NATS_USER: 'ingest', NATS_INBOX_PREFIX: '_INBOX.ingest' });
      expect(gateway).toMatchObject({ NATS_USER: 'gateway', NATS_INBOX_PREFIX: '_INBOX.gateway' });
      expect(ingest.NATS_PASSWORD).toMatch(/^n[0-9a-f]{48}$/);
      expect(ingest.NATS_PASSWORD).not.toBe(gateway.NATS_PASSWORD);
      // No service sees another identity's password.
      expect(Object.keys(ingest).filter((k) => k.startsWith('LAZARET_NATS_PASSWORD'))).toEqual([]);
      const nc = await connect({ servers: ingest.NATS_URL, user: 'ingest', pass: ingest.NATS_PASSWORD, inboxPrefix: '_INBOX.ingest' });
      await nc.flush();
      await nc.close();
      await expect(connect({ servers: ingest.NATS_URL, user: 'ingest', pass: gateway.NATS_PASSWORD })).rejects.toThrow(/auth/i);
      await expect(connect({ servers: ingest.NATS_URL })).rejects.toThrow(/auth/i);
    } else {
      expect(run.text()).toContain('starting an open local nats-server instead');
      expect(ingest.NATS_USER).toBeUndefined();
    }
    run.proc.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });
});

beforeAll(() => {
  expect(existsSync(START)).toBe(true);
});
