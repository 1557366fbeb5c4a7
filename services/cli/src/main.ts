import { parseArgs } from 'node:util';
import { ApiClient } from './api-client';
import type { Command, Io, OptionSpec } from './command';
import { COMMANDS } from './commands';
import { CliError } from './errors';

export const VERSION = '0.1.0';

/** Options every command accepts. */
const COMMON: OptionSpec = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  format: { type: 'string' },
  timeout: { type: 'string', default: '30' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export function commandTable(commands: readonly Command[] = COMMANDS): Map<string, Command> {
  const table = new Map<string, Command>();
  for (const c of commands) {
    if (table.has(c.name)) throw new Error(`duplicate CLI command ${c.name}`);
    table.set(c.name, c);
  }
  return table;
}

function help(commands: Map<string, Command>): string {
  const width = Math.max(...[...commands.keys()].map((n) => n.length), 7) + 2;
  const lines = [...commands.values()].map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `lazaret ${VERSION} — container security across build, ship and runtime

Usage: lazaret <command> [options]    (lazaret <command> --help for its options)

Commands:
${lines.join('\n')}
  ${'version'.padEnd(width)}print the CLI version

Options for commands that talk to the platform:
  --url URL           gateway API base (env LAZARET_URL, default http://127.0.0.1:8080/api/v1)
  --api-key KEY       API key (env LAZARET_API_KEY)
  --format FORMAT     output format (default table)
  --timeout SECONDS   request timeout (default 30)

Exit codes: 0 success, 1 the check found a problem, 2 error (usage, config, unreachable).
`;
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function run(argv: string[], io: Io = defaultIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const commands = commandTable();
    const words = argv.filter((a) => !a.startsWith('-'));
    const command = commands.get(`${words[0]} ${words[1]}`) ?? commands.get(words[0] ?? '');
    if (!command) {
      if (argv.includes('--version') || argv.includes('-v') || words[0] === 'version') {
        io.out(`lazaret ${VERSION}`);
        return 0;
      }
      if (words[0] === undefined || words[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
        io.out(help(commands));
        return words[0] === undefined && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
      }
      const parent = [...commands.keys()].filter((n) => n.startsWith(`${words[0]} `));
      throw new CliError('usage', parent.length ? `unknown ${words[0]} command ${words[1] ?? '(none)'}; try: ${parent.map((p) => `lazaret ${p}`).join(', ')}` : `unknown command ${words[0]}; see lazaret --help`);
    }
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, ...command.options } });
    if (values.help) {
      io.out(`${command.usage}\n\n${command.summary}`);
      return 0;
    }
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError('usage', '--timeout must be a positive number of seconds');
    let api: ApiClient | undefined;
    return await command.run({
      args: positionals.slice(command.name.split(' ').length),
      values: values as Record<string, string | boolean | string[] | undefined>,
      io,
      env,
      api: () =>
        (api ??= new ApiClient({
          url: (values.url as string | undefined) ?? env.LAZARET_URL ?? 'http://127.0.0.1:8080/api/v1',
          apiKey: (values['api-key'] as string | undefined) ?? env.LAZARET_API_KEY,
          timeoutMs: timeout * 1000,
        })),
    });
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

function defaultIo(): Io {
  return { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), isTty: process.stderr.isTTY === true };
}
