import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export interface NatsSettings {
  servers: string;
  user?: string;
  password?: string;
  inboxPrefix?: string;
  /** Connection name shown by the server (`<service>/<instance>`). */
  name: string;
}

export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Connects with endless reconnects and logs every status change: permission violations arrive
 * asynchronously as status events (a publish does not throw), so they must be logged here.
 */
export async function connectNats(settings: NatsSettings, logger?: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: natsServers(settings.servers),
    user: settings.user,
    pass: settings.password,
    inboxPrefix: settings.inboxPrefix,
    name: settings.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5_000,
  });
  if (logger) {
    void (async () => {
      for await (const status of nc.status()) {
        const level = status.type === 'error' || status.type === 'disconnect' ? 'warn' : 'debug';
        logger[level]({ nats: { type: status.type, detail: 'error' in status ? String(status.error) : undefined } }, 'nats status');
      }
    })();
  }
  return nc;
}
