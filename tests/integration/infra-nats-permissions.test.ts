/**
 * The NATS permission matrix, proven against a real nats-server that loads infra/nats/nats.conf
 * (and the accounts.conf it includes), with the real @nats-io clients.
 *
 * Permission violations reach the client asynchronously (a `-ERR` the client turns into a
 * status event), and the server answers a PING only after it has handled everything sent
 * before it: so "publish, flush, look at the status events" tells allowed from denied without
 * sleeping.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, nanos, PermissionViolationError, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { assertTools, checkTools, which } from '@lazaret/testing';
import { ALL_EVENTS, ALL_REQUESTS, BACKEND_SERVICES, STREAMS, type StreamName } from '@lazaret/contracts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tools = checkTools('nats-server');

interface ConsumerSpec {
  stream: string;
  durable: string;
  filter: string | null;
  deliver?: string;
}
interface Identity {
  user: string;
  kind: 'service' | 'agent';
  passwordEnv: string;
  inboxPrefix: string;
  publish: string[];
  subscribe: string[];
  allowResponses: boolean;
  streams: string[];
  consumers: ConsumerSpec[];
  provisions: ConsumerSpec[];
}
interface Expanded {
  account: string;
  system: { account: string; user: string };
  streams: Record<string, string[]>;
  identities: Identity[];
}

const matrix = JSON.parse(
  execFileSync(process.execPath, [join(repo, 'infra/nats/generate.mjs'), '--json'], { encoding: 'utf8' }),
) as Expanded;
const identity = (user: string): Identity => {
  const found = matrix.identities.find((i) => i.user === user);
  if (!found) throw new Error(`no identity ${user} in permissions.json`);
  return found;
};
const services = matrix.identities.filter((i) => i.kind === 'service').map((i) => i.user);
const agents = matrix.identities.filter((i) => i.kind === 'agent').map((i) => i.user);

/** NATS subset semantics, as the server applies them to allow-lists (wildcards in `subject` are tokens too). */
function covers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
/** True when some subject is matched by both patterns. */
function overlaps(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return i < x.length && i < y.length;
    if (i >= x.length || i >= y.length) return false;
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false;
  }
  return true;
}
const concrete = (pattern: string): string => pattern.replace(/\*/g, 'probe').replace(/>$/, 'probe.x');

const passwords: Record<string, string> = Object.fromEntries(
  [...matrix.identities.map((i) => i.user), matrix.system.user].map((u) => [u, `pw${randomBytes(18).toString('hex')}`]),
);
const passwordEnv = (user: string): string => `LAZARET_NATS_PASSWORD_${user.toUpperCase().replace(/-/g, '_')}`;

class Client {
  readonly violations: Array<{ operation: string; subject: string }> = [];
  readonly js: JetStreamClient;
  jsm!: JetStreamManager;

  constructor(
    readonly id: Identity,
    readonly nc: NatsConnection,
  ) {
    this.js = jetstream(nc, { timeout: 3000 });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'error' && s.error instanceof PermissionViolationError) {
          this.violations.push({ operation: s.error.operation, subject: s.error.subject });
        }
      }
    })();
  }

  /** Everything sent before has been handled by the server and its answers processed here. */
  async settle(): Promise<void> {
    await this.nc.flush();
    await new Promise((r) => setImmediate(r));
  }

  /** Violations reported after `mark` (a `violations.length` taken earlier). */
  since(mark: number): Array<{ operation: string; subject: string }> {
    return this.violations.slice(mark);
  }

  private deniedSince(mark: number, operation: string, subject: string): boolean {
    return this.violations.slice(mark).some((v) => v.operation === operation && v.subject === subject);
  }

  async canPublish(subject: string, payload = ''): Promise<boolean> {
    const mark = this.violations.length;
    this.nc.publish(subject, payload);
    await this.settle();
    return !this.deniedSince(mark, 'publish', subject);
  }

  async canSubscribe(subject: string, queue?: string): Promise<boolean> {
    const mark = this.violations.length;
    const sub = this.nc.subscribe(subject, queue ? { queue } : {});
    await this.settle();
    const denied = this.deniedSince(mark, 'subscription', subject);
    if (!denied) sub.unsubscribe();
    return !denied;
  }
}

let server: ChildProcess | undefined;
let serverLog = '';
let storeDir = '';
let port = 0;
const clients = new Map<string, Client>();
const c = (user: string): Client => {
  const found = clients.get(user);
  if (!found) throw new Error(`no client for ${user}`);
  return found;
};

async function sparePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port: p } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return p;
}

async function startServer(): Promise<void> {
  storeDir = mkdtempSync(join(tmpdir(), 'lazaret-infra-nats-'));
  port = await sparePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [user, pw] of Object.entries(passwords)) env[passwordEnv(user)] = pw;
  const bin = which('nats-server') ?? 'nats-server';
  const args = ['-c', join(repo, 'infra/nats/nats.conf'), '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir];
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = proc;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server not ready after 15 s:\n${serverLog}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      serverLog += chunk.toString();
      if (serverLog.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${serverLog}`));
    });
  });
}

async function stopServer(): Promise<void> {
  const proc = server;
  if (proc && proc.exitCode === null && proc.pid !== undefined) {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    process.kill(proc.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
  }
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
}

async function open(user: string): Promise<Client> {
  const id = identity(user);
  const nc = await connect({
    servers: `127.0.0.1:${port}`,
    user,
    pass: passwords[user],
    inboxPrefix: id.inboxPrefix,
    name: `infra-test-${user}`,
    maxReconnectAttempts: 0,
  });
  const client = new Client(id, nc);
  // jetstreamManager() asks $JS.API.INFO first: every identity needs it.
  client.jsm = await jetstreamManager(nc, { timeout: 3000 });
  return client;
}

function streamConfig(name: string): Partial<StreamConfig> & { name: string } {
  const def = STREAMS[name as StreamName];
  return {
    name,
    subjects: matrix.streams[name],
    storage: StorageType.File,
    num_replicas: 1,
    max_age: nanos(def.maxAgeSeconds * 1000),
    // Small on purpose: the server reserves max_bytes against its storage.
    max_bytes: 64 * 1024 * 1024,
    duplicate_window: nanos(def.duplicateWindowSeconds * 1000),
  };
}

/** Add-or-verify, the way each service declares a stream at start-up. */
async function declareStream(client: Client, name: string): Promise<'created' | 'updated'> {
  try {
    await client.jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
      await client.jsm.streams.add(streamConfig(name));
      return 'created';
    }
    throw err;
  }
  await client.jsm.streams.update(name, streamConfig(name));
  return 'updated';
}

/** Pulls until the message with this payload shows up; acks (with confirmation) everything it read. */
async function receive(client: Client, stream: string, durable: string, payload: string): Promise<JsMsg> {
  const consumer = await client.js.consumers.get(stream, durable);
  const seen: string[] = [];
  for (;;) {
    const m = await consumer.next({ expires: 2000 });
    if (!m) throw new Error(`${client.id.user} never received ${payload} from ${stream}/${durable}; saw ${JSON.stringify(seen)}`);
    expect(await m.ackAck()).toBe(true);
    if (m.string() === payload) return m;
    seen.push(m.string());
  }
}

const token = (): string => randomBytes(6).toString('hex');

describe.skipIf(tools.skip)('infra/nats: least-privilege permissions on a real nats-server', () => {
  beforeAll(async () => {
    assertTools('nats-server');
    await startServer();
    for (const id of matrix.identities) clients.set(id.user, await open(id.user));
  });

  afterAll(async () => {
    for (const client of clients.values()) await client.nc.close().catch(() => undefined);
    await stopServer();
  });

  it('generated files are up to date with permissions.json', () => {
    // Throws (exit 1) and names the stale file when someone edited the matrix but not the output.
    execFileSync(process.execPath, [join(repo, 'infra/nats/generate.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('agrees with libs/contracts: streams, request owners and event subjects', () => {
    expect(Object.keys(matrix.streams).sort()).toEqual(Object.keys(STREAMS).sort());
    for (const [name, def] of Object.entries(STREAMS)) expect(matrix.streams[name], name).toEqual(def.subjects);

    const gateway = identity('gateway');
    for (const req of ALL_REQUESTS) {
      expect(gateway.publish.some((p) => covers(p, req.subject)), `gateway may call ${req.subject}`).toBe(true);
      const answerers = matrix.identities.filter((i) => i.subscribe.some((p) => covers(p, req.subject))).map((i) => i.user);
      expect(answerers, `only ${req.service} answers ${req.subject}`).toEqual([req.service]);
      expect(identity(req.service).allowResponses).toBe(true);
    }
    for (const svc of BACKEND_SERVICES) expect(identity(svc).allowResponses, svc).toBe(true);

    for (const ev of ALL_EVENTS) {
      const inStream = matrix.streams[ev.stream].some((p) => covers(p, ev.subject));
      expect(inStream, `${ev.subject} is stored by ${ev.stream}`).toBe(true);
      const publishers = matrix.identities.filter((i) => i.publish.some((p) => overlaps(p, ev.subject)));
      expect(publishers.length, `someone may publish ${ev.subject}`).toBeGreaterThan(0);
    }
    // Every service may publish its own audit records and no one else's.
    for (const svc of services) {
      for (const other of services) {
        const allowed = identity(svc).publish.some((p) => covers(p, `lazaret.audit.${other}.probe.v1`));
        expect(allowed, `${svc} publishing an audit record as ${other}`).toBe(svc === other);
      }
    }
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect({ servers: `127.0.0.1:${port}`, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization/i);
    await expect(
      connect({ servers: `127.0.0.1:${port}`, user: 'gateway', pass: passwords['agent-demo'], maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization/i);
    await expect(
      connect({ servers: `127.0.0.1:${port}`, user: 'agent-victim', pass: passwords['agent-demo'], maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization/i);
  });

  it('each service declares (add-or-verify) its streams, and only those', async () => {
    const seen = new Map<string, string[]>();
    for (const svc of services) {
      const mark = c(svc).violations.length;
      for (const stream of identity(svc).streams) {
        const outcome = await declareStream(c(svc), stream);
        seen.set(stream, [...(seen.get(stream) ?? []), `${svc}:${outcome}`]);
        expect((await c(svc).jsm.streams.info(stream)).config.subjects).toEqual(matrix.streams[stream]);
      }
      expect(c(svc).since(mark), svc).toEqual([]);
    }
    // The first declarer created each stream, the others verified it.
    for (const stream of Object.keys(matrix.streams)) {
      const outcomes = seen.get(stream) ?? [];
      expect(outcomes.length, `${stream} is declared by someone`).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.endsWith(':created')).length, stream).toBe(1);
    }

    for (const id of matrix.identities) {
      const client = c(id.user);
      for (const stream of Object.keys(matrix.streams)) {
        const declares = id.streams.includes(stream);
        for (const op of ['INFO', 'CREATE', 'UPDATE']) {
          expect(await client.canPublish(`$JS.API.STREAM.${op}.${stream}`), `${id.user} ${op} ${stream}`).toBe(declares);
        }
        // Nobody, not even a declarer, can destroy or read around consumers.
        for (const op of ['DELETE', 'PURGE', 'MSG.GET', 'MSG.DELETE', 'SNAPSHOT', 'RESTORE']) {
          expect(await client.canPublish(`$JS.API.STREAM.${op}.${stream}`), `${id.user} ${op} ${stream}`).toBe(false);
        }
        expect(await client.canPublish(`$JS.API.DIRECT.GET.${stream}`), `${id.user} DIRECT.GET ${stream}`).toBe(false);
      }
      for (const subject of ['$JS.API.STREAM.NAMES', '$JS.API.STREAM.LIST', '$JS.API.STREAM.CREATE.ROGUE', '$JS.API.>']) {
        expect(await client.canPublish(subject), `${id.user} ${subject}`).toBe(false);
      }
    }
  });

  it('each service creates its own durable consumers and no other', async () => {
    for (const svc of services) {
      const mark = c(svc).violations.length;
      for (const cons of identity(svc).consumers) {
        const info = await c(svc).jsm.consumers.add(cons.stream, {
          durable_name: cons.durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ...(cons.filter ? { filter_subject: cons.filter } : {}),
        });
        expect(info.name).toBe(cons.durable);
        // Re-declaring (add-or-verify on the next start) is allowed too.
        await c(svc).jsm.consumers.add(cons.stream, { durable_name: cons.durable, ack_policy: AckPolicy.Explicit, ...(cons.filter ? { filter_subject: cons.filter } : {}) });
        expect((await c(svc).jsm.consumers.info(cons.stream, cons.durable)).config.filter_subject || null).toBe(cons.filter);
      }
      expect(c(svc).since(mark), svc).toEqual([]);
    }

    const denied: Array<[string, string]> = [
      // Another name, another service's durable, an ephemeral, the legacy durable API.
      ['scanning', '$JS.API.CONSUMER.CREATE.IMAGES.scanning-rogue.lazaret.image.submitted.v1'],
      ['scanning', '$JS.API.CONSUMER.CREATE.RUNTIME.correlation-runtime-events'],
      ['scanning', '$JS.API.CONSUMER.CREATE.IMAGES'],
      ['scanning', '$JS.API.CONSUMER.DURABLE.CREATE.IMAGES.scanning-image-submitted'],
      // Its own durable with a wider filter than granted: all of RUNTIME instead of workload.observed.
      ['scanning', '$JS.API.CONSUMER.CREATE.RUNTIME.scanning-workload-observed'],
      ['scanning', '$JS.API.CONSUMER.CREATE.RUNTIME.scanning-workload-observed.lazaret.runtime.>'],
      ['quarantine', '$JS.API.CONSUMER.CREATE.AGENTS.quarantine-agent-acks.lazaret.agent.*.events'],
      ['quarantine', '$JS.API.CONSUMER.CREATE.COMMANDS.agent-demo'],
      ['quarantine', '$JS.API.CONSUMER.MSG.NEXT.COMMANDS.agent-demo'],
      ['correlation', '$JS.API.CONSUMER.MSG.NEXT.IMAGES.scanning-image-submitted'],
      ['correlation', '$JS.API.CONSUMER.INFO.IMAGES.scanning-image-submitted'],
      ['audit', '$JS.API.CONSUMER.DELETE.AUDIT.audit-records'],
      ['audit', '$JS.API.CONSUMER.CREATE.ALERTS.audit-records'],
      ['gateway', '$JS.API.CONSUMER.CREATE.ALERTS.gateway-alerts'],
      ['gateway', '$JS.API.CONSUMER.MSG.NEXT.AUDIT.audit-records'],
      ['ingest', '$JS.ACK.IMAGES.scanning-image-submitted.1.1.1.1.0'],
      ['ingest', '$JS.API.CONSUMER.NAMES.AGENTS'],
      ['ingest', '$JS.API.CONSUMER.LIST.AGENTS'],
    ];
    for (const [user, subject] of denied) expect(await c(user).canPublish(subject), `${user} → ${subject}`).toBe(false);
  });

  it('quarantine provisions each agent a push consumer pinned to its command subject', async () => {
    const mark = c('quarantine').violations.length;
    for (const agentUser of agents) {
      for (const cons of identity(agentUser).consumers) {
        const info = await c('quarantine').jsm.consumers.add(cons.stream, {
          durable_name: cons.durable,
          filter_subject: cons.filter ?? undefined,
          deliver_subject: cons.deliver,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          max_ack_pending: 100,
          ack_wait: nanos(30_000),
        });
        expect(info.config.deliver_subject).toBe(cons.deliver);
      }
    }
    expect(c('quarantine').since(mark)).toEqual([]);
    // The API subject pins the filter: quarantine cannot hand an agent consumer another stream's subjects.
    expect(await c('quarantine').canPublish('$JS.API.CONSUMER.CREATE.COMMANDS.agent-demo.lazaret.alert.raised.v1')).toBe(false);
  });

  it('only the declared callers call requests and only the owning service answers (one reply each)', async () => {
    const responders: Subscription[] = [];
    for (const svc of BACKEND_SERVICES) {
      const client = c(svc);
      responders.push(
        client.nc.subscribe(`lazaret.${svc}.health.v1`, {
          queue: svc,
          callback: (_err, msg) => {
            msg.respond(JSON.stringify({ service: svc, status: 'ok' }));
            // allow_responses grants exactly one reply per request.
            msg.respond('second reply');
          },
        }),
      );
      await client.settle();
    }
    for (const svc of BACKEND_SERVICES) {
      const mark = c(svc).violations.length;
      const reply = await c('gateway').nc.request(`lazaret.${svc}.health.v1`, '{}', { timeout: 3000 });
      expect(reply.json<{ service: string }>().service).toBe(svc);
      expect(reply.subject.startsWith('_INBOX.gateway.')).toBe(true);
      await c(svc).settle();
      const after = c(svc).since(mark);
      expect(after.length, `${svc}: only the second reply is refused`).toBe(1);
      expect(after[0]!.subject.startsWith('_INBOX.gateway.'), `${svc} second reply denied`).toBe(true);
    }
    for (const sub of responders) sub.unsubscribe();

    for (const svc of services) {
      for (const target of BACKEND_SERVICES) {
        const subject = `lazaret.${target}.health.v1`;
        // The gateway calls every backend; a backend only what permissions.json says it calls.
        const calls = svc === 'gateway' || identity(svc).publish.includes(`lazaret.${target}.*.*`);
        expect(await c(svc).canPublish(subject), `${svc} calls ${target}`).toBe(calls);
        expect(await c(svc).canSubscribe(subject, target), `${svc} answers for ${target}`).toBe(svc === target);
      }
      // Nobody answers by publishing into someone's inbox outright.
      expect(await c(svc).canPublish('_INBOX.gateway.abc'), `${svc} → _INBOX.gateway`).toBe(false);
    }
  });

  it('events flow between exactly the identities meant to exchange them', async () => {
    const marks = new Map([...clients].map(([user, client]) => [user, client.violations.length]));
    const t = token();
    const flows: Array<{ from: string; subject: string; to: Array<[string, string, string]> }> = [
      { from: 'agent-demo', subject: 'lazaret.agent.demo.events', to: [['ingest', 'AGENTS', 'ingest-agent-events']] },
      { from: 'agent-demo', subject: 'lazaret.agent.demo.acks', to: [['quarantine', 'AGENTS', 'quarantine-agent-acks']] },
      { from: 'ingest', subject: 'lazaret.image.submitted.v1', to: [['scanning', 'IMAGES', 'scanning-image-submitted']] },
      { from: 'ingest', subject: 'lazaret.runtime.event.v1', to: [['correlation', 'RUNTIME', 'correlation-runtime-events']] },
      { from: 'correlation', subject: 'lazaret.workload.observed.v1', to: [['scanning', 'RUNTIME', 'scanning-workload-observed']] },
      { from: 'correlation', subject: 'lazaret.alert.raised.v1', to: [['quarantine', 'ALERTS', 'quarantine-alerts']] },
      ...services.map((svc) => ({
        from: svc,
        subject: `lazaret.audit.${svc}.probe-action.v1`,
        to: [
          ['audit', 'AUDIT', 'audit-records'],
          ['correlation', 'AUDIT', 'correlation-audit-records'],
        ] as Array<[string, string, string]>,
      })),
    ];
    // The gateway watches live alerts with a plain subscription.
    const live: string[] = [];
    const alertSub = c('gateway').nc.subscribe('lazaret.alert.>', { callback: (_e, m) => void live.push(m.string()) });
    await c('gateway').settle();

    for (const flow of flows) {
      const payload = `${flow.subject}:${t}`;
      const ack = await c(flow.from).js.publish(flow.subject, payload, { msgID: `${t}-${flow.subject}` });
      expect(ack.duplicate).toBe(false);
      for (const [user, stream, durable] of flow.to) {
        const msg = await receive(c(user), stream, durable, payload);
        expect(msg.subject).toBe(flow.subject);
      }
    }
    expect(live).toContain(`lazaret.alert.raised.v1:${t}`);
    alertSub.unsubscribe();

    // Scans and findings from scanning; dead letters from every consumer of a stream.
    for (const subject of ['lazaret.scan.completed.v1', 'lazaret.finding.new.v1']) {
      expect((await c('scanning').js.publish(subject, t)).stream).toBe('IMAGES');
    }
    for (const svc of services) {
      for (const stream of new Set(identity(svc).consumers.map((x) => x.stream))) {
        expect((await c(svc).js.publish(`lazaret.deadletter.${stream}`, t)).stream, `${svc} dead-letters ${stream}`).toBe('DEADLETTER');
      }
    }
    for (const [user, client] of clients) expect(client.since(marks.get(user) ?? 0), user).toEqual([]);
    // A dead letter names the stream it came from, and only a consumer of that stream sends one.
    for (const svc of services) {
      const consumed = new Set(identity(svc).consumers.map((x) => x.stream));
      for (const stream of Object.keys(matrix.streams)) {
        expect(await c(svc).canPublish(`lazaret.deadletter.${stream}`), `${svc} dead-letters ${stream}`).toBe(consumed.has(stream));
      }
    }
  });

  it('an agent publishes only as itself and reads only its own commands', async () => {
    const agent = c('agent-demo');
    const mark = agent.violations.length;
    const t = token();
    // Its own events and acks are stored; nothing it sends can pass as another agent's.
    expect((await agent.js.publish('lazaret.agent.demo.events', t)).stream).toBe('AGENTS');
    expect((await agent.js.publish('lazaret.agent.demo.acks', t)).stream).toBe('AGENTS');

    await c('quarantine').js.publish('lazaret.agent.victim.commands', `victim:${t}`);
    await c('quarantine').js.publish('lazaret.agent.demo.commands', `demo:${t}`);
    const consumer = await agent.js.consumers.getPushConsumer('COMMANDS', 'agent-demo');
    const messages = await consumer.consume();
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent received only ${JSON.stringify(got)}`)), 5000);
      void (async () => {
        for await (const m of messages) {
          got.push(`${m.subject} ${m.string()}`);
          expect(await m.ackAck()).toBe(true);
          if (m.string() === `demo:${t}`) break;
        }
        clearTimeout(timer);
        resolve();
      })().catch(reject);
    });
    await messages.close();
    expect(got).toContain(`lazaret.agent.demo.commands demo:${t}`);
    expect(got.some((g) => g.includes('victim'))).toBe(false);
    const info = await agent.jsm.consumers.info('COMMANDS', 'agent-demo');
    expect(info.num_ack_pending).toBe(0);
    expect(agent.since(mark)).toEqual([]);

    const deniedPublish = [
      'lazaret.agent.victim.events',
      'lazaret.agent.victim.acks',
      'lazaret.agent.demo.commands',
      'lazaret.agent.victim.commands',
      'lazaret.agent.demo.deliver',
      'lazaret.agent.victim.deliver',
      'lazaret.runtime.event.v1',
      'lazaret.alert.raised.v1',
      'lazaret.audit.agent.login.v1',
      'lazaret.ingest.health.v1',
      '$JS.API.STREAM.INFO.COMMANDS',
      '$JS.API.STREAM.CREATE.AGENTS',
      '$JS.API.STREAM.UPDATE.COMMANDS',
      // No pull at all: nats-server delivers a pull to whatever reply subject the puller names.
      '$JS.API.CONSUMER.MSG.NEXT.COMMANDS.agent-demo',
      '$JS.API.CONSUMER.MSG.NEXT.COMMANDS.agent-victim',
      // No consumer creation at all: the config could aim deliveries at any subject.
      '$JS.API.CONSUMER.CREATE.COMMANDS.agent-demo.lazaret.agent.demo.commands',
      '$JS.API.CONSUMER.CREATE.COMMANDS.agent-victim.lazaret.agent.victim.commands',
      '$JS.API.CONSUMER.CREATE.COMMANDS.agent-demo',
      '$JS.API.CONSUMER.CREATE.COMMANDS',
      '$JS.API.CONSUMER.DURABLE.CREATE.COMMANDS.agent-demo',
      '$JS.API.CONSUMER.DELETE.COMMANDS.agent-demo',
      '$JS.API.CONSUMER.INFO.COMMANDS.agent-victim',
      '$JS.ACK.COMMANDS.agent-victim.1.1.1.1.0',
      '_INBOX.quarantine.abc',
    ];
    for (const subject of deniedPublish) expect(await agent.canPublish(subject), `agent-demo → ${subject}`).toBe(false);
    const deniedSubscribe = [
      'lazaret.agent.victim.deliver',
      'lazaret.agent.*.deliver',
      'lazaret.agent.demo.commands',
      'lazaret.agent.victim.commands',
      'lazaret.agent.>',
      '_INBOX.>',
      '_INBOX.agent-victim.>',
      '_INBOX.quarantine.>',
      '>',
    ];
    for (const subject of deniedSubscribe) expect(await agent.canSubscribe(subject), `agent-demo subscribes ${subject}`).toBe(false);
  });

  it('scanning (or anyone but quarantine) cannot publish agent commands', async () => {
    for (const id of matrix.identities) {
      expect(await c(id.user).canPublish('lazaret.agent.demo.commands'), id.user).toBe(id.user === 'quarantine');
    }
  });

  it('no identity can read replies or deliveries meant for another', async () => {
    for (const id of matrix.identities) {
      expect(await c(id.user).canSubscribe(`${id.inboxPrefix}.>`), `${id.user} own inbox`).toBe(true);
      expect(await c(id.user).canSubscribe('_INBOX.>'), `${id.user} every inbox`).toBe(false);
      for (const other of matrix.identities.filter((o) => o.user !== id.user)) {
        expect(await c(id.user).canSubscribe(`${other.inboxPrefix}.>`), `${id.user} reads ${other.user}'s inbox`).toBe(false);
      }
    }
  });

  it('the server enforces exactly the generated allow-lists, nothing more', async () => {
    const extraPublish = [
      '>',
      'lazaret.x',
      '$SYS.REQ.SERVER.PING',
      '$JS.API.STREAM.DELETE.IMAGES',
      '$KV.bucket.key',
      '$O.bucket.C.x',
      ...Object.values(matrix.streams).flat().map(concrete),
      ...agents.map((a) => `lazaret.agent.${a.replace(/^agent-/, '')}.commands`),
    ];
    const publishProbes = [...new Set([...matrix.identities.flatMap((i) => i.publish.map(concrete)), ...extraPublish])];
    const subscribeProbes = [
      ...new Set([
        ...matrix.identities.flatMap((i) => i.subscribe),
        ...matrix.identities.flatMap((i) => i.subscribe.map(concrete)),
        '>',
        'lazaret.>',
        '_INBOX.>',
        '$JS.API.>',
        '$JS.EVENT.>',
        'lazaret.audit.>',
        'lazaret.agent.*.deliver',
        ...Object.values(matrix.streams).flat(),
      ]),
    ];
    const mismatches: string[] = [];
    for (const id of matrix.identities) {
      const client = c(id.user);
      for (const subject of publishProbes) {
        const expected = id.publish.some((p) => covers(p, subject));
        if ((await client.canPublish(subject)) !== expected) mismatches.push(`${id.user} publish ${subject}: expected ${expected}`);
      }
      for (const subject of subscribeProbes) {
        const expected = id.subscribe.some((p) => covers(p, subject));
        if ((await client.canSubscribe(subject)) !== expected) mismatches.push(`${id.user} subscribe ${subject}: expected ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(publishProbes.length).toBeGreaterThan(80);
  });
});
