import { randomBytes } from 'node:crypto';
import { z } from 'zod';

// Random bytes are drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
const POOL_SIZE = 4096;
let pool: Buffer = Buffer.alloc(0);
let poolOffset = POOL_SIZE;

function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return out;
}

/** RFC 9562 UUID version 7: 48-bit Unix milliseconds, then random bits. Sortable by creation time. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = random16();
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const MessageIdSchema = z.string().regex(UUID_V7, 'must be a lowercase UUIDv7');
export const TenantSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lowercase letters, digits or dashes');
export const SourceSchema = z.string().regex(/^[a-z][a-z0-9-]{0,62}(\/[A-Za-z0-9._-]{1,128})?$/, 'must be a service name, optionally /instance');

export const DEFAULT_TENANT = 'default';

/**
 * Every message on the bus is this envelope. Trace context never travels here: it rides in the
 * `traceparent`/`tracestate` NATS headers.
 */
export function envelopeSchema<const T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({
    id: MessageIdSchema,
    type: z.literal(type),
    occurredAt: z.iso.datetime({ offset: true }),
    source: SourceSchema,
    tenant: TenantSchema.default(DEFAULT_TENANT),
    data,
  });
}

/** The envelope with its data left unchecked: what a consumer can check before it knows the type. */
export const AnyEnvelopeSchema = z.strictObject({
  id: MessageIdSchema,
  type: z.string().min(1).max(200),
  occurredAt: z.iso.datetime({ offset: true }),
  source: SourceSchema,
  tenant: TenantSchema.default(DEFAULT_TENANT),
  data: z.unknown(),
});

export interface Envelope<T extends string = string, D = unknown> {
  id: string;
  type: T;
  occurredAt: string;
  source: string;
  tenant: string;
  data: D;
}

export type StreamName = 'IMAGES' | 'RUNTIME' | 'AGENTS' | 'ALERTS' | 'COMMANDS' | 'AUDIT' | 'DEADLETTER';

/** A published event: where it goes and what it must look like. */
export interface EventContract<T extends string = string, D extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly type: T;
  /** Concrete subject, or a pattern with `*` where a token varies (see `subjectFor`). */
  readonly subject: string;
  readonly stream: StreamName;
  readonly data: D;
  readonly schema: ReturnType<typeof envelopeSchema<T, D>>;
  /** Published contracts are frozen: their JSON Schema is snapshotted and checked in CI. */
  readonly published: boolean;
}

export function defineEvent<const T extends string, D extends z.ZodType>(def: {
  type: T;
  subject: string;
  stream: StreamName;
  data: D;
  published?: boolean;
}): EventContract<T, D> {
  return Object.freeze({
    kind: 'event' as const,
    type: def.type,
    subject: def.subject,
    stream: def.stream,
    data: def.data,
    schema: envelopeSchema(def.type, def.data),
    published: def.published ?? true,
  });
}

export type EventData<C> = C extends EventContract<string, infer D> ? z.infer<D> : never;
export type EventEnvelope<C> = C extends EventContract<infer T, infer D> ? Envelope<T, z.infer<D>> : never;

export function createEnvelope<T extends string, D>(
  contract: { type: T },
  data: D,
  meta: { source: string; tenant?: string; id?: string; occurredAt?: Date },
): Envelope<T, D> {
  return {
    id: meta.id ?? uuidv7(),
    type: contract.type,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    source: meta.source,
    tenant: meta.tenant ?? DEFAULT_TENANT,
    data,
  };
}

/** Fills the `*` tokens of a subject pattern, refusing tokens that would change its shape. */
export function subjectFor(pattern: string, ...tokens: string[]): string {
  const parts = pattern.split('.');
  let next = 0;
  const filled = parts.map((part) => {
    if (part !== '*') return part;
    const token = tokens[next++];
    if (token === undefined || !/^[A-Za-z0-9_-]{1,128}$/.test(token)) {
      throw new Error(`subject token ${JSON.stringify(token)} for ${pattern} must be 1-128 of [A-Za-z0-9_-]`);
    }
    return token;
  });
  if (next !== tokens.length) throw new Error(`subject ${pattern} takes ${next} tokens, got ${tokens.length}`);
  return filled.join('.');
}
