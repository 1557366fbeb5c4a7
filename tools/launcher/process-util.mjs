import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './lines.mjs';

/** The command line of a running process (Linux /proc), or '' when unknown. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Waits until pid is gone, up to timeoutMs; true when it is gone. */
export async function waitGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * A server that a previous launcher started and left behind (the launcher was killed with
 * SIGKILL): its PID file names a live process whose command line mentions `marker` (our config
 * file or data directory). Returns that PID, or undefined.
 */
export function leftoverPid(pidText, marker) {
  const pid = Number.parseInt(String(pidText).split('\n')[0].trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  if (!isAlive(pid)) return undefined;
  return commandLine(pid).includes(marker) ? pid : undefined;
}
