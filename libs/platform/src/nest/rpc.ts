import { ErrorBodySchema, type ErrorBody, type RequestContract } from '@lazaret/contracts';
import type { NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { SpanKind } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DomainError, isDomainError, zodIssues } from '../errors';
import { carrierOf } from '../messaging/headers';
import { requestDuration, requestsServed } from '../telemetry/metrics';
import { extractTraceContext, withSpan } from '../telemetry/telemetry';

/** What travels back on a request's reply subject. Errors are codes, never stack traces. */
export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export const RpcReplySchema = z.union([
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: ErrorBodySchema }),
]);

/**
 * Serves one request: joins the caller's trace, parses the payload with the contract (unknown
 * fields are refused), runs the application method and turns any error into a coded reply.
 */
export async function serveRequest<C extends RequestContract>(
  contract: C,
  payload: unknown,
  ctx: NatsContext | undefined,
  logger: Logger,
  fn: (request: z.output<C['request']>) => Promise<z.input<C['response']>>,
): Promise<RpcReply<z.output<C['response']>>> {
  const parent = extractTraceContext(carrierOf(ctx?.getHeaders() as MsgHdrs | undefined));
  const stop = requestDuration.startTimer({ route: contract.subject });
  return withSpan<RpcReply<z.output<C['response']>>>(`serve ${contract.subject}`, { kind: SpanKind.SERVER, parent, attributes: { 'rpc.system': 'nats', 'rpc.method': contract.subject } }, async (span) => {
    try {
      const parsed = contract.request.safeParse(payload);
      if (!parsed.success) {
        throw new DomainError('validation-failed', `invalid ${contract.subject} request`, { issues: zodIssues(parsed.error.issues) });
      }
      const result = await fn(parsed.data as z.output<C['request']>);
      const checked = contract.response.safeParse(result);
      if (!checked.success) {
        logger.error({ subject: contract.subject, issues: zodIssues(checked.error.issues) }, 'handler returned a response that breaks its contract');
        throw new DomainError('internal', 'the service produced an invalid response');
      }
      requestsServed.inc({ route: contract.subject, status: 'ok' });
      return { ok: true as const, data: checked.data as z.output<C['response']> };
    } catch (err) {
      const error = toErrorBody(err);
      span.setAttribute('lazaret.error.code', error.code);
      if (error.code === 'internal') logger.error({ err, subject: contract.subject }, 'request failed');
      requestsServed.inc({ route: contract.subject, status: error.code });
      return { ok: false as const, error };
    } finally {
      stop();
    }
  });
}

export function toErrorBody(err: unknown): ErrorBody {
  if (isDomainError(err)) {
    const parsed = ErrorBodySchema.safeParse({ code: err.code, message: err.message, issues: err.issues });
    if (parsed.success) return parsed.data;
  }
  return { code: 'internal', message: 'internal error' };
}
