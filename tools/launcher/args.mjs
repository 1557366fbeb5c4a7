import { LauncherError } from './errors.mjs';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const HELP = `Usage: npm start -- [options]      (or: node tools/start.mjs [options])

Starts the whole Lazaret platform on this machine: builds what changed, uses or starts NATS
and Postgres, runs every service as a child process, and prints the API URL and a bootstrap
admin key once everything is ready. Ctrl-C stops everything it started.

Options:
  --no-build          do not run \`nx run-many -t build\` first
  --with-agent        also start the host agent (services/agent)
  --port N            gateway HTTP port (default: LAZARET_PORT or 8080)
  --log-level L       services' log level: ${LOG_LEVELS.join(', ')} (default: LAZARET_LOG_LEVEL or info)
  --no-nats-auth      when starting its own nats-server, run it open on loopback instead of with
                      the least-privilege accounts of infra/nats/nats.conf (the default, with
                      fresh random passwords each run)
  -h, --help          show this help

Environment (all optional):
  NATS_URL            use this NATS instead of 127.0.0.1:4222 or a nats-server it starts
  DATABASE_URL        use this Postgres instead of 127.0.0.1:5432 or an embedded one
  LAZARET_ADMIN_KEY   bootstrap admin API key (default: a new random key every run)
  LAZARET_KEK         key-encryption key (default: generated once into <data dir>/kek)
  LAZARET_DATA_DIR    launcher state: kek, nats, postgres (default: .lazaret in the repository)
  LAZARET_HOST        address the services bind to (default 127.0.0.1)
  LAZARET_<NAME>_HTTP_PORT   ops port of one service, e.g. LAZARET_SCANNING_HTTP_PORT=9202
  LAZARET_LOG_FORMAT  json: print the services' JSON log lines unchanged even on a terminal

See docs/running.md for what exactly happens.`;

const usage = (message) => new LauncherError('usage', `${message} (see --help)`);

export function parsePort(text, what) {
  if (!/^[0-9]{1,5}$/.test(String(text))) throw usage(`${what}: expected a port number 1-65535, got ${JSON.stringify(String(text))}`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw usage(`${what}: expected a port number 1-65535, got ${port}`);
  return port;
}

export function parseLogLevel(text, what) {
  if (!LOG_LEVELS.includes(text)) throw usage(`${what}: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
  return text;
}

/** Parses the launcher's command line. Throws a LauncherError('usage') with one line on a mistake. */
export function parseArgs(argv) {
  const options = { help: false, build: true, withAgent: false, port: undefined, logLevel: undefined, natsAuth: undefined };
  for (let i = 0; i < argv.length; i++) {
    let name = argv[i];
    let inline;
    const eq = name.indexOf('=');
    if (name.startsWith('--') && eq > 2) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw usage(`${name} needs a value`);
      i++;
      return next;
    };
    const flag = () => {
      if (inline !== undefined) throw usage(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '-h':
      case '--help':
        options.help = flag();
        break;
      case '--no-build':
        flag();
        options.build = false;
        break;
      case '--with-agent':
        options.withAgent = flag();
        break;
      case '--nats-auth':
        options.natsAuth = flag();
        break;
      case '--no-nats-auth':
        flag();
        options.natsAuth = false;
        break;
      case '--port':
        options.port = parsePort(value(), '--port');
        break;
      case '--log-level':
        options.logLevel = parseLogLevel(value(), '--log-level');
        break;
      default:
        throw usage(name.startsWith('-') ? `unknown option ${name}` : `unexpected argument ${JSON.stringify(name)}`);
    }
  }
  return options;
}
