#!/usr/bin/env node
// Signing through the platform: the real signing, audit and gateway services (built dist), a
// local docker-registry and NATS/Postgres from NATS_URL/DATABASE_URL (else 127.0.0.1 defaults).
// Measures verifications and signatures per second over HTTP against raw node:crypto in the same
// process, and Kubernetes admission decisions (cached) with p50/p99 latency.
//   npm run bench:sign-service [-- --seconds 5]
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const { mkdtempSync, writeFileSync, readdirSync, existsSync, rmSync } = require('node:fs');
const { tmpdir, homedir } = require('node:os');
const path = require('node:path');
const { startPlatform, createTestDatabase, startNatsServer, freePort, tcpAnswers } = require('@lazaret/testing');

const ROOT = path.join(__dirname, '..', '..', '..');
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
process.env.NATS_URL ??= 'nats://127.0.0.1:4222';
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

function busyboxLayout() {
  const base = path.join(process.env.LAZARET_FIXTURE_CACHE ?? path.join(homedir(), '.cache', 'lazaret-fixtures'), 'busybox');
  const dirs = existsSync(base) ? readdirSync(base).map((d) => path.join(base, d, 'oci')).filter(existsSync) : [];
  if (!dirs.length) throw new Error('build the busybox fixture first: npm test -- libs/scanner/test/image-sources');
  return dirs[0];
}

async function startRegistry() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lz-bench-registry-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await tcpAnswers('127.0.0.1', port, 200)); i++) await new Promise((r) => setTimeout(r, 50));
  return { host: `127.0.0.1:${port}`, stop: () => (child.kill('SIGTERM'), rmSync(dir, { recursive: true, force: true })) };
}

async function timed(fn, budgetMs) {
  const lat = [];
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const s = performance.now();
    await fn();
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { perSecond: lat.length / ((performance.now() - t0) / 1000), p50ms: Number(q(0.5).toFixed(2)), p99ms: Number(q(0.99).toFixed(2)) };
}

async function main() {
  const registry = await startRegistry();
  const nats = await startNatsServer();
  const db = await createTestDatabase('lzbench_sign');
  let platform;
  try {
    execFileSync('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', `oci:${busyboxLayout()}:latest`, `docker://${registry.host}/bench/app:1`]);
    platform = await startPlatform({ root: ROOT, natsUrl: nats.url, databaseUrl: db.url, services: ['signing', 'audit', 'gateway'], env: { LAZARET_LOG_LEVEL: 'warn', LAZARET_RATE_LIMIT_PER_MINUTE: '1000000' } });
    const call = async (method, p, body) => {
      const res = await fetch(`${platform.baseUrl}${p}`, { method, headers: { 'x-api-key': platform.adminKey, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const key = await call('POST', '/api/v1/signing/keys', { name: 'bench' });
    const reference = `${registry.host}/bench/app:1`;
    await call('POST', '/api/v1/signatures', { reference, insecure: true });
    await call('PUT', '/api/v1/trust-policy', { text: `apiVersion: lazaret.dev/v1\nkind: TrustPolicy\nrules:\n  - name: bench\n    images: ["${registry.host}/**"]\n    signatures: { keys: [${key.id}] }\n` });
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'bench', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', object: { kind: 'Pod', spec: { containers: [{ name: 'a', image: reference }] } } },
    };
    const first = performance.now();
    const decision = await call('POST', '/admission/validate', review);
    const uncachedMs = performance.now() - first;
    if (!decision.response.allowed) throw new Error(`admission denied: ${JSON.stringify(decision.response)}`);

    const budget = (seconds * 1000) / 3;
    const admission = await timed(() => call('POST', '/admission/validate', review), budget);
    const verify = await timed(() => call('POST', '/api/v1/signatures/verify', { reference, insecure: true }), budget);
    // A signature by the same key on the same digest is found and skipped: sign with fresh keys
    // to measure real signatures (each one a registry write).
    let n = 0;
    const keys = [];
    for (let i = 0; i < 40; i++) keys.push((await call('POST', '/api/v1/signing/keys', { name: `bench-${i}` })).name);
    const sign = await timed(() => call('POST', '/api/v1/signatures', { reference, keyName: keys[n++ % keys.length], insecure: true }), budget);

    const k = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('{"critical":{}}');
    const rawSign = await timed(async () => crypto.sign('sha256', data, k.privateKey), 500);
    const sig = crypto.sign('sha256', data, k.privateKey);
    const rawVerify = await timed(async () => crypto.verify('sha256', data, k.publicKey, sig), 500);
    process.stdout.write(
      `${JSON.stringify(
        {
          through: 'HTTP gateway -> NATS -> signing -> registry (loopback)',
          admissionCached: { ...admission, uncachedFirstMs: Number(uncachedMs.toFixed(1)), target: 'p99 < 50 ms' },
          verifyPerSecond: Number(verify.perSecond.toFixed(1)),
          verifyLatency: { p50ms: verify.p50ms, p99ms: verify.p99ms },
          signPerSecond: Number(sign.perSecond.toFixed(1)),
          rawNodeCrypto: { signPerSecond: Math.round(rawSign.perSecond), verifyPerSecond: Math.round(rawVerify.perSecond) },
          ratios: { sign: Number((sign.perSecond / rawSign.perSecond).toFixed(5)), verify: Number((verify.perSecond / rawVerify.perSecond).toFixed(5)) },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await platform?.stop();
    registry.stop();
    await nats.stop();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err && err.stack}\n`);
  process.exit(1);
});
