import type { Actor, AlertSeverity, AuditRecord } from '@lazaret/contracts';

/** How far a rule is trusted (Falco's tags): only rules at or above the configured maturity run. */
export const MATURITIES = ['stable', 'incubating', 'sandbox'] as const;
export type Maturity = (typeof MATURITIES)[number];

/** Which audit records a rule looks at. Actions may end in `*` (`image.read-*`). */
export interface RecordMatch {
  actions: string[];
  outcomes?: Array<AuditRecord['outcome']>;
  actorTypes?: Array<Actor['type']>;
}

interface RuleBase {
  id: string;
  /** Bumped whenever what the rule decides changes; alerts carry it. */
  version: number;
  maturity: Maturity;
  severity: AlertSeverity;
  /** Templates: `{actor}`, `{source}`, `{repository}`, `{count}`, `{threshold}`, `{windowSeconds}`, `{window}`, `{action}`, `{resource}`. */
  title: string;
  description: string;
  match: RecordMatch;
  /** A repeat for the same subject within this long of the alert's first sighting only counts. */
  dedupeSeconds: number;
}

/** A principal touches a repository matching one of the globs for the first time. */
export interface FirstSeenRule extends RuleBase {
  kind: 'first-seen';
  subject: 'actor-repository';
  parameters: { sensitiveRepositories: string[] };
}

/** More than `threshold` matching records for one subject in `windowSeconds` (sliding). */
export interface ThresholdRule extends RuleBase {
  kind: 'threshold';
  /** `actor`: who acted; `source`: the client address (`sourceIp`, else the actor id). */
  subject: 'actor' | 'source';
  parameters: { threshold: number; windowSeconds: number };
}

/** A matching record outside an allowed time window (null window: the rule is off). */
export interface OutsideWindowRule extends RuleBase {
  kind: 'outside-window';
  subject: 'actor';
  parameters: { window: string | null };
}

export type RuleDefinition = FirstSeenRule | ThresholdRule | OutsideWindowRule;

/**
 * The detection rules, as data. The evaluators (one per `kind`) live in detection-engine.ts;
 * a new rule is usually a new entry here, and configuration overrides only `parameters`.
 */
export const DETECTION_RULES: readonly RuleDefinition[] = [
  {
    id: 'first-sensitive-access',
    version: 1,
    maturity: 'incubating',
    kind: 'first-seen',
    severity: 'medium',
    title: 'First access to sensitive repository {repository} by {actor}',
    description:
      '{actor} touched {repository} ({action}) for the first time. The repository matches the sensitive glob {glob}. Confirm the access was expected.',
    match: { actions: ['image.*'], outcomes: ['success'], actorTypes: ['principal', 'agent'] },
    subject: 'actor-repository',
    dedupeSeconds: 86_400,
    parameters: { sensitiveRepositories: [] },
  },
  {
    id: 'read-burst',
    version: 1,
    maturity: 'stable',
    kind: 'threshold',
    severity: 'high',
    title: 'Burst of reads by {actor}',
    description: '{actor} made {count} reads in {windowSeconds} s (more than {threshold}); last: {action} of {resource}. This may be bulk extraction of SBOMs, findings or audit data.',
    match: { actions: ['image.read-*', 'audit.read', 'alert.read'] },
    subject: 'actor',
    dedupeSeconds: 600,
    parameters: { threshold: 100, windowSeconds: 60 },
  },
  {
    id: 'auth-failure-burst',
    version: 1,
    maturity: 'stable',
    kind: 'threshold',
    severity: 'high',
    title: 'Burst of failed authentications from {source}',
    description: '{count} failed authentications from {source} in {windowSeconds} s (more than {threshold}). Someone may be guessing or replaying API keys or tokens.',
    match: { actions: ['auth.fail'] },
    subject: 'source',
    dedupeSeconds: 600,
    parameters: { threshold: 10, windowSeconds: 60 },
  },
  {
    id: 'signing-outside-window',
    version: 1,
    maturity: 'incubating',
    kind: 'outside-window',
    severity: 'high',
    title: 'Image signed outside the signing window by {actor}',
    description: '{actor} signed {resource} at {at}, outside the allowed signing window {window}.',
    match: { actions: ['image.sign'] },
    subject: 'actor',
    dedupeSeconds: 3_600,
    parameters: { window: null },
  },
];
