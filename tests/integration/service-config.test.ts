import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('a service with bad configuration', () => {
  it.each(['gateway', 'ingest', 'audit'])('%s stops at once with exit 78 and one line naming the variable', (service) => {
    const entry = join(ROOT, 'services', service, 'dist', 'main.js');
    expect(existsSync(entry), 'build first').toBe(true);
    const result = spawnSync(process.execPath, [entry], {
      env: { PATH: process.env.PATH, NATS_URL: 'not a url', LAZARET_PORT: 'http', LAZARET_ADMIN_KEY: 'secret-but-wrong' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invalid configuration: NATS_URL: /);
    if (service === 'gateway') {
      expect(lines[0]).toContain('LAZARET_PORT');
      expect(lines[0]).toContain('LAZARET_ADMIN_KEY');
      expect(lines[0]).not.toContain('secret-but-wrong');
    }
  });
});
