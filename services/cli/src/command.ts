import type { ParseArgsConfig } from 'node:util';
import type { ApiClient } from './api-client';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  isTty?: boolean;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Positional arguments after the command name (and sub-command, if it has one). */
  args: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  io: Io;
  /** Built lazily: only commands that talk to the gateway need it. */
  api(): ApiClient;
  env: NodeJS.ProcessEnv;
}

/**
 * One CLI command. Commands register in `commands/index.ts` (an explicit list; duplicate names
 * throw). Each resolves to an exit code: 0 success, 1 the check found a problem, 2 error.
 */
export interface Command {
  /** `status`, or `audit verify` for a sub-command. */
  name: string;
  summary: string;
  /** Usage line and option help, shown by `lazaret <name> --help`. */
  usage: string;
  options?: OptionSpec;
  run(ctx: CommandContext): Promise<number>;
}
