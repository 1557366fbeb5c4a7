import { describe, expect, it } from 'vitest';
import type { Command } from './command';
import { commandTable, run } from './main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe('lazaret CLI', () => {
  it('prints help and version', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out.join()).toContain('audit verify');
    expect(await run(['version'], c.io)).toBe(0);
    expect(c.out.at(-1)).toMatch(/^lazaret \d+\.\d+\.\d+$/);
  });

  it('exits 2 with one line for usage errors', async () => {
    for (const argv of [['status', '--format', 'xml'], ['bogus'], ['audit', 'nope'], ['status', '--no-such-flag'], ['status', '--timeout', '-1'], []]) {
      const c = capture();
      expect(await run(argv, c.io), argv.join(' ')).toBe(2);
    }
    const c = capture();
    await run(['audit', 'nope'], c.io);
    expect(c.err).toEqual(['lazaret: usage: unknown audit command nope; try: lazaret audit verify']);
  });

  it('asks for an API key before calling the platform', async () => {
    const c = capture();
    expect(await run(['status'], c.io, {})).toBe(2);
    expect(c.err[0]).toContain('no API key');
  });

  it('reports an unreachable gateway as an error, not a crash', async () => {
    const c = capture();
    expect(await run(['status', '--url', 'http://127.0.0.1:9/api/v1', '--api-key', 'k', '--timeout', '2'], c.io, {})).toBe(2);
    expect(c.err[0]).toMatch(/^lazaret: unreachable: /);
  });

  it('refuses duplicate command names', () => {
    const c: Command = { name: 'x', summary: '', usage: '', run: async () => 0 };
    expect(() => commandTable([c, c])).toThrow(/duplicate/);
  });
});
