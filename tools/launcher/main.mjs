import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseArgs, parseLogLevel, parsePort } from './args.mjs';
import { runBuild } from './build.mjs';
import { serviceEnv } from './env.mjs';
import { LauncherError } from './errors.mjs';
import { chooseNats, findExecutable, NATS_INSTALL_HINT, startOwnNats } from './nats.mjs';
import { Output } from './output.mjs';
import { canListen, freePort, preferredOrFreePort } from './ports.mjs';
import { choosePostgres, ensureDatabase, redactUrl, startEmbeddedPostgres } from './postgres.mjs';
import { waitUntilReady } from './readiness.mjs';
import { generateAdminKey, loadOrCreateKek } from './secrets.mjs';
import { DEFAULT_GATEWAY_PORT, DEFAULT_OPS_PORTS, findEntryPoints, GATEWAY, httpBase, opsPortVariable, reachableHost, serviceNames } from './services.mjs';
import { cliHint, renderSummary } from './summary.mjs';
import { Supervisor } from './supervisor.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BACKENDS_READY_TIMEOUT_MS = 30_000;
const SLOW_READY_WARNING_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/** Where the launcher keeps its state and finds the services (both overridable, for tests). */
export function resolvePaths(env, cwd = process.cwd(), root = REPO_ROOT) {
  return {
    root,
    dataDir: env.LAZARET_DATA_DIR ? resolve(cwd, env.LAZARET_DATA_DIR) : join(root, '.lazaret'),
    servicesDir: env.LAZARET_SERVICES_DIR ? resolve(cwd, env.LAZARET_SERVICES_DIR) : join(root, 'services'),
  };
}

export function truthy(value) {
  return ['1', 'true', 'yes', 'on'].includes(String(value ?? '').toLowerCase());
}

/** A setting from the environment, with the same checks as the flag but a config error. */
function fromEnv(env, name, parse) {
  try {
    return parse(env[name], name);
  } catch (err) {
    throw new LauncherError('config', err.message.replace(/ \(see --help\)$/, ''));
  }
}

/**
 * The settings a run needs, from flags and environment, checked before anything starts so a
 * typo fails in a second with one line.
 */
export function resolveSettings(options, env) {
  const gatewayPort = options.port ?? (env.LAZARET_PORT ? fromEnv(env, 'LAZARET_PORT', parsePort) : DEFAULT_GATEWAY_PORT);
  const logLevel = options.logLevel ?? (env.LAZARET_LOG_LEVEL ? fromEnv(env, 'LAZARET_LOG_LEVEL', parseLogLevel) : 'info');
  const host = env.LAZARET_HOST || '127.0.0.1';
  const opsPorts = {};
  for (const name of Object.keys(DEFAULT_OPS_PORTS)) {
    const variable = opsPortVariable(name);
    if (env[variable]) opsPorts[name] = fromEnv(env, variable, parsePort);
  }
  return { gatewayPort, logLevel, host, opsPorts };
}

export class Launcher {
  stopping = false;
  exitCode = 0;
  nats = null;
  pg = null;
  build = null;
  #shutdown = null;
  #finish;
  finished = new Promise((resolve) => (this.#finish = resolve));

  /** deps.findNatsServer(env): path of nats-server or undefined (replaceable in tests). */
  constructor({ options, env, output, paths, deps = {} }) {
    this.findNatsServer = deps.findNatsServer ?? ((env) => env.LAZARET_NATS_SERVER || findExecutable('nats-server', env.PATH ?? ''));
    this.options = options;
    this.env = env;
    this.output = output;
    this.paths = paths;
    this.supervisor = new Supervisor({
      output,
      onSpawn: (name, pid) => output.info(`started ${name} (pid ${pid})`),
      onFatal: (name, { lastStderr }) => {
        output.error(`${name} exited with code 78 (invalid configuration): ${lastStderr ?? '(it printed nothing on stderr)'}`);
        output.error('not restarting it: fix the configuration and start again');
        void this.shutdown(1);
      },
    });
  }

  /** Starts everything, then waits for a stop. Resolves with the process exit code. */
  async run() {
    try {
      await this.#start();
    } catch (err) {
      if (!this.stopping) {
        if (err instanceof LauncherError) this.output.error(err.message);
        else this.output.error(`unexpected error: ${err?.stack ?? err}`);
        void this.shutdown(err instanceof LauncherError ? err.exitCode : 1);
      }
    }
    return this.finished;
  }

  /** Stops what this launcher started (services, then its Postgres and NATS); idempotent. */
  shutdown(code) {
    if (this.#shutdown) return this.#shutdown;
    this.stopping = true;
    this.exitCode = code;
    this.#shutdown = (async () => {
      if (this.build?.process.pid) killGroup(this.build.process.pid, 'SIGTERM');
      const running = this.supervisor.runningPids().length;
      if (running) this.output.info(`stopping ${running} service process${running === 1 ? '' : 'es'} (SIGTERM, then SIGKILL after ${STOP_GRACE_MS / 1000}s)`);
      await this.supervisor.stopAll(STOP_GRACE_MS);
      await Promise.all([
        this.pg && this.#stopInfra('embedded Postgres', this.pg),
        this.nats && this.#stopInfra('nats-server', this.nats),
      ]);
      this.output.info('stopped');
      this.#finish(this.exitCode);
    })();
    return this.#shutdown;
  }

  async #stopInfra(what, handle) {
    await handle.stop();
    this.output.info(`stopped ${what} (pid ${handle.pid})`);
  }

  /** A second Ctrl-C, or the launcher exiting: SIGKILL everything it started, synchronously. */
  killNow() {
    this.stopping = true;
    if (this.build?.process.pid) killGroup(this.build.process.pid, 'SIGKILL');
    this.supervisor.killAll();
    this.pg?.kill();
    this.nats?.kill();
  }

  async #start() {
    const { options, env, output, paths } = this;
    const settings = resolveSettings(options, env);

    if (options.build) {
      output.info('building what changed: npx nx run-many -t build');
      this.build = runBuild({ root: paths.root, output, env });
      const code = await this.build.done;
      this.build = null;
      if (this.stopping) return;
      if (code !== 0) throw new LauncherError('build-failed', `build failed (exit code ${code}): fix the errors above, or start the last build with --no-build`);
    }

    const { present, missing } = findEntryPoints(paths.servicesDir, serviceNames(options));
    for (const m of missing) output.warn(`${m.name}: ${relative(process.cwd(), m.entry) || m.entry} does not exist (not built yet?); skipping it`);
    if (present.length === 0) {
      throw new LauncherError('no-services', `no service is built (none of ${paths.servicesDir}/<name>/dist/main.js exists): run npm start without --no-build`);
    }

    const ports = await this.#choosePorts(present, settings);
    const adminKey = env.LAZARET_ADMIN_KEY || generateAdminKey();
    const kek = await loadOrCreateKek(paths.dataDir, env, (m) => output.warn(m));
    if (kek.source === 'created') output.info(`generated a key-encryption key in ${kek.path} (development only: in production set LAZARET_KEK from a secret manager)`);

    const nats = await this.#startNats();
    if (this.stopping) return;
    const postgres = await this.#startPostgres();
    if (this.stopping) return;

    const base = {
      natsUrl: nats.url,
      databaseUrl: postgres.url,
      logLevel: settings.logLevel,
      host: settings.host,
      gatewayPort: settings.gatewayPort,
      adminKey,
      kek: kek.value,
    };
    const reach = reachableHost(settings.host);
    const target = (name) => ({ name, url: `${httpBase(reach, name === GATEWAY ? settings.gatewayPort : ports[name])}/readyz` });
    const startService = ({ name, entry }) =>
      this.supervisor.start({
        name,
        command: process.execPath,
        args: [entry],
        cwd: paths.root,
        env: serviceEnv(name, env, { ...base, opsPort: ports[name], natsCredentials: nats.credentials(name) }),
      });
    const onReady = (t) => output.info(`${t.name} is ready`);
    const shouldStop = () => this.stopping;

    const backends = present.filter((s) => s.name !== GATEWAY);
    const gateway = present.find((s) => s.name === GATEWAY);
    backends.forEach(startService);
    let pending = await waitUntilReady(backends.map((s) => target(s.name)), { timeoutMs: BACKENDS_READY_TIMEOUT_MS, shouldStop, onReady });
    if (this.stopping) return;
    if (gateway) {
      if (pending.length) output.warn(`not ready after ${BACKENDS_READY_TIMEOUT_MS / 1000}s: ${pending.map((t) => t.name).join(', ')}; starting the gateway anyway`);
      startService(gateway);
      pending = [...pending, target(GATEWAY)];
    }
    while (pending.length && !this.stopping) {
      pending = await waitUntilReady(pending, { timeoutMs: SLOW_READY_WARNING_MS, shouldStop, onReady });
      if (pending.length && !this.stopping) output.warn(`still waiting for ${pending.map((t) => `${t.name} (${t.url})`).join(', ')}: see their logs above`);
    }
    if (this.stopping) return;

    const apiBase = httpBase(reach, settings.gatewayPort);
    output.block(
      renderSummary({
        apiBase,
        adminKey,
        adminKeySource: env.LAZARET_ADMIN_KEY ? 'env' : 'generated',
        cliHint: cliHint(apiBase, adminKey, httpBase('127.0.0.1', DEFAULT_GATEWAY_PORT)),
        nats: nats.description,
        postgres: postgres.description,
        skipped: missing.map((m) => m.name),
        maxWidth: process.stdout.isTTY ? process.stdout.columns : Infinity,
      }),
    );
  }

  /** Ops ports: the per-service variable, else the default, else (default taken) a free one. */
  async #choosePorts(present, settings) {
    const checkHost = ['localhost', '0.0.0.0', '::'].includes(settings.host) ? reachableHost(settings.host) : settings.host;
    const used = new Set();
    if (present.some((s) => s.name === GATEWAY)) {
      if (!(await canListen(settings.gatewayPort, checkHost))) {
        throw new LauncherError('port-in-use', `gateway port ${settings.gatewayPort} is already in use on ${checkHost}: stop what uses it, or pass --port N`);
      }
      used.add(settings.gatewayPort);
    }
    const ports = {};
    for (const { name } of present) {
      if (name === GATEWAY) continue;
      const explicit = settings.opsPorts[name];
      if (explicit !== undefined) {
        if (used.has(explicit) || !(await canListen(explicit, checkHost))) {
          throw new LauncherError('port-in-use', `${opsPortVariable(name)}=${explicit}: that port is already in use`);
        }
        ports[name] = explicit;
      } else {
        let port = await preferredOrFreePort(DEFAULT_OPS_PORTS[name], checkHost);
        while (used.has(port)) port = await freePort(checkHost);
        if (port !== DEFAULT_OPS_PORTS[name]) this.output.info(`${name}: port ${DEFAULT_OPS_PORTS[name]} is in use; its ops endpoints get port ${port}`);
        ports[name] = port;
      }
      used.add(ports[name]);
    }
    return ports;
  }

  async #startNats() {
    const { env, options, output, paths } = this;
    // Least privilege by default; LAZARET_NATS_AUTH=0 or --no-nats-auth opts out.
    const auth = options.natsAuth ?? (env.LAZARET_NATS_AUTH === undefined ? true : truthy(env.LAZARET_NATS_AUTH));
    const choice = await chooseNats({ env, forceOwn: truthy(env.LAZARET_FORCE_OWN_NATS) });
    if (choice.source !== 'own') {
      if (options.natsAuth === true) output.warn('--nats-auth applies only to a nats-server the launcher starts itself; ignored');
      const creds = choice.source === 'env' && env.NATS_USER ? { user: env.NATS_USER, password: env.NATS_PASSWORD } : undefined;
      const description = choice.source === 'env' ? `${redactUrl(choice.url)} (from NATS_URL)` : `${choice.url} (already running)`;
      output.info(`NATS: ${description}`);
      return { url: choice.url, description, credentials: () => creds };
    }
    const binary = this.findNatsServer(env);
    if (!binary) throw new LauncherError('nats-missing', NATS_INSTALL_HINT);
    const handle = await startOwnNats({ binary, dataDir: paths.dataDir, root: paths.root, output, auth, track: (h) => (this.nats = h) });
    const mode = handle.mode === 'auth' ? 'least-privilege accounts from infra/nats' : 'open, loopback only';
    const description = `${handle.url} (started by the launcher, pid ${handle.pid}, ${mode})`;
    output.info(`started nats-server (pid ${handle.pid}) on ${handle.url}; JetStream store ${join(paths.dataDir, 'nats', 'jetstream')}; ${mode}`);
    void handle.exit.then(({ code, signal }) => {
      if (this.stopping || this.nats !== handle) return;
      output.error(`nats-server exited unexpectedly (code ${code}, signal ${signal})${handle.lastLines().length ? `: ${handle.lastLines().at(-1).trim()}` : ''}; stopping`);
      void this.shutdown(1);
    });
    return { url: handle.url, description, credentials: handle.credentials };
  }

  async #startPostgres() {
    const { env, output, paths } = this;
    const choice = await choosePostgres({ env, forceEmbedded: truthy(env.LAZARET_FORCE_EMBEDDED_PG) });
    if (choice.source === 'env') {
      const description = `${redactUrl(choice.url)} (from DATABASE_URL)`;
      output.info(`Postgres: ${description}`);
      return { url: choice.url, description };
    }
    if (choice.source === 'local') {
      const created = await ensureDatabase(choice.url);
      const description = `${choice.url} (already running)`;
      output.info(`Postgres: ${description}${created ? '; created database lazaret' : ''}`);
      return { url: choice.url, description };
    }
    const dir = join(paths.dataDir, 'postgres');
    const handle = await startEmbeddedPostgres({ dir, output, track: (h) => (this.pg = h) });
    const description = `${redactUrl(handle.url)} (embedded, pid ${handle.pid}, data in ${join(dir, 'data')})`;
    output.info(`started embedded Postgres (pid ${handle.pid}) on 127.0.0.1:${handle.port}; data in ${join(dir, 'data')}${handle.created ? ' (new)' : ''}`);
    void handle.exit.then(({ code, signal }) => {
      if (this.stopping || this.pg !== handle) return;
      output.error(`embedded Postgres exited unexpectedly (code ${code}, signal ${signal})${handle.lastLines().length ? `: ${handle.lastLines().at(-1).trim()}` : ''}; stopping`);
      void this.shutdown(1);
    });
    return { url: handle.url, description };
  }
}

function killGroup(pid, signal) {
  try {
    // The build runs in its own process group (spawned detached), so this reaches nx's workers too.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Entry point of tools/start.mjs. Resolves with the exit code. */
export async function main(argv, env = process.env) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`npm start: ${err.message}\n`);
    return err instanceof LauncherError ? err.exitCode : 2;
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const output = Output.forProcess(env);
  const launcher = new Launcher({ options, env, output, paths: resolvePaths(env) });

  let signals = 0;
  const onSignal = (name) => {
    signals++;
    if (signals === 1) {
      output.info(`${name} received: stopping everything (Ctrl-C again to kill at once)`);
      void launcher.shutdown(0);
    } else {
      output.warn(`${name} received again: killing everything now`);
      launcher.killNow();
      setTimeout(() => process.exit(launcher.exitCode), 3_000).unref();
    }
  };
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => onSignal(name));
  // A reader that went away (`npm start | head`) must not crash the launcher and orphan the
  // services: output is lost, supervision goes on until a signal stops it.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  // Whatever way the launcher ends (even an internal error), no child outlives it by design.
  process.on('exit', () => launcher.killNow());
  process.on('uncaughtException', (err) => {
    output.error(`internal error: ${err?.stack ?? err}`);
    void launcher.shutdown(1);
  });
  return launcher.run();
}
