import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CatalogError, ImageError, SbomError } from '@lazaret/scanner';
import { SqlJsAdvisoryStore, VulnDbError, type SqlJsOpenOptions } from '@lazaret/vulndb';
import type { CommandContext, Io } from '../command';
import { CliError } from '../errors';

/** `--db PATH`, else `LAZARET_DB`, else `$XDG_CACHE_HOME/lazaret/vulndb.sqlite` (`~/.cache/...`). */
export function dbPathOf(ctx: Pick<CommandContext, 'values' | 'env'>): string {
  const flag = ctx.values.db;
  if (flag !== undefined) {
    if (typeof flag !== 'string' || flag === '') throw new CliError('usage', '--db needs a path');
    return resolve(flag);
  }
  if (ctx.env.LAZARET_DB) return resolve(ctx.env.LAZARET_DB);
  const base = ctx.env.XDG_CACHE_HOME || join(ctx.env.HOME || homedir(), '.cache');
  return join(base, 'lazaret', 'vulndb.sqlite');
}

export async function openDb(path: string, options: SqlJsOpenOptions): Promise<SqlJsAdvisoryStore> {
  return SqlJsAdvisoryStore.open(path, options);
}

/** An error the engines raise, as the CLI's one line `lazaret: <code>: <message>`; undefined for bugs. */
export function codedError(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof VulnDbError || err instanceof ImageError || err instanceof CatalogError || err instanceof SbomError) return { code: err.code, message: err.message };
  if (err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'string' && (err as { code: string }).code === 'output-error') {
    return { code: 'output-error', message: err.message };
  }
  return undefined;
}

/** Runs a command body; engine errors print one line and exit 2, CliErrors go to main as usual. */
export async function guarded(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const c = codedError(err);
    if (!c) throw err;
    io.err(`lazaret: ${c.code}: ${c.message}`);
    return 2;
  }
}

export function stringOption(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new CliError('usage', `--${name} needs a value`);
  return v;
}
