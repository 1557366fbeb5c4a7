import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (or the extra dirs), or undefined. */
export function which(name: string, extraDirs: string[] = ['/usr/sbin', '/sbin']): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ToolCheck {
  /** True when every tool is on PATH. */
  ok: boolean;
  /** Tools that are missing. */
  missing: string[];
  /** True when the suite should be skipped: tools missing and not running in CI. */
  skip: boolean;
}

/**
 * Checks system tools a suite needs (skopeo, umoci, nats-server...).
 *
 * In CI (`CI=true`) `.ci/run` installs every tool, so a missing one is a failure, never a skip:
 * call `assertTools` in `beforeAll`. On a developer machine the suite is skipped and says which
 * Debian package to install.
 */
export function checkTools(...names: string[]): ToolCheck {
  const missing = names.filter((n) => !which(n));
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  if (missing.length > 0 && !inCi) {
    process.stderr.write(`[lazaret tests] skipping: missing ${missing.join(', ')} (apt-get install them; .ci/run does)\n`);
  }
  return { ok: missing.length === 0, missing, skip: missing.length > 0 && !inCi };
}

/** Throws with one clear line when a tool is missing. */
export function assertTools(...names: string[]): void {
  const { missing } = checkTools(...names);
  if (missing.length > 0) {
    throw new Error(`required tools missing from PATH: ${missing.join(', ')} (apt-get install them)`);
  }
}
