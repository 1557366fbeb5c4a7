/**
 * Static checks of the container and Kubernetes deployment files (no Docker engine, no cluster
 * here): docker-compose.yml is resolved by Debian's docker-compose 1.29 (`config` works without
 * an engine), the Dockerfiles are read instruction by instruction, the Kubernetes YAML is parsed
 * and its NATS cluster configuration is checked by nats-server itself (`-t`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { assertTools, checkTools, which } from '@lazaret/testing';
import { DEFAULT_OPS_PORTS } from '@lazaret/contracts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tools = checkTools('docker-compose', 'nats-server');

type Dict = Record<string, unknown>;
const asDict = (v: unknown, what: string): Dict => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} is not a mapping`);
  return v as Dict;
};
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface ServiceSpec {
  kind: 'server' | 'agent' | 'cli';
  port?: number;
  portEnv?: string;
}
interface Identity {
  user: string;
  passwordEnv: string;
  inboxPrefix: string;
}

const node = (script: string, ...args: string[]): string => execFileSync(process.execPath, [join(repo, script), ...args], { encoding: 'utf8' });
const dockerServices = JSON.parse(node('infra/docker/generate.mjs', '--json')) as Record<string, ServiceSpec>;
const natsMatrix = JSON.parse(node('infra/nats/generate.mjs', '--json')) as { identities: Identity[] };
const serverNames = Object.entries(dockerServices)
  .filter(([, s]) => s.kind === 'server')
  .map(([n]) => n);
const portOf = (name: string): number => dockerServices[name]!.port!;

/** One value per required variable, all different, so the resolved file shows which went where. */
const secrets: Record<string, string> = {
  POSTGRES_PASSWORD: `pg${randomBytes(8).toString('hex')}`,
  LAZARET_ADMIN_KEY: `admin${randomBytes(8).toString('hex')}`,
  LAZARET_KEK: randomBytes(32).toString('base64'),
  ...Object.fromEntries(
    [...natsMatrix.identities.map((i) => i.passwordEnv), 'LAZARET_NATS_PASSWORD_SYS'].map((v) => [v, `pw${randomBytes(8).toString('hex')}`]),
  ),
};
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: tmpdir(), ...extra });

function compose(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(which('docker-compose') ?? 'docker-compose', ['-f', join(repo, 'docker-compose.yml'), ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Dockerfile as (instruction, arguments) pairs, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const out: Array<{ op: string; args: string }> = [];
  let buffer = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!buffer && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      buffer += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (buffer + line).trim();
    buffer = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m) out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

function stages(text: string): Array<Array<{ op: string; args: string }>> {
  const result: Array<Array<{ op: string; args: string }>> = [];
  for (const ins of instructions(text)) {
    if (ins.op === 'FROM') result.push([]);
    if (result.length) result[result.length - 1]!.push(ins);
  }
  return result;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

function k8sDocs(): Dict[] {
  return yamlFiles(join(repo, 'infra/k8s')).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
      if (doc.errors.length) throw new Error(`${relative(repo, file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return asDict(doc.toJS(), relative(repo, file));
    }),
  );
}

describe.skipIf(tools.skip)('docker-compose.yml (resolved by docker-compose 1.29, no engine)', () => {
  let resolved: Dict;
  let services: Dict;
  const svc = (name: string): Dict => asDict(services[name], `service ${name}`);

  beforeAll(() => {
    assertTools('docker-compose', 'nats-server');
    const r = compose(['config'], cleanEnv(secrets));
    if (r.status !== 0) throw new Error(`docker-compose config failed: ${r.stderr}`);
    resolved = asDict(parse(r.stdout), 'docker-compose config output');
    services = asDict(resolved.services, 'services');
  });

  it('validates with every secret set, and refuses to resolve when one is missing', () => {
    expect(compose(['config', '-q'], cleanEnv(secrets)).status).toBe(0);
    for (const missing of ['POSTGRES_PASSWORD', 'LAZARET_KEK', 'LAZARET_ADMIN_KEY', 'LAZARET_NATS_PASSWORD_SCANNING', 'LAZARET_NATS_PASSWORD_SYS']) {
      const env = { ...secrets };
      delete env[missing];
      const r = compose(['config', '-q'], cleanEnv(env));
      expect(r.status, `without ${missing}`).not.toBe(0);
      expect(r.stderr, `without ${missing}`).toContain(missing);
    }
  });

  it('infra/compose-secrets.mjs produces a complete, well-formed .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-env-'));
    try {
      const text = node('infra/compose-secrets.mjs');
      const file = join(dir, '.env');
      writeFileSync(file, text);
      const r = spawnSync(which('docker-compose') ?? 'docker-compose', ['--env-file', file, '-f', join(repo, 'docker-compose.yml'), 'config', '-q'], {
        cwd: repo,
        env: cleanEnv({}),
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const values = Object.fromEntries(text.split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(Object.keys(values).sort()).toEqual(Object.keys(secrets).sort());
      expect(Buffer.from(values.LAZARET_KEK!, 'base64').length).toBe(32);
      expect(values.LAZARET_ADMIN_KEY).toMatch(/^lzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      for (const [k, v] of Object.entries(values)) if (k.startsWith('LAZARET_NATS_PASSWORD_')) expect(v, k).toMatch(/^[a-z][0-9a-f]{40,}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has every service plus NATS, Postgres, the collector and Jaeger', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...Object.keys(dockerServices), 'nats', 'postgres', 'otel-collector', 'jaeger'].sort(),
    );
    for (const name of Object.keys(dockerServices)) {
      const build = asDict(svc(name).build, `${name}.build`);
      expect(build.dockerfile).toBe(`services/${name}/Dockerfile`);
      expect(existsSync(join(String(build.context), String(build.dockerfile))), name).toBe(true);
    }
    expect(asList(svc('agent').profiles)).toEqual(['agent']);
    expect(asList(svc('cli').profiles)).toEqual(['cli']);
  });

  it('hardens every container: read-only root, no-new-privileges, no capabilities it does not need', () => {
    for (const [name, raw] of Object.entries(services)) {
      const s = asDict(raw, name);
      expect(s.read_only, `${name} read_only`).toBe(true);
      expect(asList(s.security_opt), `${name} security_opt`).toContain('no-new-privileges:true');
      expect(asList(s.cap_drop), `${name} cap_drop`).toEqual(['ALL']);
      expect(s.privileged ?? false, `${name} privileged`).toBe(false);
    }
    // Non-root for every Lazaret process but the host agent (documented, capability-limited).
    for (const name of Object.keys(dockerServices)) {
      const user = String(svc(name).user ?? '');
      if (name === 'agent') {
        expect(user).toBe('0:0');
        expect(asList(svc('agent').cap_add).sort()).toEqual(['DAC_READ_SEARCH', 'KILL', 'NET_ADMIN', 'NET_RAW', 'SYS_ADMIN', 'SYS_PTRACE']);
        expect(svc('agent').pid).toBe('host');
      } else {
        expect(user, `${name} user`).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
        expect(svc(name).cap_add, `${name} cap_add`).toBeUndefined();
      }
    }
  });

  it('health-checks and orders start-up on health', () => {
    for (const name of ['nats', 'postgres', ...serverNames, 'agent']) {
      const hc = asDict(svc(name).healthcheck, `${name}.healthcheck`);
      expect(asList(hc.test).length, name).toBeGreaterThan(1);
    }
    for (const name of [...serverNames, 'agent']) {
      const test = asList(asDict(svc(name).healthcheck, name).test).join(' ');
      expect(test, name).toContain(`http://127.0.0.1:${portOf(name)}/healthz`);
      expect(svc(name).restart, name).toBe('unless-stopped');
    }
    for (const name of serverNames) {
      const deps = asDict(svc(name).depends_on, `${name}.depends_on`);
      expect(asDict(deps.nats, 'nats').condition, name).toBe('service_healthy');
      expect(asDict(deps.postgres, 'postgres').condition, name).toBe('service_healthy');
      expect(deps['otel-collector'], name).toBeDefined();
    }
    expect(asDict(asDict(svc('agent').depends_on, 'agent').nats, 'nats').condition).toBe('service_healthy');
  });

  it('wires each service to its own NATS identity, the database, secrets and OpenTelemetry', () => {
    for (const name of [...serverNames, 'agent']) {
      const env = asDict(svc(name).environment, `${name}.environment`);
      const id = natsMatrix.identities.find((i) => i.user === env.NATS_USER);
      expect(id, `${name} NATS_USER ${String(env.NATS_USER)}`).toBeDefined();
      expect(env.NATS_USER, name).toBe(name === 'agent' ? 'agent-demo' : name);
      expect(env.NATS_PASSWORD, `${name} gets its own password`).toBe(secrets[id!.passwordEnv]);
      expect(env.NATS_INBOX_PREFIX, name).toBe(id!.inboxPrefix);
      expect(env.NATS_URL, name).toBe('nats://nats:4222');
      expect(env.OTEL_SERVICE_NAME, name).toBe(name);
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://otel-collector:4318');
      expect(env.LAZARET_HOST, name).toBe('0.0.0.0');
      expect(String(env[dockerServices[name]!.portEnv!]), name).toBe(String(portOf(name)));
      expect('LAZARET_KEK' in env, `${name} LAZARET_KEK`).toBe(name === 'ingest' || name === 'signing');
      if ('LAZARET_KEK' in env) expect(env.LAZARET_KEK).toBe(secrets.LAZARET_KEK);
      expect('LAZARET_ADMIN_KEY' in env, `${name} LAZARET_ADMIN_KEY`).toBe(name === 'gateway');
      if (name !== 'agent') expect(env.DATABASE_URL, name).toBe(`postgres://lazaret:${secrets.POSTGRES_PASSWORD}@postgres:5432/lazaret`);
      else expect(env.DATABASE_URL).toBeUndefined();
    }
    expect(asDict(svc('gateway').environment, 'gateway').LAZARET_ADMIN_KEY).toBe(secrets.LAZARET_ADMIN_KEY);
    expect(asDict(svc('postgres').environment, 'postgres').POSTGRES_DB).toBe('lazaret');
    // Only the gateway (and, on loopback, NATS and Jaeger's UI) is published.
    const published = Object.entries(services)
      .filter(([, s]) => asList(asDict(s, 'service').ports).length > 0)
      .map(([n]) => n)
      .sort();
    expect(published).toEqual(['gateway', 'jaeger', 'nats']);
  });

  it('runs NATS with the least-privilege config and every password it names', () => {
    const nats = svc('nats');
    const command = asList(nats.command).map(String);
    expect(command.slice(command.indexOf('-c'), command.indexOf('-c') + 2)).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(command).toContain('-sd');
    expect(asList(nats.volumes)).toContain(`${join(repo, 'infra/nats')}:/etc/nats:ro`);
    const env = asDict(nats.environment, 'nats.environment');
    const named = [...readFileSync(join(repo, 'infra/nats/accounts.conf'), 'utf8').matchAll(/\$(LAZARET_NATS_PASSWORD_[A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(8);
    for (const v of named) expect(env[v], v).toBe(secrets[v]);
    expect(String(nats.image)).toMatch(/^nats:2\./);
  });

  it('sends traces through the collector to Jaeger over OTLP', () => {
    const cfg = asDict(parse(readFileSync(join(repo, 'infra/otel/collector.yaml'), 'utf8')), 'collector.yaml');
    const otlp = asDict(asDict(cfg.receivers, 'receivers').otlp, 'otlp');
    const protocols = asDict(otlp.protocols, 'protocols');
    expect(asDict(protocols.http, 'http').endpoint).toBe('0.0.0.0:4318');
    expect(asDict(protocols.grpc, 'grpc').endpoint).toBe('0.0.0.0:4317');
    const traces = asDict(asDict(asDict(cfg.service, 'service').pipelines, 'pipelines').traces, 'traces');
    expect(asList(traces.receivers)).toEqual(['otlp']);
    const exporters = asDict(cfg.exporters, 'exporters');
    for (const p of asList(traces.processors)) expect(asDict(cfg.processors, 'processors')[String(p)], String(p)).toBeDefined();
    const jaegerExporters = asList(traces.exporters).filter((e) => String(e).startsWith('otlp'));
    expect(jaegerExporters.length).toBe(1);
    expect(asDict(exporters[String(jaegerExporters[0])], 'exporter').endpoint).toBe('jaeger:4317');
    expect(asDict(svc('jaeger').environment, 'jaeger').COLLECTOR_OTLP_ENABLED).toBe('true');
    const collector = svc('otel-collector');
    expect(asList(collector.volumes)[0]).toBe(`${join(repo, 'infra/otel/collector.yaml')}:/etc/otelcol/collector.yaml:ro`);
    expect(asList(collector.command)).toContain('--config=/etc/otelcol/collector.yaml');
  });
});

describe('Dockerfiles', () => {
  it('are generated and up to date, one per service, with ports matching libs/contracts', () => {
    node('infra/docker/generate.mjs', '--check');
    expect(Object.keys(dockerServices).sort()).toEqual(['agent', 'audit', 'cli', 'correlation', 'gateway', 'ingest', 'quarantine', 'scanning', 'signing']);
    for (const [name, port] of Object.entries(DEFAULT_OPS_PORTS)) expect(portOf(name), name).toBe(port);
    expect(portOf('gateway')).toBe(8080);
  });

  for (const name of Object.keys(dockerServices)) {
    it(`services/${name}/Dockerfile: multi-stage, production deps only, runtime user and health check`, () => {
      const text = readFileSync(join(repo, 'services', name, 'Dockerfile'), 'utf8');
      const [build, runtime, ...rest] = stages(text);
      expect(rest).toEqual([]);
      expect(build![0]!.args).toMatch(/^node:20-bookworm-slim AS build$/);
      const runs = build!.filter((i) => i.op === 'RUN').map((i) => i.args);
      expect(runs.some((r) => r.includes('npm ci'))).toBe(true);
      expect(runs.some((r) => r.includes(`npx nx run @lazaret/${name}:build`))).toBe(true);
      expect(runs.some((r) => r.includes('npm prune --omit=dev') && r.includes(`infra/docker/stage.mjs ${name} /out`))).toBe(true);
      // The runtime stage takes the pruned node_modules and the staged dist trees, nothing else.
      const copies = runtime!.filter((i) => i.op === 'COPY').map((i) => i.args);
      expect(copies).toEqual(['--from=build /src/node_modules ./node_modules', '--from=build /out/ ./']);
      const users = runtime!.filter((i) => i.op === 'USER').map((i) => i.args);
      expect(users.length, 'one USER in the runtime stage').toBe(1);
      const entry = runtime!.find((i) => i.op === 'ENTRYPOINT')!.args;
      const health = runtime!.find((i) => i.op === 'HEALTHCHECK')!.args;
      const spec = dockerServices[name]!;
      if (spec.kind === 'agent') {
        expect(users[0]).toBe('0:0');
        expect(text).toMatch(/runs as root on purpose/);
        const install = runtime!.find((i) => i.op === 'RUN')!.args;
        for (const pkg of ['nftables', 'iproute2', 'tcpdump', 'conntrack']) expect(install).toContain(pkg);
      } else {
        expect(users[0]).toBe('65532:65532');
        expect(runtime![0]!.args).toBe('gcr.io/distroless/nodejs20-debian12:nonroot');
      }
      if (spec.kind === 'cli') {
        expect(health).toBe('NONE');
        expect(JSON.parse(entry)).toEqual(['/nodejs/bin/node', '/app/services/cli/bin/lazaret.js']);
      } else {
        expect(health).toContain(`/healthz`);
        expect(health).toContain(`process.env.${spec.portEnv}||${spec.port}`);
        expect(runtime!.find((i) => i.op === 'EXPOSE')!.args).toBe(String(spec.port));
        expect(JSON.parse(entry)[1]).toBe(`/app/services/${name}/dist/main.js`);
        // The probe runs without a shell (exec form), with the image's own node.
        const probe = JSON.parse(health.replace(/^.*?CMD\s+/, '')) as string[];
        expect(probe[0]).toBe(JSON.parse(entry)[0]);
      }
    });
  }

  it('.dockerignore keeps build outputs, dependencies, git and secrets out of the context', () => {
    const lines = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const must of ['.git', '**/node_modules', '**/dist', '.env', '.env.*']) expect(lines, must).toContain(must);
    expect(lines).not.toContain('infra/docker');
  });

  describe('stage.mjs', () => {
    const out = mkdtempSync(join(tmpdir(), 'lazaret-stage-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));
    const built = (name: string): boolean => existsSync(join(repo, 'services', name, 'dist', 'main.js'));

    it.skipIf(!built('scanning') && process.env.CI !== 'true')('stages a service and the libraries it requires, and nothing else from the tree', () => {
      node('infra/docker/stage.mjs', 'scanning', join(out, 'scanning'));
      const root = join(out, 'scanning');
      expect(existsSync(join(root, 'package.json'))).toBe(true);
      expect(existsSync(join(root, 'services/scanning/dist/main.js'))).toBe(true);
      expect(existsSync(join(root, 'services/scanning/src'))).toBe(false);
      expect(readdirSync(join(root, 'services'))).toEqual(['scanning']);
      // Every @lazaret package a staged file requires is staged with its dist.
      const wanted = new Set<string>();
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir)) {
          const p = join(dir, e);
          if (statSync(p).isDirectory()) walk(p);
          else if (p.endsWith('.js')) for (const m of readFileSync(p, 'utf8').matchAll(/require\("@lazaret\/([a-z-]+)"\)/g)) wanted.add(m[1]!);
        }
      };
      walk(root);
      expect(wanted.size).toBeGreaterThan(0);
      for (const lib of wanted) {
        const pkg = JSON.parse(readFileSync(join(root, 'libs', lib, 'package.json'), 'utf8')) as { main: string };
        expect(existsSync(join(root, 'libs', lib, pkg.main)), `${lib} ${pkg.main}`).toBe(true);
      }
    });

    it.skipIf(!built('cli') && process.env.CI !== 'true')('stages the CLI launcher under bin/', () => {
      node('infra/docker/stage.mjs', 'cli', join(out, 'cli'));
      expect(existsSync(join(out, 'cli/services/cli/bin/lazaret.js'))).toBe(true);
    });

    it('refuses an unknown or unbuilt service with a clear message', () => {
      const r = spawnSync(process.execPath, [join(repo, 'infra/docker/stage.mjs'), 'no-such-service', join(out, 'x')], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('no services/no-such-service/package.json');
    });
  });
});

describe('infra/k8s', () => {
  const docs = k8sDocs();
  const ofKind = (kind: string): Dict[] => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string): Dict => {
    const found = ofKind(kind).find((d) => asDict(d.metadata, 'metadata').name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const podSpec = (workload: Dict): Dict => asDict(asDict(asDict(workload.spec, 'spec').template, 'template').spec, 'pod spec');
  const container = (workload: Dict): Dict => asDict(asList(podSpec(workload).containers)[0], 'container');

  it('parses, and the generated files are up to date', () => {
    node('infra/k8s/generate.mjs', '--check');
    expect(docs.length).toBeGreaterThan(20);
    for (const d of docs) {
      expect(typeof d.kind, JSON.stringify(d.metadata)).toBe('string');
      if (d.kind !== 'Kustomization') expect(typeof asDict(d.metadata, 'metadata').name).toBe('string');
    }
  });

  it('kustomization lists files that exist and covers every workload file', () => {
    const k = asDict(parse(readFileSync(join(repo, 'infra/k8s/kustomization.yaml'), 'utf8')), 'kustomization');
    const resources = asList(k.resources).map(String);
    for (const r of resources) expect(existsSync(join(repo, 'infra/k8s', r)), r).toBe(true);
    for (const s of serverNames) expect(resources, s).toContain(`services/${s}.yaml`);
    const gen = asDict(asList(k.configMapGenerator)[0], 'configMapGenerator');
    for (const f of asList(gen.files).map(String)) expect(existsSync(join(repo, 'infra/k8s', f)), f).toBe(true);
    expect(readFileSync(join(repo, 'infra/k8s/nats/accounts.conf'), 'utf8')).toBe(readFileSync(join(repo, 'infra/nats/accounts.conf'), 'utf8'));
  });

  it('namespaces: restricted for the platform, privileged only for the agent', () => {
    const labels = (ns: string): Dict => asDict(asDict(named('Namespace', ns).metadata, 'metadata').labels, 'labels');
    expect(labels('lazaret')['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(labels('lazaret-agent')['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  for (const name of serverNames) {
    it(`${name}: stateless Deployment (2 replicas), probes, locked-down container, its own NATS identity`, () => {
      const deployment = named('Deployment', name);
      expect(asDict(deployment.metadata, 'metadata').namespace).toBe('lazaret');
      expect(asDict(deployment.spec, 'spec').replicas).toBe(2);
      const pod = podSpec(deployment);
      expect(pod.automountServiceAccountToken).toBe(false);
      const podSec = asDict(pod.securityContext, 'pod securityContext');
      expect(podSec.runAsNonRoot).toBe(true);
      expect(asDict(podSec.seccompProfile, 'seccomp').type).toBe('RuntimeDefault');
      const c = container(deployment);
      const sec = asDict(c.securityContext, 'securityContext');
      expect(sec.readOnlyRootFilesystem).toBe(true);
      expect(sec.allowPrivilegeEscalation).toBe(false);
      expect(sec.runAsNonRoot).toBe(true);
      expect(asDict(sec.capabilities, 'capabilities').drop).toEqual(['ALL']);
      const port = asDict(asList(c.ports)[0], 'port');
      expect(port.containerPort).toBe(portOf(name));
      const probe = (kind: string): Dict => asDict(asDict(c[kind], kind).httpGet, `${kind}.httpGet`);
      expect(probe('livenessProbe').path).toBe('/healthz');
      expect(probe('readinessProbe').path).toBe('/readyz');
      expect(probe('livenessProbe').port).toBe(port.name);
      const env = Object.fromEntries(asList(c.env).map((e) => [String(asDict(e, 'env').name), asDict(e, 'env')]));
      expect(env.NATS_USER!.value).toBe(name);
      const id = natsMatrix.identities.find((i) => i.user === name)!;
      expect(env.NATS_INBOX_PREFIX!.value).toBe(id.inboxPrefix);
      const passwordRef = asDict(asDict(env.NATS_PASSWORD!.valueFrom, 'valueFrom').secretKeyRef, 'secretKeyRef');
      expect(passwordRef).toEqual({ name: 'lazaret-nats', key: id.passwordEnv });
      expect(env.OTEL_SERVICE_NAME!.value).toBe(name);
      expect('LAZARET_KEK' in env, `${name} KEK`).toBe(name === 'ingest' || name === 'signing');
      const service = named('Service', name);
      expect(asDict(asList(asDict(service.spec, 'spec').ports)[0], 'port').port).toBe(portOf(name));
      named('PodDisruptionBudget', name);
    });
  }

  it('NATS: 3-server JetStream cluster with file storage, routes to each server, config valid for nats-server', () => {
    const sts = named('StatefulSet', 'nats');
    const spec = asDict(sts.spec, 'spec');
    expect(spec.replicas).toBe(3);
    const claim = asDict(asList(spec.volumeClaimTemplates)[0], 'claim');
    expect(asDict(claim.metadata, 'metadata').name).toBe('data');
    const conf = readFileSync(join(repo, 'infra/k8s/nats/nats.conf'), 'utf8');
    const routes = [...conf.matchAll(/nats:\/\/(nats-\d)\.nats-headless\.lazaret\.svc\.cluster\.local:6222/g)].map((m) => m[1]);
    expect(routes).toEqual(['nats-0', 'nats-1', 'nats-2']);
    expect(conf).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data\/jetstream/);
    const mounts = asList(container(sts).volumeMounts).map((m) => asDict(m, 'mount'));
    expect(mounts.find((m) => m.name === 'data')!.mountPath).toBe('/data');
    if (!tools.skip) {
      const env = cleanEnv({ ...secrets, POD_NAME: 'nats-0' });
      const r = spawnSync(which('nats-server') ?? 'nats-server', ['-t', '-c', join(repo, 'infra/k8s/nats/nats.conf')], { env, encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
    }
  });

  it('agent: DaemonSet on the host namespaces, privileged, in the agent namespace', () => {
    const ds = named('DaemonSet', 'lazaret-agent');
    expect(asDict(ds.metadata, 'metadata').namespace).toBe('lazaret-agent');
    const pod = podSpec(ds);
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    const sec = asDict(container(ds).securityContext, 'securityContext');
    expect(sec.privileged).toBe(true);
    expect(asDict(sec.capabilities, 'capabilities').add).toEqual(expect.arrayContaining(['SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'SYS_PTRACE']));
  });

  it.skipIf(!which('kubectl'))('builds with kubectl kustomize (when kubectl is installed)', () => {
    const out = execFileSync(which('kubectl')!, ['kustomize', join(repo, 'infra/k8s')], { encoding: 'utf8' });
    const kinds = parseAllDocuments(out).map((d) => asDict(d.toJS(), 'doc').kind);
    expect(kinds.filter((k) => k === 'Deployment').length).toBe(serverNames.length);
    expect(kinds).toContain('ConfigMap');
  });
});
