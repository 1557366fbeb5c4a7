#!/usr/bin/env node
// Renders the NATS permission matrix (infra/nats/permissions.json) into the files nats-server
// loads and a readable table:
//   infra/nats/accounts.conf      included by infra/nats/nats.conf (single node)
//   infra/k8s/nats/accounts.conf  the same, for the cluster ConfigMap (kustomize cannot read
//                                 files outside its root)
//   infra/nats/PERMISSIONS.md     the expanded allow-lists, for reviewers
//
// Usage:
//   node infra/nats/generate.mjs            write the files
//   node infra/nats/generate.mjs --check    exit 1 if a file is out of date (CI)
//   node infra/nats/generate.mjs --json     print the expanded identities as JSON (tests)
//   node infra/nats/generate.mjs --agent ID print the user block for one more agent
//
// No dependencies: plain Node, so it runs before `npm ci`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Agent ids and service names become subject tokens: no dots, no wildcards, no spaces. */
const TOKEN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const STREAM = /^[A-Z][A-Z0-9_]{0,31}$/;

class MatrixError extends Error {}

function check(cond, message) {
  if (!cond) throw new MatrixError(`permissions.json: ${message}`);
}

export function loadMatrix(path = join(here, 'permissions.json')) {
  const matrix = JSON.parse(readFileSync(path, 'utf8'));
  validate(matrix);
  return matrix;
}

function validate(m) {
  check(typeof m.account === 'string' && STREAM.test(m.account), 'account must be an upper-case name');
  check(m.system && STREAM.test(m.system.account) && TOKEN.test(m.system.user), 'system needs account and user');
  const streams = Object.keys(m.streams ?? {});
  check(streams.length > 0, 'streams is empty');
  for (const s of streams) check(STREAM.test(s), `stream name ${s} is not upper-case`);
  const services = Object.keys(m.services ?? {});
  for (const name of services) {
    check(TOKEN.test(name), `service name ${name} is not a subject token`);
    const svc = m.services[name];
    for (const key of ['calls', 'publish', 'subscribe', 'streams', 'consumers']) {
      check(Array.isArray(svc[key]), `${name}.${key} must be an array`);
    }
    check(typeof svc.answers === 'boolean', `${name}.answers must be true or false`);
    for (const c of svc.calls) check(services.includes(c), `${name} calls unknown service ${c}`);
    for (const s of svc.streams) check(streams.includes(s), `${name} declares unknown stream ${s}`);
    for (const c of svc.consumers) {
      check(streams.includes(c.stream), `${name} consumes unknown stream ${c.stream}`);
      check(TOKEN.test(c.durable), `${name} durable ${c.durable} is not a valid name`);
      check(svc.streams.includes(c.stream), `${name} consumes ${c.stream} but does not declare it`);
    }
    for (const p of svc.provisions ?? []) {
      check(svc.streams.includes(p.stream), `${name} provisions consumers on ${p.stream} but does not declare it`);
      check(typeof p.filter === 'string' && p.filter.length > 0, `${name} provisions consumers without a pinned filter`);
    }
  }
  for (const c of m.agentTemplate?.consumers ?? []) {
    check(streams.includes(c.stream), `agentTemplate consumes unknown stream ${c.stream}`);
    if (c.deliver) {
      const sample = c.deliver.replaceAll('{id}', 'x');
      for (const [s, subjects] of Object.entries(m.streams)) {
        check(!subjects.some((p) => covers(p, sample)), `agent deliver subject ${c.deliver} falls into stream ${s} (a delivery cycle)`);
      }
    }
  }
  check(Array.isArray(m.agents), 'agents must be an array');
  for (const id of m.agents) check(TOKEN.test(id), `agent id ${JSON.stringify(id)} must match ${TOKEN}`);
  check(new Set(m.agents).size === m.agents.length, 'agent ids must be unique');
  for (const id of m.agents) check(!services.includes(`agent-${id}`), `agent-${id} collides with a service`);
}

/** True when every subject matched by `subject` is matched by `pattern` (NATS wildcards). */
export function covers(pattern, subject) {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

export function passwordEnv(user) {
  return `LAZARET_NATS_PASSWORD_${user.toUpperCase().replace(/-/g, '_')}`;
}

/** The inbox prefix a client must pass to `connect({ inboxPrefix })`: replies reach only it. */
export function inboxPrefix(user) {
  return `_INBOX.${user}`;
}

function createSubjects({ stream, durable, filter }) {
  // nats-server >= 2.9 takes the consumer name (and the filter, when there is one) in the API
  // subject, and refuses a request whose body disagrees with it: so a permission on the
  // subject pins the consumer's name and its filter. A null filter means the whole stream is
  // granted, so any filter (a subset of it) is allowed. The legacy
  // $JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable> (filter in the body only) is never granted.
  return filter === null
    ? [`$JS.API.CONSUMER.CREATE.${stream}.${durable}`, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`]
    : [`$JS.API.CONSUMER.CREATE.${stream}.${durable}.${filter}`];
}

function consumerSubjects(c) {
  if (c.deliver) {
    // A push consumer provisioned by another identity: read its info, receive on its deliver
    // subject, ack. No create (its config could aim deliveries anywhere) and no pull (a pull
    // request's reply subject is where the server delivers, and it is not permission-checked).
    return [`$JS.API.CONSUMER.INFO.${c.stream}.${c.durable}`, `$JS.ACK.${c.stream}.${c.durable}.>`];
  }
  return [
    ...createSubjects(c),
    `$JS.API.CONSUMER.INFO.${c.stream}.${c.durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.${c.stream}.${c.durable}`,
    `$JS.ACK.${c.stream}.${c.durable}.>`,
  ];
}

/** Consumers a service creates for others (quarantine: each agent's command consumer). */
function provisionSubjects(p) {
  return [...createSubjects(p), `$JS.API.CONSUMER.INFO.${p.stream}.${p.durable}`];
}

function identity(user, kind, spec) {
  const publish = ['$JS.API.INFO'];
  for (const s of spec.streams) {
    publish.push(`$JS.API.STREAM.INFO.${s}`, `$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.UPDATE.${s}`);
  }
  for (const c of spec.consumers) publish.push(...consumerSubjects(c));
  for (const p of spec.provisions ?? []) publish.push(...provisionSubjects(p));
  // Any major version of the owner's requests (v1 and v2 run side by side): four tokens, never an audit record (five).
  for (const svc of spec.calls) publish.push(`lazaret.${svc}.*.*`);
  publish.push(...spec.publish);
  const subscribe = [`${inboxPrefix(user)}.>`];
  if (spec.answers) subscribe.push(`lazaret.${user}.*.*`);
  for (const c of spec.consumers) if (c.deliver) subscribe.push(c.deliver);
  subscribe.push(...spec.subscribe);
  return {
    user,
    kind,
    passwordEnv: passwordEnv(user),
    inboxPrefix: inboxPrefix(user),
    publish: [...new Set(publish)],
    subscribe: [...new Set(subscribe)],
    allowResponses: spec.answers,
    streams: spec.streams,
    consumers: spec.consumers,
    provisions: spec.provisions ?? [],
  };
}

export function agentSpec(matrix, id) {
  check(TOKEN.test(id), `agent id ${JSON.stringify(id)} must match ${TOKEN}`);
  const fill = (s) => s.replaceAll('{id}', id);
  const t = matrix.agentTemplate;
  return {
    calls: [],
    answers: false,
    publish: t.publish.map(fill),
    subscribe: t.subscribe.map(fill),
    streams: [],
    consumers: t.consumers.map((c) => ({
      ...c,
      durable: fill(c.durable),
      filter: c.filter === null ? null : fill(c.filter),
      ...(c.deliver ? { deliver: fill(c.deliver) } : {}),
    })),
  };
}

export function expand(matrix) {
  const services = Object.entries(matrix.services).map(([name, spec]) => identity(name, 'service', spec));
  const agents = matrix.agents.map((id) => identity(`agent-${id}`, 'agent', agentSpec(matrix, id)));
  return [...services, ...agents];
}

const q = (s) => JSON.stringify(s);

function renderUser(id, indent) {
  const pad = ' '.repeat(indent);
  const list = (items) => items.map((s) => `${pad}        ${q(s)}`).join('\n');
  const lines = [
    `${pad}{`,
    `${pad}  user: ${q(id.user)}`,
    `${pad}  password: $${id.passwordEnv}`,
    `${pad}  permissions: {`,
    `${pad}    publish: {`,
    `${pad}      allow: [`,
    list(id.publish),
    `${pad}      ]`,
    `${pad}    }`,
    `${pad}    subscribe: {`,
    `${pad}      allow: [`,
    list(id.subscribe),
    `${pad}      ]`,
    `${pad}    }`,
  ];
  if (id.allowResponses) lines.push(`${pad}    # replies to requests it received (one each), without a publish grant on _INBOX`, `${pad}    allow_responses: true`);
  lines.push(`${pad}  }`, `${pad}}`);
  return lines.join('\n');
}

export function renderAccounts(matrix) {
  const ids = expand(matrix);
  return `# GENERATED by infra/nats/generate.mjs from infra/nats/permissions.json. Do not edit by hand:
# edit permissions.json, run \`node infra/nats/generate.mjs\`, then reload nats-server.
#
# One account for the platform, one user per service and per agent. Everything not allowed is
# denied. Passwords come from the environment (nats-server refuses to start when one is unset);
# a variable may hold a bcrypt hash instead of the plain password (see infra/nats/README.md).
# Each client must connect with inboxPrefix "_INBOX.<user>": it may subscribe to nothing else
# under _INBOX, so it can never read another identity's replies or pull deliveries.

accounts {
  ${matrix.account} {
    jetstream: enabled
    users: [
${ids.map((id) => renderUser(id, 6)).join('\n')}
    ]
  }
  ${matrix.system.account} {
    users: [
      { user: ${q(matrix.system.user)}, password: $${passwordEnv(matrix.system.user)} }
    ]
  }
}

system_account: ${matrix.system.account}
`;
}

export function renderMarkdown(matrix) {
  const ids = expand(matrix);
  const out = [
    '<!-- GENERATED by infra/nats/generate.mjs from permissions.json. Do not edit by hand. -->',
    '# NATS permissions (expanded)',
    '',
    `Account \`${matrix.account}\`. Each identity connects with its user name, the password from`,
    'the environment variable shown, and `inboxPrefix` set to its own prefix. Anything not listed',
    'is denied.',
    '',
  ];
  for (const id of ids) {
    out.push(`## \`${id.user}\` (${id.kind})`, '');
    out.push(`- password: \`$${id.passwordEnv}\`; inbox prefix: \`${id.inboxPrefix}\`; allow_responses: ${id.allowResponses ? 'yes (max 1 reply per request)' : 'no'}`);
    out.push(`- declares streams: ${id.streams.length ? id.streams.map((s) => `\`${s}\``).join(', ') : 'none'}`);
    const describe = (c) =>
      `\`${c.stream}/${c.durable}\` (filter ${c.filter === null ? 'any' : `\`${c.filter}\``}${c.deliver ? `; push, delivered to \`${c.deliver}\`, provisioned by quarantine` : ''})`;
    out.push(`- durable consumers it reads: ${id.consumers.length ? id.consumers.map(describe).join(', ') : 'none'}`);
    if (id.provisions.length) out.push(`- creates consumers for others: ${id.provisions.map(describe).join(', ')}`);
    out.push('', '| publish allow | subscribe allow |', '| --- | --- |');
    const n = Math.max(id.publish.length, id.subscribe.length);
    for (let i = 0; i < n; i++) {
      const p = id.publish[i] ? `\`${id.publish[i]}\`` : '';
      const s = id.subscribe[i] ? `\`${id.subscribe[i]}\`` : '';
      out.push(`| ${p} | ${s} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function outputs(matrix) {
  const accounts = renderAccounts(matrix);
  return new Map([
    [join(here, 'accounts.conf'), accounts],
    [join(root, 'infra', 'k8s', 'nats', 'accounts.conf'), accounts],
    [join(here, 'PERMISSIONS.md'), renderMarkdown(matrix)],
  ]);
}

function main(argv) {
  const matrix = loadMatrix();
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ account: matrix.account, system: matrix.system, streams: matrix.streams, identities: expand(matrix) }, null, 2) + '\n');
    return 0;
  }
  const agentAt = argv.indexOf('--agent');
  if (agentAt !== -1) {
    const id = argv[agentAt + 1] ?? '';
    process.stdout.write(renderUser(identity(`agent-${id}`, 'agent', agentSpec(matrix, id)), 6) + '\n');
    return 0;
  }
  const checkOnly = argv.includes('--check');
  let stale = 0;
  for (const [path, text] of outputs(matrix)) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = null;
    }
    if (current === text) continue;
    if (checkOnly) {
      process.stderr.write(`out of date: ${relative(root, path)} (run node infra/nats/generate.mjs)\n`);
      stale++;
    } else {
      writeFileSync(path, text);
      process.stdout.write(`wrote ${relative(root, path)}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    if (err instanceof MatrixError || err instanceof SyntaxError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else {
      throw err;
    }
  }
}
