import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from './nats-server';

export const PLATFORM_SERVICES = ['ingest', 'scanning', 'signing', 'correlation', 'audit', 'quarantine', 'gateway'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

export interface RunningPlatform {
  apiUrl: string;
  baseUrl: string;
  adminKey: string;
  ports: Record<PlatformService, number>;
  pids: Record<PlatformService, number>;
  logs: Record<PlatformService, string[]>;
  stop(): Promise<void>;
}

/** A bootstrap admin key in the gateway's format. */
export function newAdminKey(): string {
  return `lzk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

/**
 * Starts the real, built services (`services/<name>/dist/main.js`) as child processes on free
 * ports, waits until every /readyz answers 200, and stops them by PID afterwards.
 */
export async function startPlatform(options: {
  root: string;
  natsUrl: string;
  databaseUrl: string;
  env?: Record<string, string>;
  /** Extra variables for one service (e.g. its own NATS identity). */
  serviceEnv?: (service: PlatformService) => Record<string, string>;
  services?: readonly PlatformService[];
  readyTimeoutMs?: number;
}): Promise<RunningPlatform> {
  const services = options.services ?? PLATFORM_SERVICES;
  const adminKey = newAdminKey();
  // One key-encryption key per run, as npm start would generate.
  const kek = randomBytes(32).toString('base64');
  const ports = {} as Record<PlatformService, number>;
  const pids = {} as Record<PlatformService, number>;
  const logs = {} as Record<PlatformService, string[]>;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 8_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (const service of services) {
      const entry = join(options.root, 'services', service, 'dist', 'main.js');
      if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run build)`);
      ports[service] = await freePort();
      logs[service] = [];
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NATS_URL: options.natsUrl,
        DATABASE_URL: options.databaseUrl,
        LAZARET_LOG_LEVEL: 'info',
        LAZARET_HOST: '127.0.0.1',
        LAZARET_KEK: kek,
        ...(service === 'gateway' ? { LAZARET_PORT: String(ports[service]), LAZARET_ADMIN_KEY: adminKey } : { LAZARET_HTTP_PORT: String(ports[service]) }),
        ...options.env,
        ...options.serviceEnv?.(service),
      };
      const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      pids[service] = child.pid!;
      const keep = (d: Buffer) => {
        const lines = logs[service];
        lines.push(...d.toString().split('\n').filter(Boolean));
        if (lines.length > 2000) lines.splice(0, lines.length - 2000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (const service of services) {
      for (;;) {
        const child = children[services.indexOf(service)]!;
        if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}: ${logs[service].slice(-5).join('\n')}`);
        const ok = await fetch(`http://127.0.0.1:${ports[service]}/readyz`, { signal: AbortSignal.timeout(1_000) })
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`${service} not ready in time: ${logs[service].slice(-5).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const baseUrl = `http://127.0.0.1:${ports.gateway}`;
  return { apiUrl: `${baseUrl}/api/v1`, baseUrl, adminKey, ports, pids, logs, stop };
}
