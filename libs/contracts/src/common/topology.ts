import type { StreamName } from './envelope';

/** Every process of the platform. The gateway, the host agent and the CLI included. */
export const SERVICES = ['gateway', 'ingest', 'scanning', 'signing', 'correlation', 'audit', 'quarantine', 'agent'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Services that answer requests over NATS (the agent answers only its command subject). */
export const BACKEND_SERVICES = ['ingest', 'scanning', 'signing', 'correlation', 'audit', 'quarantine'] as const;
export type BackendService = (typeof BACKEND_SERVICES)[number];

/** Default ops HTTP ports (/healthz, /readyz, /metrics); the gateway serves them on its API port. */
export const DEFAULT_OPS_PORTS: Record<Exclude<ServiceName, 'gateway'>, number> = {
  ingest: 9101,
  scanning: 9102,
  signing: 9103,
  correlation: 9104,
  audit: 9105,
  quarantine: 9106,
  agent: 9107,
};

export interface StreamDefinition {
  name: StreamName;
  subjects: string[];
  /** Oldest message kept, in seconds. */
  maxAgeSeconds: number;
  /** Upper bound on stored bytes (-1: unbounded). */
  maxBytes: number;
  /** Window in which a repeated Nats-Msg-Id is dropped by the server. */
  duplicateWindowSeconds: number;
}

const DAY = 86_400;
const GiB = 1024 ** 3;

const MiB = 1024 ** 2;

/**
 * JetStream streams. Subjects are disjoint: requests (`lazaret.<svc>.<verb>.v1`) never fall into
 * one. Sizes are reserved on the server when a stream is created, so the defaults stay modest
 * (about 8 GiB in all) to start on small disks; grow them for production.
 */
export const STREAMS: Record<StreamName, StreamDefinition> = {
  IMAGES: { name: 'IMAGES', subjects: ['lazaret.image.>', 'lazaret.scan.>', 'lazaret.finding.>'], maxAgeSeconds: 30 * DAY, maxBytes: 1 * GiB, duplicateWindowSeconds: 120 },
  RUNTIME: { name: 'RUNTIME', subjects: ['lazaret.runtime.>', 'lazaret.workload.>'], maxAgeSeconds: 7 * DAY, maxBytes: 3 * GiB, duplicateWindowSeconds: 120 },
  AGENTS: { name: 'AGENTS', subjects: ['lazaret.agent.*.events', 'lazaret.agent.*.acks'], maxAgeSeconds: 2 * DAY, maxBytes: 1 * GiB, duplicateWindowSeconds: 120 },
  ALERTS: { name: 'ALERTS', subjects: ['lazaret.alert.>'], maxAgeSeconds: 90 * DAY, maxBytes: 512 * MiB, duplicateWindowSeconds: 120 },
  COMMANDS: { name: 'COMMANDS', subjects: ['lazaret.agent.*.commands'], maxAgeSeconds: 1 * DAY, maxBytes: 256 * MiB, duplicateWindowSeconds: 120 },
  // Audit records are five tokens (lazaret.audit.<service>.<action>.v1); audit requests are four.
  AUDIT: { name: 'AUDIT', subjects: ['lazaret.audit.*.*.v1'], maxAgeSeconds: 30 * DAY, maxBytes: 1 * GiB, duplicateWindowSeconds: 600 },
  DEADLETTER: { name: 'DEADLETTER', subjects: ['lazaret.deadletter.>'], maxAgeSeconds: 30 * DAY, maxBytes: 256 * MiB, duplicateWindowSeconds: 120 },
};

export const DEADLETTER_SUBJECT_PREFIX = 'lazaret.deadletter';
export function deadLetterSubject(stream: string): string {
  return `${DEADLETTER_SUBJECT_PREFIX}.${stream}`;
}

/** NATS subject matching: `*` is one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (s[i] === undefined) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/**
 * NATS Object Store buckets: large payloads (uploaded image archives, later pcaps and forensic
 * bundles) travel here; messages carry the object name and digest.
 */
export const OBJECT_BUCKETS = {
  /** Image archives uploaded through the gateway, kept for a day. */
  uploads: { name: 'uploads', ttlSeconds: 86_400, maxBytes: 4 * GiB },
} as const;
