import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseConfigSchema, ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('applies defaults', () => {
    const c = parseConfig(BaseConfigSchema, {});
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.LAZARET_HOST).toBe('127.0.0.1');
    expect(c.LAZARET_MAX_DELIVER).toBe(5);
  });

  it('names every bad variable and what it expects, in one line', () => {
    const schema = BaseConfigSchema.extend({ LAZARET_PORT: z.coerce.number().int().min(1).max(65535) });
    let message = '';
    try {
      parseConfig(schema, { LAZARET_PORT: 'http', DATABASE_URL: 'mysql://x', LAZARET_LOG_LEVEL: 'loud' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('LAZARET_PORT');
    expect(message).toContain('"http"');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LAZARET_LOG_LEVEL');
  });

  it('never echoes a secret value', () => {
    const schema = z.object({ NATS_PASSWORD: z.string().min(40) });
    expect(() => parseConfig(schema, { NATS_PASSWORD: 'hunter2' })).toThrow(/NATS_PASSWORD.*\*\*\*/);
    expect(() => parseConfig(schema, { NATS_PASSWORD: 'hunter2' })).not.toThrow(/hunter2/);
  });
});
