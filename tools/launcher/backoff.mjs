export const RESTART_BASE_MS = 1_000;
export const RESTART_MAX_MS = 30_000;
/** A child that stayed up this long is considered healthy again: its backoff starts over. */
export const STABLE_AFTER_MS = 60_000;

/** Delay before the restart that follows `failures` consecutive quick failures: 1 s, 2 s, 4 s ... 30 s. */
export function restartDelayMs(failures) {
  return Math.min(RESTART_BASE_MS * 2 ** Math.min(failures, 20), RESTART_MAX_MS);
}

/** Restart bookkeeping for one child: the backoff step, and the total restart count for the log. */
export class RestartPolicy {
  failures = 0;
  restarts = 0;

  /** Called when the child exited after `uptimeMs`; returns how long to wait and which restart this is. */
  next(uptimeMs) {
    if (uptimeMs >= STABLE_AFTER_MS) this.failures = 0;
    const delayMs = restartDelayMs(this.failures);
    this.failures++;
    this.restarts++;
    return { delayMs, restart: this.restarts };
  }
}
