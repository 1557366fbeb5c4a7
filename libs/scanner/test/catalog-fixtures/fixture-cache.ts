import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds a fixture once with a shell script and caches it outside the repository, keyed by a
 * hash of the script: `${LAZARET_FIXTURE_CACHE:-~/.cache/lazaret-fixtures}/<name>/<hash>/`.
 * The script gets the output directory as $OUT and must create it completely.
 */
export function cachedFixture(name: string, script: string, env: Record<string, string> = {}, timeoutMs = 600_000): string {
  const root = process.env.LAZARET_FIXTURE_CACHE ?? join(homedir(), '.cache', 'lazaret-fixtures');
  const scriptPath = join(__dirname, script);
  const hash = createHash('sha256').update(readFileSync(scriptPath)).digest('hex').slice(0, 16);
  const out = join(root, name, hash);
  const done = join(out, '.done');
  if (existsSync(done)) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    execFileSync('bash', ['-euo', 'pipefail', scriptPath], { env: { ...process.env, ...env, OUT: out }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`fixture script ${script} failed:\n${e.stdout?.toString().slice(-2000) ?? ''}\n${e.stderr?.toString().slice(-4000) ?? ''}`, { cause: err });
  }
  writeFileSync(done, new Date().toISOString());
  return out;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
