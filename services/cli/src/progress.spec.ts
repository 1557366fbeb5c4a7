import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgress } from './progress';

const MiB = 1024 * 1024;

describe('progress bar', () => {
  it('renders label, bar, percentage and sizes within the width', () => {
    expect(renderProgress({ label: 'reading layer 1', done: 25 * MiB, total: 100 * MiB }, 80)).toBe(
      `reading layer 1 [${'#'.repeat(8)}${'-'.repeat(22)}]  25% 25.0 MiB/100 MiB`,
    );
    expect(renderProgress({ label: 'resolving image', done: 0, total: 0 }, 80)).toBe(`resolving image [${'-'.repeat(30)}]`);
    for (const columns of [20, 40, 80, 200]) {
      expect(renderProgress({ label: 'reading layer 12 (cached)', done: 7, total: 9 }, columns).length).toBeLessThan(columns);
    }
    // Never above 100% (a source that reports more bytes than announced).
    expect(renderProgress({ label: 'x', done: 2, total: 1 }, 80)).toContain('100%');
  });

  it('throttles redraws, redraws on a new label and at completion, and erases itself', () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (s) => writes.push(s), intervalMs: 100, now: () => now });
    bar.update({ label: 'reading layer 1', done: 1, total: 10 });
    now = 50;
    bar.update({ label: 'reading layer 1', done: 2, total: 10 });
    expect(writes).toHaveLength(1);
    bar.update({ label: 'reading layer 2', done: 3, total: 10 });
    expect(writes).toHaveLength(2);
    now = 60;
    bar.update({ label: 'reading layer 2', done: 10, total: 10 });
    expect(writes).toHaveLength(3);
    expect(writes.every((w) => w.startsWith('\r') && w.endsWith('\x1b[K') && !w.includes('\n'))).toBe(true);
    bar.finish();
    bar.finish();
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(writes).toHaveLength(4);
  });

  it('writes nothing when never drawn', () => {
    const writes: string[] = [];
    new ProgressBar({ write: (s) => writes.push(s) }).finish();
    expect(writes).toEqual([]);
  });
});
