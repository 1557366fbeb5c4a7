import { z } from 'zod';
import { CorrelationError } from './domain/correlation-error';
import { DETECTION_RULES, MATURITIES, type RuleDefinition } from './domain/detection-rules';
import { parseRepositoryGlobs } from './domain/image-repository';
import { parseSigningWindow } from './domain/signing-window';

const count = (max: number) => z.coerce.number({ error: `expected an integer 0-${max}` }).int(`expected an integer 0-${max}`).min(0).max(max);
const seconds = z.coerce.number({ error: 'expected seconds 1-86400' }).int('expected seconds 1-86400').min(1).max(86_400);

/** Turns a domain parse error into a zod issue, so a bad value stops the service with one line. */
function checked<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): string => {
    try {
      parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof CorrelationError ? err.message : String(err) });
    }
    return text;
  };
}

export const CorrelationConfigSchema = z.object({
  /** Comma-separated repository globs whose first access by a principal raises an alert. */
  LAZARET_SENSITIVE_REPOSITORIES: z.string().default('').transform(checked(parseRepositoryGlobs)),
  /** When images may be signed, e.g. `Mon-Fri 07:00-19:00 UTC`; unset: signing time is not checked. */
  LAZARET_SIGNING_WINDOW: z.string().min(1, 'expected a window like "Mon-Fri 07:00-19:00 UTC"').transform(checked(parseSigningWindow)).optional(),
  /** read-burst: more than this many reads by one principal in the window raise an alert. */
  LAZARET_READ_BURST_THRESHOLD: count(1_000_000).default(100),
  LAZARET_READ_BURST_WINDOW_SECONDS: seconds.default(60),
  /** auth-failure-burst: more than this many failed authentications from one address in the window. */
  LAZARET_AUTH_FAILURE_BURST_THRESHOLD: count(1_000_000).default(10),
  LAZARET_AUTH_FAILURE_BURST_WINDOW_SECONDS: seconds.default(60),
  /** Least mature detection rules that run: stable, incubating (default) or sandbox. */
  LAZARET_DETECTION_MATURITY: z.enum(MATURITIES).default('incubating'),
  /** Comma-separated rule ids to switch off. */
  LAZARET_DETECTION_DISABLED_RULES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(DETECTION_RULES.map((r) => r.id) as [string, ...string[]], { error: `expected rule ids among ${DETECTION_RULES.map((r) => r.id).join(', ')}` }))),
  /** Recent events (burst windows) are kept this long past their window, then deleted. */
  LAZARET_CORRELATION_STATE_GRACE_SECONDS: seconds.default(600),
});
export type CorrelationConfig = z.infer<typeof CorrelationConfigSchema>;

/** The rule data with configuration applied to its parameters (the definitions stay as shipped). */
export function configuredRules(config: CorrelationConfig, rules: readonly RuleDefinition[] = DETECTION_RULES): RuleDefinition[] {
  return rules.map((rule): RuleDefinition => {
    switch (rule.id) {
      case 'first-sensitive-access':
        return rule.kind === 'first-seen' ? { ...rule, parameters: { sensitiveRepositories: parseRepositoryGlobs(config.LAZARET_SENSITIVE_REPOSITORIES).map((g) => g.pattern) } } : rule;
      case 'read-burst':
        return rule.kind === 'threshold' ? { ...rule, parameters: { threshold: config.LAZARET_READ_BURST_THRESHOLD, windowSeconds: config.LAZARET_READ_BURST_WINDOW_SECONDS } } : rule;
      case 'auth-failure-burst':
        return rule.kind === 'threshold'
          ? { ...rule, parameters: { threshold: config.LAZARET_AUTH_FAILURE_BURST_THRESHOLD, windowSeconds: config.LAZARET_AUTH_FAILURE_BURST_WINDOW_SECONDS } }
          : rule;
      case 'signing-outside-window':
        return rule.kind === 'outside-window' ? { ...rule, parameters: { window: config.LAZARET_SIGNING_WINDOW ?? null } } : rule;
      default:
        return rule;
    }
  });
}
