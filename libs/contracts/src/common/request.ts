import { z } from 'zod';

/** Error codes a request may answer with. Mapped to HTTP statuses once, in the gateway. */
export const ERROR_CODES = [
  'validation-failed',
  'not-found',
  'conflict',
  'unauthenticated',
  'forbidden',
  'rate-limited',
  'payload-too-large',
  'unavailable',
  'timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBodySchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Field-level problems for `validation-failed`. */
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A request/reply pair between services, answered by the owning service's queue group. */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  /** The owning service: only it answers. */
  readonly service: string;
  readonly request: Req;
  readonly response: Res;
}

export function defineRequest<Req extends z.ZodType, Res extends z.ZodType>(def: {
  subject: string;
  request: Req;
  response: Res;
}): RequestContract<Req, Res> {
  const match = /^lazaret\.([a-z]+)\.[a-z][a-z0-9-]*\.v[0-9]+$/.exec(def.subject);
  if (!match) throw new Error(`request subject ${def.subject} must be lazaret.<service>.<verb>.v<major>`);
  return Object.freeze({ kind: 'request' as const, subject: def.subject, service: match[1]!, request: def.request, response: def.response });
}

export type RequestOf<C> = C extends RequestContract<infer Req, z.ZodType> ? z.infer<Req> : never;
export type ResponseOf<C> = C extends RequestContract<z.ZodType, infer Res> ? z.infer<Res> : never;

/** Who asked: the gateway forwards the authenticated principal with every request. */
export const ActorSchema = z.strictObject({
  type: z.enum(['principal', 'service', 'agent', 'anonymous']),
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  roles: z.array(z.string()).optional(),
});
export type Actor = z.infer<typeof ActorSchema>;
