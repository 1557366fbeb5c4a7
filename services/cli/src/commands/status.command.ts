import type { Command } from '../command';
import { formatOf, table } from '../output';

interface Status {
  status: 'ok' | 'degraded' | 'down';
  services: Array<{ service: string; status: string; version?: string; uptimeSeconds?: number; checks: Array<{ name: string; status: string }>; error?: string }>;
}

/** `lazaret status`: every service's health, through the gateway. Exit 1 unless all are ok. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'health of every platform service (via the gateway)',
  usage: 'lazaret status [--format table|json]',
  async run({ api, values, io }) {
    const format = formatOf(values.format, ['table', 'json']);
    const status = await api().get<Status>('status');
    if (format === 'json') {
      io.out(JSON.stringify(status, null, 2));
    } else {
      io.out(
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
      io.out(`\nplatform: ${status.status}`);
    }
    return status.status === 'ok' ? 0 : 1;
  },
};
