/**
 * A one-line progress bar for stderr on a terminal. It only ever rewrites its own line
 * (`\r` + erase-to-end-of-line) and is throttled, so a fast scan costs a handful of writes.
 * The caller decides whether to use one at all (`io.isTty`): piped stderr never sees it.
 */

export interface ProgressState {
  /** What is happening: `reading layer 2/3`, `resolving image`. */
  label: string;
  done: number;
  /** 0 when not known yet (the bar is then drawn empty, without a percentage). */
  total: number;
}

const MiB = 1024 * 1024;

function size(n: number): string {
  return n >= 100 * MiB ? `${Math.round(n / MiB)} MiB` : `${(n / MiB).toFixed(1)} MiB`;
}

/** The text of one bar line, at most `columns - 1` characters (the last column is left free so no terminal wraps). */
export function renderProgress(state: ProgressState, columns = 80): string {
  const known = state.total > 0;
  const fraction = known ? Math.min(1, Math.max(0, state.done / state.total)) : 0;
  const tail = known ? ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${size(state.done)}/${size(state.total)}` : '';
  const width = Math.max(10, Math.min(30, columns - 1 - state.label.length - tail.length - 3));
  const filled = Math.round(fraction * width);
  const line = `${state.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 1)) : line;
}

export interface ProgressBarOptions {
  /** Raw writer (no newline added), e.g. `(s) => process.stderr.write(s)`. */
  write: (s: string) => void;
  /** Terminal width; default 80. */
  columns?: number;
  /** Minimum time between two redraws (a change of label always redraws). Default 100 ms. */
  intervalMs?: number;
  now?: () => number;
}

export class ProgressBar {
  private last = Number.NEGATIVE_INFINITY;
  private lastLabel = '';
  private drawn = false;

  constructor(private readonly opts: ProgressBarOptions) {}

  update(state: ProgressState): void {
    const now = (this.opts.now ?? Date.now)();
    const complete = state.total > 0 && state.done >= state.total;
    if (state.label === this.lastLabel && !complete && now - this.last < (this.opts.intervalMs ?? 100)) return;
    this.last = now;
    this.lastLabel = state.label;
    this.opts.write(`\r${renderProgress(state, this.opts.columns ?? 80)}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar (so the next message starts on a clean line). Safe to call twice. */
  finish(): void {
    if (this.drawn) this.opts.write('\r\x1b[K');
    this.drawn = false;
  }
}
