import type { ApiClient } from '../api-client';
import { table } from '../output';

interface Status {
  status: 'ok' | 'degraded' | 'down';
  services: Array<{ service: string; status: string; version?: string; uptimeSeconds?: number; checks: Array<{ name: string; status: string }>; error?: string }>;
}

/** `lazaret status`: every service's health, through the gateway. Exit 1 unless all are ok. */
export async function statusCommand(api: ApiClient, format: 'table' | 'json', out: (s: string) => void): Promise<number> {
  const status = await api.get<Status>('status');
  if (format === 'json') {
    out(JSON.stringify(status, null, 2));
  } else {
    out(
      table(
        ['SERVICE', 'STATUS', 'VERSION', 'UPTIME', 'CHECKS'],
        status.services.map((s) => [
          s.service,
          s.status,
          s.version ?? '-',
          s.uptimeSeconds === undefined ? '-' : `${s.uptimeSeconds}s`,
          s.error ?? s.checks.map((c) => `${c.name}:${c.status}`).join(' '),
        ]),
      ),
    );
    out(`\nplatform: ${status.status}`);
  }
  return status.status === 'ok' ? 0 : 1;
}
