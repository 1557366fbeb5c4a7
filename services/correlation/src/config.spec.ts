import { BaseConfigSchema, ConfigError, parseConfig } from '@lazaret/platform';
import { describe, expect, it } from 'vitest';
import { configuredRules, CorrelationConfigSchema } from './config';
import { DetectionEngine } from './domain/detection-engine';

const schema = BaseConfigSchema.extend(CorrelationConfigSchema.shape);

describe('correlation configuration', () => {
  it('has defaults that run the rules needing no configuration', () => {
    const cfg = parseConfig(schema, {});
    const engine = new DetectionEngine(configuredRules(cfg), { minMaturity: cfg.LAZARET_DETECTION_MATURITY, disabled: cfg.LAZARET_DETECTION_DISABLED_RULES });
    expect(engine.active.map((r) => r.definition.id)).toEqual(['read-burst', 'auth-failure-burst']);
  });

  it('maps variables onto rule parameters', () => {
    const cfg = parseConfig(schema, {
      LAZARET_SENSITIVE_REPOSITORIES: 'registry.example.com/payments/*, registry.example.com/vault/**',
      LAZARET_SIGNING_WINDOW: 'Mon-Fri 07:00-19:00 UTC',
      LAZARET_READ_BURST_THRESHOLD: '7',
      LAZARET_READ_BURST_WINDOW_SECONDS: '30',
      LAZARET_AUTH_FAILURE_BURST_THRESHOLD: '3',
      LAZARET_AUTH_FAILURE_BURST_WINDOW_SECONDS: '120',
      LAZARET_DETECTION_DISABLED_RULES: 'read-burst',
    });
    const rules = configuredRules(cfg);
    expect(rules.map((r) => [r.id, r.parameters])).toEqual([
      ['first-sensitive-access', { sensitiveRepositories: ['registry.example.com/payments/*', 'registry.example.com/vault/**'] }],
      ['read-burst', { threshold: 7, windowSeconds: 30 }],
      ['auth-failure-burst', { threshold: 3, windowSeconds: 120 }],
      ['signing-outside-window', { window: 'Mon-Fri 07:00-19:00 UTC' }],
    ]);
    const engine = new DetectionEngine(rules, { minMaturity: cfg.LAZARET_DETECTION_MATURITY, disabled: cfg.LAZARET_DETECTION_DISABLED_RULES });
    expect(engine.active.map((r) => r.definition.id)).toEqual(['first-sensitive-access', 'auth-failure-burst', 'signing-outside-window']);
  });

  it.each([
    ['LAZARET_SIGNING_WINDOW', 'Mon-Fri 7-19', /^invalid configuration: LAZARET_SIGNING_WINDOW: signing window "Mon-Fri 7-19": .* \(got "Mon-Fri 7-19"\)$/],
    ['LAZARET_SIGNING_WINDOW', 'Mon-Fri 07:00-19:00 Nowhere/Land', /LAZARET_SIGNING_WINDOW: .*unknown time zone "Nowhere\/Land"/],
    ['LAZARET_SENSITIVE_REPOSITORIES', 'payments/*', /LAZARET_SENSITIVE_REPOSITORIES: repository glob "payments\/\*" must include the registry/],
    ['LAZARET_READ_BURST_THRESHOLD', 'many', /LAZARET_READ_BURST_THRESHOLD: expected an integer/],
    ['LAZARET_AUTH_FAILURE_BURST_WINDOW_SECONDS', '0', /LAZARET_AUTH_FAILURE_BURST_WINDOW_SECONDS: /],
    ['LAZARET_DETECTION_MATURITY', 'alpha', /LAZARET_DETECTION_MATURITY: /],
    ['LAZARET_DETECTION_DISABLED_RULES', 'read-burst,nope', /LAZARET_DETECTION_DISABLED_RULES\.1: expected rule ids among first-sensitive-access, read-burst/],
  ])('%s=%j stops the service with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      parseConfig(schema, { [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toMatch(message);
  });
});
