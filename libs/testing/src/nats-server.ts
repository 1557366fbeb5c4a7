import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './tools';
import { tcpAnswers } from './infrastructure';

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface NatsServerHandle {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A private nats-server (JetStream, temp store) on a free loopback port: whole-platform tests use
 * one so fixed stream and consumer names never meet another platform on a shared server.
 * `config` is the text of a server config, or `configFile` a path (optional); `-a/-p/-js/-sd` are always set.
 */
export async function startNatsServer(options: { config?: string; configFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<NatsServerHandle> {
  const binary = which('nats-server');
  if (!binary) throw new Error('nats-server is not on PATH (apt-get install nats-server)');
  const dir = mkdtempSync(join(tmpdir(), 'lz-nats-'));
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js')];
  if (options.config) {
    writeFileSync(join(dir, 'nats.conf'), options.config);
    args.unshift('-c', join(dir, 'nats.conf'));
  } else if (options.configFile) {
    args.unshift('-c', options.configFile);
  }
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const deadline = Date.now() + 10_000;
  while (!(await tcpAnswers('127.0.0.1', port, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nats-server did not start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
