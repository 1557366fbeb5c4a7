import { currentTraceId, DomainError, isDomainError } from '@lazaret/platform';
import { HttpException, type ArgumentsHost, type ExceptionFilter, Catch } from '@nestjs/common';
import type { Logger } from 'pino';

export type ProblemCode =
  | 'validation-failed'
  | 'invalid-json'
  | 'unsupported-media-type'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate-limited'
  | 'payload-too-large'
  | 'unavailable'
  | 'timeout'
  | 'internal';

const STATUS: Record<ProblemCode, number> = {
  'validation-failed': 400,
  'invalid-json': 400,
  'unsupported-media-type': 415,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  'rate-limited': 429,
  'payload-too-large': 413,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

const TITLE: Record<ProblemCode, string> = {
  'validation-failed': 'The request is not valid',
  'invalid-json': 'The body is not valid JSON',
  'unsupported-media-type': 'Unsupported content type',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  'rate-limited': 'Too many requests',
  'payload-too-large': 'Request body too large',
  unavailable: 'A backend service is unavailable',
  timeout: 'A backend service timed out',
  internal: 'Internal error',
};

export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate-limited', `rate limit exceeded; retry in ${retryAfterSeconds} s`);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  traceId?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** One place turns any error into an RFC 9457 problem document with a stable `code`. */
export function toProblem(err: unknown): { problem: Problem; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let code: ProblemCode = 'internal';
  let detail = 'internal error';
  let issues: Problem['issues'];
  // Nest wraps Fastify's body-parser errors in an HttpException; their code sits in the cause.
  const inner = err instanceof HttpException && err.cause ? err.cause : err;
  const fastifyCode = typeof inner === 'object' && inner !== null && 'code' in inner ? String((inner as { code: unknown }).code) : '';
  if (isDomainError(err) && err.code in STATUS) {
    code = err.code as ProblemCode;
    detail = err.message;
    issues = err.issues;
    if (err instanceof RateLimited) headers['retry-after'] = String(err.retryAfterSeconds);
  } else if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    code = 'payload-too-large';
    detail = 'the request body exceeds the configured limit';
  } else if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    code = 'unsupported-media-type';
    detail = 'send application/json';
  } else if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    code = 'invalid-json';
    detail = inner instanceof Error ? inner.message : 'the body is not valid JSON';
  } else if (err instanceof HttpException) {
    const status = err.getStatus();
    code = status === 404 ? 'not-found' : status === 405 ? 'method-not-allowed' : status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : status < 500 ? 'validation-failed' : 'internal';
    detail = status === 404 ? 'no such route' : err.message;
  }
  return {
    problem: { type: `https://lazaret.dev/problems/${code}`, title: TITLE[code], status: STATUS[code], code, detail, traceId: currentTraceId(), ...(issues ? { issues } : {}) },
    headers,
  };
}

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<Reply>();
    const request = http.getRequest<{ url?: string; method?: string }>();
    const { problem, headers } = toProblem(err);
    if (problem.status >= 500) this.logger.error({ err, url: request.url, method: request.method }, 'request failed');
    reply.status(problem.status);
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    reply.header('content-type', 'application/problem+json').send({ ...problem, instance: request.url });
  }
}
