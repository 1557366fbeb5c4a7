/**
 * What each service process sees in its environment. A child does not inherit the launcher's
 * whole environment (which may hold unrelated credentials): only the basics a process needs to
 * run tools and reach registries, the user's OTEL_* and LAZARET_* settings, and what the
 * launcher decided.
 */

/** Plain OS variables passed on when set. */
export const BASE_VARIABLES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR',
  'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'DOCKER_CONFIG', 'REGISTRY_AUTH_FILE', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME',
];

/** Prefixes passed on (the user's locale, OpenTelemetry and Lazaret settings). */
export const PASSED_PREFIXES = ['LC_', 'OTEL_', 'LAZARET_'];

/**
 * LAZARET_* variables that configure the launcher itself, or that the launcher sets per child:
 * never passed on as they are. The NATS passwords especially: each service gets only its own.
 */
export const LAUNCHER_ONLY = /^LAZARET_(DATA_DIR|SERVICES_DIR|FORCE_[A-Z0-9_]+|[A-Z]+_HTTP_PORT|HTTP_PORT|PORT|ADMIN_KEY|KEK|NATS_PASSWORD_[A-Z0-9_]+|NATS_AUTH|LOG_FORMAT)$/;

export function passedThrough(parentEnv) {
  const env = {};
  for (const [key, value] of Object.entries(parentEnv)) {
    if (value === undefined) continue;
    const passed = BASE_VARIABLES.includes(key) || PASSED_PREFIXES.some((p) => key.startsWith(p));
    if (passed && !LAUNCHER_ONLY.test(key)) env[key] = value;
  }
  return env;
}

/**
 * The environment of one service.
 *
 * settings: { natsUrl, natsCredentials?: {user, password, inboxPrefix?}, databaseUrl, logLevel,
 *             host, gatewayPort, opsPort, adminKey, kek }
 */
export function serviceEnv(name, parentEnv, settings) {
  const env = passedThrough(parentEnv);
  env.NATS_URL = settings.natsUrl;
  const creds = settings.natsCredentials;
  if (creds?.user) env.NATS_USER = creds.user;
  if (creds?.password) env.NATS_PASSWORD = creds.password;
  if (creds?.inboxPrefix) env.NATS_INBOX_PREFIX = creds.inboxPrefix;
  env.DATABASE_URL = settings.databaseUrl;
  env.LAZARET_LOG_LEVEL = settings.logLevel;
  env.LAZARET_HOST = settings.host;
  env.LAZARET_KEK = settings.kek;
  if (name === 'gateway') {
    // The gateway serves its ops endpoints on its API port; LAZARET_HTTP_PORT is set too so a
    // gateway that only reads the common setting still lands on the same port.
    env.LAZARET_PORT = String(settings.gatewayPort);
    env.LAZARET_HTTP_PORT = String(settings.gatewayPort);
    // Only the gateway needs the bootstrap key; no other process ever sees it.
    env.LAZARET_ADMIN_KEY = settings.adminKey;
  } else {
    env.LAZARET_HTTP_PORT = String(settings.opsPort);
  }
  return env;
}
