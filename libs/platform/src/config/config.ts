import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment with a zod schema. On failure throws one ConfigError whose message is a
 * single line naming each bad variable and what was expected, e.g.
 * `invalid configuration: LAZARET_PORT: expected an integer 1-65535 (got "http")`.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const parts = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    const got = env[name];
    const shown = got === undefined ? 'missing' : `got ${JSON.stringify(looksSecret(name) ? '***' : got.slice(0, 80))}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(`invalid configuration: ${parts.join('; ')}`);
}

function looksSecret(name: string): boolean {
  return /PASSWORD|SECRET|KEY|TOKEN|KEK|CREDENTIAL/i.test(name);
}

/**
 * For `main.ts`: parse or stop the process with one line on stderr and exit code 78 (EX_CONFIG),
 * so a supervisor can tell a configuration error from a crash.
 */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

const port = z.coerce
  .number({ error: 'expected an integer 1-65535' })
  .int('expected an integer 1-65535')
  .min(1, 'expected an integer 1-65535')
  .max(65535, 'expected an integer 1-65535');

const natsUrl = z
  .string()
  .regex(/^(nats|tls|ws|wss):\/\/[^\s]+$/, 'expected a NATS URL like nats://127.0.0.1:4222 (comma-separated for several)')
  .or(z.string().regex(/^[^\s/]+:[0-9]+(,[^\s/]+:[0-9]+)*$/, 'expected host:port'));

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected a URL like postgres://user@127.0.0.1:5432/lazaret');

/** Settings every service process shares. Services extend it with their own. */
export const BaseConfigSchema = z.object({
  NATS_URL: natsUrl.default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  /** Where this identity receives replies (least-privilege configs allow only its own, e.g. `_INBOX.gateway`). */
  NATS_INBOX_PREFIX: z.string().regex(/^_INBOX(\.[A-Za-z0-9_-]+)*$/, 'expected _INBOX or _INBOX.<name>').optional(),
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/postgres'),
  LAZARET_HOST: z.string().regex(/^[0-9a-fA-F.:]+$|^localhost$/, 'expected an IP address to bind to').default('127.0.0.1'),
  LAZARET_HTTP_PORT: port.optional(),
  LAZARET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LAZARET_INSTANCE: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of [A-Za-z0-9._-]').optional(),
  /** Deliveries of one message before it is dead-lettered. */
  LAZARET_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

export const portSchema = port;
