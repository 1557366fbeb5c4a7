import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, exposed at /metrics. */
export const metricsRegistry = new Registry();
let defaultsStarted = false;

export function startDefaultMetrics(service: string): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'lazaret_' });
}

export const messagesConsumed = new Counter({
  name: 'lazaret_messages_consumed_total',
  help: 'JetStream messages handled, by stream, consumer and outcome',
  labelNames: ['stream', 'consumer', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messagesPublished = new Counter({
  name: 'lazaret_messages_published_total',
  help: 'Events published to JetStream, by subject pattern',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

export const handlerDuration = new Histogram({
  name: 'lazaret_message_handler_seconds',
  help: 'Time from fetch to commit for a batch of messages',
  labelNames: ['consumer'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [metricsRegistry],
});

export const requestsServed = new Counter({
  name: 'lazaret_requests_total',
  help: 'Requests served (HTTP at the gateway, NATS request/reply elsewhere), by route and status',
  labelNames: ['route', 'status'] as const,
  registers: [metricsRegistry],
});

export const requestDuration = new Histogram({
  name: 'lazaret_request_seconds',
  help: 'Request latency by route',
  labelNames: ['route'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});
