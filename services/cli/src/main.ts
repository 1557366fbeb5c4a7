import { parseArgs } from 'node:util';
import { ApiClient } from './api-client';
import { auditVerifyCommand } from './commands/audit.command';
import { statusCommand } from './commands/status.command';
import { CliError } from './errors';

export const VERSION = '0.1.0';

const HELP = `lazaret ${VERSION} — container security across build, ship and runtime

Usage: lazaret <command> [options]

Commands:
  status              health of every platform service (via the gateway)
  audit verify        recompute the audit log's hash chain and report the first broken link
  version             print the CLI version
  help                this text

Options for commands that talk to the platform:
  --url URL           gateway base URL (env LAZARET_URL, default http://127.0.0.1:8080/api/v1)
  --api-key KEY       API key (env LAZARET_API_KEY)
  --format table|json output format (default table)
  --timeout SECONDS   request timeout (default 30)

Exit codes: 0 success, 1 the check found a problem, 2 error (usage, config, unreachable).
`;

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function run(argv: string[], io: { out: (s: string) => void; err: (s: string) => void } = defaultIo()): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        format: { type: 'string', default: 'table' },
        timeout: { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const [command, sub] = positionals;
    if (values.help || command === 'help' || command === undefined) {
      io.out(HELP);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (values.version || command === 'version') {
      io.out(`lazaret ${VERSION}`);
      return 0;
    }
    const format = values.format;
    if (format !== 'table' && format !== 'json') throw new CliError('usage', `--format must be table or json, not ${format}`);
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError('usage', `--timeout must be a positive number of seconds`);
    const api = new ApiClient({
      url: values.url ?? process.env.LAZARET_URL ?? 'http://127.0.0.1:8080/api/v1',
      apiKey: values['api-key'] ?? process.env.LAZARET_API_KEY,
      timeoutMs: timeout * 1000,
    });
    switch (command) {
      case 'status':
        return await statusCommand(api, format, io.out);
      case 'audit':
        if (sub === 'verify') return await auditVerifyCommand(api, format, io.out);
        throw new CliError('usage', `unknown audit command ${sub ?? '(none)'}; try: lazaret audit verify`);
      default:
        throw new CliError('usage', `unknown command ${command}; see lazaret --help`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`lazaret: ${err.code}: ${err.message}`);
      return 2;
    }
    if (err instanceof TypeError && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`lazaret: usage: ${err.message}`);
      return 2;
    }
    io.err(`lazaret: internal error: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

function defaultIo() {
  return { out: (s: string) => process.stdout.write(`${s}\n`), err: (s: string) => process.stderr.write(`${s}\n`) };
}
