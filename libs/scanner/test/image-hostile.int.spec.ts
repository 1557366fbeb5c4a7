import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTools } from '@lazaret/testing';
import { catalogImage } from '../src/index';
import { compileScannerForChild } from './fixtures';
import { buildGzipBomb, buildManyEntries, buildSmallCorpus, buildZstdBombs, type HostileCase } from './fixtures/hostile-corpus';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, sha256 } from './fixtures/oci-writer';
import { buildTar } from './fixtures/tar-writer';

const MAX_RSS_KB = 512 * 1024;

/**
 * Runs hostile cases in a child process (plain Node on the transpiled engine) whose working
 * directory, HOME and TMPDIR are empty directories, and reports each outcome and the peak RSS.
 */
const CHILD = `
const scanner = require(process.env.SCANNER_JS + '/index.js');
const cases = JSON.parse(process.argv[1]);
const probe = {
  id: 'probe', version: 1, maxFileSize: 1 << 20,
  required: (info) => info.type === 'file' && info.path === '/etc/os-release',
  analyze: ({ content }) => ({ packages: [], os: { id: content.toString().slice(0, 40), idLike: [] } }),
};
(async () => {
  const results = [];
  for (const c of cases) {
    try {
      const cat = await scanner.catalogImage(c.ref, { catalogers: [probe], limits: c.limits });
      results.push({ name: c.name, ok: true, notes: cat.notes.map((n) => n.code), os: cat.os ? cat.os.id : null });
    } catch (err) {
      results.push({ name: c.name, ok: false, code: err.code || 'crash:' + err.name, message: String(err.message).slice(0, 300) });
    }
  }
  process.stdout.write(JSON.stringify({ results, maxRssKb: process.resourceUsage().maxRSS }));
})().catch((err) => { process.stderr.write(String(err && err.stack)); process.exit(3); });
`;

interface ChildResult {
  results: { name: string; ok: boolean; code?: string; message?: string; notes?: string[]; os?: string | null }[];
  maxRssKb: number;
  sandboxEntries: string[];
}

function runInChild(cases: HostileCase[], sandbox: string): ChildResult {
  const js = compileScannerForChild();
  const cwd = join(sandbox, 'cwd');
  const home = join(sandbox, 'home');
  const tmp = join(sandbox, 'tmp');
  for (const d of [cwd, home, tmp]) mkdirSync(d, { recursive: true });
  const child = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify(cases)], {
    cwd,
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmp, SCANNER_JS: js, NODE_PATH: join(__dirname, '..', '..', '..', 'node_modules') },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 300_000,
  });
  if (child.status !== 0) throw new Error(`hostile child failed (${child.status} ${child.signal}): ${child.stderr}`);
  const parsed = JSON.parse(child.stdout) as Omit<ChildResult, 'sandboxEntries'>;
  const sandboxEntries = [cwd, home, tmp].flatMap((d) => readdirSync(d).map((f) => join(d, f)));
  return { ...parsed, sandboxEntries };
}

describe('hostile images (corpus generated here, run in a child process)', () => {
  let root: string;
  let small: HostileCase[];
  let smallRun: ChildResult;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lazaret-hostile-'));
    small = buildSmallCorpus(join(root, 'corpus'));
    smallRun = runInChild(small, join(root, 'sandbox-small'));
  }, 180_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has a case for every defence', () => {
    expect(small.length).toBeGreaterThanOrEqual(25);
  });

  it('rejects each case with its error code (or notes it), never crashing', () => {
    const got = smallRun.results.map((r) => [r.name, r.ok ? (r.notes?.includes(expectedNote(r.name, small)) ? `note:${expectedNote(r.name, small)}` : `ok ${r.notes}`) : r.code]);
    expect(got).toEqual(small.map((c) => [c.name, c.expect]));
    for (const r of smallRun.results.filter((x) => !x.ok)) expect(r.message?.length, r.name).toBeGreaterThan(10);
  });

  it('never reads the host file a symlink escape points at', () => {
    const r = smallRun.results.find((x) => x.name === 'symlink-escape');
    expect(r?.ok).toBe(true);
    expect(r?.os).toBeNull();
  });

  it('writes no file anywhere (working directory, HOME, TMPDIR, around the corpus)', () => {
    expect(smallRun.sandboxEntries).toEqual([]);
    for (const p of [join(root, 'escape-marker'), join(dirname(root), 'escape-marker'), join(root, 'corpus', 'escape-marker'), '/tmp/escape-marker']) {
      expect(existsSync(p), p).toBe(false);
    }
  });

  it('stops a gzip decompression bomb by ratio, in bounded memory', () => {
    const bomb = buildGzipBomb(join(root, 'corpus'), 4096);
    const run = runInChild([bomb, { ...bomb, name: 'gzip-bomb-total-cap', expect: 'layer-too-large', limits: { maxCompressionRatio: 1e9, maxUncompressedLayerBytes: 256 * 1024 * 1024 } }], join(root, 'sandbox-bomb'));
    expect(run.results.map((r) => [r.name, r.code])).toEqual([
      ['gzip-bomb', 'decompression-bomb'],
      ['gzip-bomb-total-cap', 'layer-too-large'],
    ]);
    expect(run.maxRssKb).toBeLessThan(MAX_RSS_KB);
    expect(run.sandboxEntries).toEqual([]);
  });

  it.skipIf(checkTools('zstd').skip)('stops a zstd decompression bomb, in bounded memory', () => {
    const run = runInChild(buildZstdBombs(join(root, 'corpus')), join(root, 'sandbox-zstd'));
    expect(run.results.map((r) => [r.name, r.code, r.message?.includes('window')])).toEqual([
      ['zstd-bomb', 'decompression-bomb', false],
      ['zstd-bomb-window', 'decompression-bomb', true],
    ]);
    expect(run.maxRssKb).toBeLessThan(MAX_RSS_KB);
  });

  it('stops a layer with a million entries at the entry cap, in bounded memory', async () => {
    const many = await buildManyEntries(join(root, 'corpus'), 1_000_000);
    const run = runInChild([many], join(root, 'sandbox-many'));
    expect(run.results.map((r) => [r.name, r.code])).toEqual([['many-entries', 'too-many-entries']]);
    expect(run.maxRssKb).toBeLessThan(MAX_RSS_KB);
    process.stderr.write(`[image-hostile] million entries: peak RSS ${(run.maxRssKb / 1024).toFixed(0)} MiB\n`);
  }, 180_000);
});

function expectedNote(name: string, cases: HostileCase[]): string {
  const e = cases.find((c) => c.name === name)?.expect ?? '';
  return e.startsWith('note:') ? e.slice(5) : '\0';
}

/** A registry that misbehaves on purpose. */
describe('hostile registries', () => {
  const servers: (Server | NetServer)[] = [];
  const sockets = new Set<Socket>();
  const track = <T extends Server | NetServer>(server: T): T => {
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    servers.push(server);
    return server;
  };
  const limits = { requestTimeoutMs: 800, idleTimeoutMs: 800 };
  const tar = buildTar([{ name: 'etc/hostname', content: 'x' }]);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256(layer), size: layer.length }],
    }),
  );

  async function serve(handler: (req: IncomingMessage, res: ServerResponse, path: string) => void): Promise<string> {
    const server = createHttpServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/v2/') {
        res.writeHead(200).end('{}');
        return;
      }
      handler(req, res, path);
    });
    track(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    return `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  /** Serves the good image, except where `override` answers. */
  function image(override: (req: IncomingMessage, res: ServerResponse, path: string) => boolean) {
    return serve((req, res, path) => {
      if (override(req, res, path)) return;
      if (path.includes('/manifests/')) res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': manifest.length }).end(manifest);
      else if (path.endsWith(sha256(config))) res.writeHead(200, { 'content-length': config.length }).end(config);
      else if (path.endsWith(sha256(layer))) res.writeHead(200, { 'content-length': layer.length }).end(layer);
      else res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"nope"}]}');
    });
  }

  const scan = (host: string) => catalogImage(`${host}/evil/image:1`, { insecure: true, dockerConfig: new Map(), limits });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('serves the good image (the baseline the cases below break)', async () => {
    const c = await scan(await image(() => false));
    expect(c.layers).toHaveLength(1);
    expect(c.manifestDigest).toBe(sha256(manifest));
  });

  it('times out a registry that does not answer', async () => {
    const host = await serve(() => undefined);
    const started = Date.now();
    await expect(scan(host)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out a blob that stalls half way', async () => {
    const host = await image((_req, res, path) => {
      if (!path.endsWith(sha256(layer))) return false;
      res.writeHead(200, { 'content-length': layer.length });
      res.write(layer.subarray(0, layer.length >> 1));
      return true;
    });
    await expect(scan(host)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('rejects a registry that speaks garbage instead of HTTP', async () => {
    const raw = createNetServer((sock) => sock.end('garbage garbage\r\n\r\n\x00\x01\x02'));
    track(raw);
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const addr = raw.address();
    await expect(scan(`127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`)).rejects.toMatchObject({ code: 'network-error' });
  });

  it('rejects garbage, oversized (declared or streamed) and mislabelled manifests', async () => {
    const garbage = await image((_q, res, p) => p.includes('/manifests/') && !!res.writeHead(200, { 'content-type': OCI_MANIFEST }).end('%%% not json'));
    await expect(scan(garbage)).rejects.toMatchObject({ code: 'malformed-manifest' });
    const declared = await image((_q, res, p) => p.includes('/manifests/') && !!res.writeHead(200, { 'content-length': 64 << 20 }).end());
    await expect(scan(declared)).rejects.toMatchObject({ code: 'manifest-too-large' });
    const streamed = await image((_q, res, p) => {
      if (!p.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': OCI_MANIFEST });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end();
      return true;
    });
    await expect(scan(streamed)).rejects.toMatchObject({ code: 'manifest-too-large' });
    const unknown = await image(
      (_q, res, p) => p.includes('/manifests/') && !!res.writeHead(200, { 'content-type': 'application/x-unknown' }).end('{"schemaVersion":2,"stuff":[]}'),
    );
    await expect(scan(unknown)).rejects.toMatchObject({ code: 'unsupported-media-type' });
    const lying = await image((_q, res, p) => p.includes('/manifests/') && !!res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256('other') }).end(manifest));
    await expect(scan(lying)).rejects.toMatchObject({ code: 'digest-mismatch' });
  });

  it('rejects a blob of the wrong size or content, server errors and redirect loops', async () => {
    const short = await image((_q, res, p) => p.endsWith(sha256(config)) && !!res.writeHead(200).end(config.subarray(1)));
    await expect(scan(short)).rejects.toMatchObject({ code: 'size-mismatch' });
    const swapped = await image((_q, res, p) => p.endsWith(sha256(layer)) && !!res.writeHead(200).end(Buffer.concat([layer.subarray(0, -1), Buffer.from([layer[layer.length - 1] ^ 1])])));
    await expect(scan(swapped)).rejects.toMatchObject({ code: expect.stringMatching(/^(digest-mismatch|decompression-failed)$/) });
    const broken = await image((_q, res) => !!res.writeHead(500).end('boom'));
    await expect(scan(broken)).rejects.toMatchObject({ code: 'registry-error' });
    const loop = await image((req, res, p) => p.includes('/blobs/') && !!res.writeHead(302, { location: req.url }).end());
    await expect(scan(loop)).rejects.toMatchObject({ code: 'too-many-redirects' });
    const missing = await image((_q, res, p) => p.includes('/manifests/') && !!res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}'));
    await expect(scan(missing)).rejects.toMatchObject({ code: 'source-not-found', message: expect.stringContaining('MANIFEST_UNKNOWN') });
  });

  it('refuses to send credentials to a plain-HTTP token realm unless insecure', async () => {
    const host = await serve((_q, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:1/token",service="x"' }).end());
    await expect(catalogImage(`${host}/evil/image:1`, { insecure: false, dockerConfig: new Map(), limits })).rejects.toMatchObject({
      code: expect.stringMatching(/^(network-error|insecure-not-allowed)$/),
    });
  });
});
