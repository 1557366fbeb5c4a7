import { requestDuration, requestsServed, tracer, extractTraceContext } from '@lazaret/platform';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';

interface TracedRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  routeOptions?: { url?: string };
  lazaretSpan?: Span;
  lazaretContext?: Context;
  lazaretStart?: number;
}

interface HookReply {
  statusCode: number;
}

interface FastifyLike {
  addHook(name: 'onRequest', fn: (req: TracedRequest, reply: HookReply) => Promise<void>): unknown;
  addHook(name: 'onResponse', fn: (req: TracedRequest, reply: HookReply) => Promise<void>): unknown;
}

/**
 * A server span per HTTP request, joined to the caller's `traceparent` if any; ended with the
 * response status, whatever path produced it (handler, guard, body parser).
 */
export function installHttpTracing(fastify: FastifyLike): void {
  fastify.addHook('onRequest', async (req) => {
    const parent = extractTraceContext({ get: (k) => first(req.headers[k]) ?? '', set: () => undefined });
    const span = tracer().startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.url.split('?')[0] } }, parent);
    req.lazaretSpan = span;
    req.lazaretContext = trace.setSpan(parent, span);
    req.lazaretStart = performance.now();
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const span = req.lazaretSpan;
    const route = req.routeOptions?.url ?? 'unmatched';
    if (span) {
      span.updateName(`HTTP ${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    requestsServed.inc({ route: `${req.method} ${route}`, status: String(reply.statusCode) });
    if (req.lazaretStart !== undefined) requestDuration.observe({ route: `${req.method} ${route}` }, (performance.now() - req.lazaretStart) / 1000);
  });
}

export function requestContext(req: object): Context {
  return (req as TracedRequest).lazaretContext ?? context.active();
}

/** Runs the route handler inside the request's span, so everything it calls joins the trace. */
export class TraceContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const active = requestContext(ctx.switchToHttp().getRequest<object>());
    return new Observable((subscriber) => context.with(active, () => next.handle().subscribe(subscriber)));
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
