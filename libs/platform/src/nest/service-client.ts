import type { RequestContract } from '@lazaret/contracts';
import { ClientProxyFactory, NatsRecordBuilder, Transport, type ClientProxy } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { firstValueFrom, timeout as rxTimeout } from 'rxjs';
import type { z } from 'zod';
import { DomainError } from '../errors';
import { carrierOf, newHeaders } from '../messaging/headers';
import { injectTraceHeaders, withSpan } from '../telemetry/telemetry';
import { RpcReplySchema } from './rpc';

export interface ServiceClientOptions {
  servers: string[];
  user?: string;
  password?: string;
  inboxPrefix?: string;
  name: string;
  defaultTimeoutMs?: number;
}

/**
 * Typed request/reply over Nest's NATS transport. Validates the request before it leaves and
 * the reply when it comes back; errors return as DomainErrors carrying the remote code.
 */
export class ServiceClient {
  private readonly proxy: ClientProxy;
  private readonly defaultTimeoutMs: number;

  constructor(options: ServiceClientOptions) {
    this.proxy = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: options.servers, user: options.user, pass: options.password, inboxPrefix: options.inboxPrefix, name: options.name, maxReconnectAttempts: -1 },
    });
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
  }

  async connect(): Promise<void> {
    await this.proxy.connect();
  }

  async request<C extends RequestContract>(contract: C, payload: z.input<C['request']>, options: { timeoutMs?: number } = {}): Promise<z.output<C['response']>> {
    const checked = contract.request.safeParse(payload);
    if (!checked.success) {
      throw new DomainError('validation-failed', `invalid ${contract.subject} request: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return withSpan(`request ${contract.subject}`, { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'nats', 'rpc.method': contract.subject } }, async () => {
      const headers = newHeaders();
      injectTraceHeaders(carrierOf(headers));
      const record = new NatsRecordBuilder(checked.data).setHeaders(headers).build();
      let raw: unknown;
      try {
        raw = await firstValueFrom(this.proxy.send(contract.subject, record).pipe(rxTimeout(options.timeoutMs ?? this.defaultTimeoutMs)));
      } catch (err) {
        throw transportError(contract.service, err);
      }
      const reply = RpcReplySchema.safeParse(raw);
      if (!reply.success) throw new DomainError('internal', `${contract.service} answered ${contract.subject} with an unreadable reply`);
      if (!reply.data.ok) {
        throw new DomainError(reply.data.error.code, reply.data.error.message, { issues: reply.data.error.issues });
      }
      const data = contract.response.safeParse(reply.data.data);
      if (!data.success) throw new DomainError('internal', `${contract.service} answered ${contract.subject} outside its contract`);
      return data.data as z.output<C['response']>;
    });
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}

function transportError(service: string, err: unknown): DomainError {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'TimeoutError') return new DomainError('timeout', `${service} did not answer in time`, { cause: err });
  if (/no responders|503/i.test(message) || name === 'NoRespondersError') {
    return new DomainError('unavailable', `${service} is not running`, { cause: err });
  }
  return new DomainError('unavailable', `${service} could not be reached: ${message}`, { cause: err });
}
