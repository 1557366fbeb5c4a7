import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTools, checkTools } from '@lazaret/testing';
import { catalogImage, type ImageCatalog } from '../src/index';
import { ensureBusyboxFixture, pushToRegistry, startRegistry, type BusyboxFixture, type RunningRegistry } from './fixtures';
import { FileProbe } from './fixtures/probe-catalogers';

const TOOLS = ['skopeo', 'umoci', 'docker-registry', 'htpasswd', 'busybox', 'openssl'];
const tools = checkTools(...TOOLS);
const probe = () => [new FileProbe(['/etc/passwd', '/etc/platform'])];
const files = (c: ImageCatalog) => c.packages.map((p) => `${p.name} ${p.version}`);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

describe.skipIf(tools.skip)('registry authentication and transport', () => {
  let fx: BusyboxFixture;
  let anon: RunningRegistry;
  let basic: RunningRegistry;
  let token: RunningRegistry;
  let expected: string[];
  const user = { username: 'scanner', password: 'correct horse battery staple' };

  beforeAll(async () => {
    assertTools(...TOOLS);
    fx = await ensureBusyboxFixture();
    [anon, basic, token] = await Promise.all([startRegistry(), startRegistry({ auth: { basic: user } }), startRegistry({ auth: { token: user } })]);
    for (const r of [anon, basic, token]) await pushToRegistry(r, fx.ociLayoutDir, fx.tag, 'lazaret/busybox:1');
    expected = files(await catalogImage(`oci:${fx.ociLayoutDir}:${fx.tag}`, { catalogers: probe() }));
  }, 300_000);

  afterAll(async () => {
    await Promise.all([anon?.stop(), basic?.stop(), token?.stop()]);
  });

  it('pulls anonymously', async () => {
    const c = await catalogImage(`${anon.host}/lazaret/busybox:1`, { catalogers: probe(), insecure: true, dockerConfig: new Map() });
    expect(files(c)).toEqual(expected);
  });

  it('uses basic auth with explicit credentials, and fails clearly without or with wrong ones', async () => {
    const ref = `${basic.host}/lazaret/busybox:1`;
    expect(files(await catalogImage(ref, { catalogers: probe(), insecure: true, credentials: user }))).toEqual(expected);
    await expect(catalogImage(ref, { insecure: true, dockerConfig: new Map() })).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(catalogImage(ref, { insecure: true, credentials: { ...user, password: 'wrong' } })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('reads credentials from a docker config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazaret-docker-config-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ auths: { [`http://${basic.host}/v2/`]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } }));
      const c = await catalogImage(`docker://${basic.host}/lazaret/busybox:1`, { catalogers: probe(), insecure: true, dockerConfig: file });
      expect(files(c)).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows the bearer token flow (realm, service, scope) against a token server', async () => {
    const before = token.tokensIssued();
    const c = await catalogImage(`${token.host}/lazaret/busybox:1`, { catalogers: probe(), insecure: true, credentials: user });
    expect(files(c)).toEqual(expected);
    expect(token.tokensIssued()).toBeGreaterThan(before);
    await expect(catalogImage(`${token.host}/lazaret/busybox:1`, { insecure: true, dockerConfig: new Map() })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses plain HTTP unless insecure is asked for', async () => {
    await expect(catalogImage(`${anon.host}/lazaret/busybox:1`, { dockerConfig: new Map(), limits: { requestTimeoutMs: 5000 } })).rejects.toMatchObject({
      code: expect.stringMatching(/^(network-error|timeout)$/),
    });
  });

  describe('through a proxy in front of the basic-auth registry', () => {
    let proxy: Server;
    let blobHost: Server;
    let proxyHost: string;
    const blobRequests: IncomingHttpHeaders[] = [];
    let mode: 'redirect' | 'tamper' | 'pass' = 'pass';

    beforeAll(async () => {
      // A second origin serving blobs (as registries do with object storage): fetches from the registry itself.
      blobHost = createServer((req, res) => {
        blobRequests.push(req.headers);
        const upstream = httpRequest(`${basic.url}${req.url}`, { headers: { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.end();
      });
      const blobOrigin = await listen(blobHost);
      proxy = createServer((req, res) => {
        const isBlob = /\/blobs\/sha256:/.test(req.url ?? '');
        if (isBlob && mode === 'redirect' && req.headers.authorization) {
          res.writeHead(307, { location: `http://${blobOrigin}${req.url}` }).end();
          return;
        }
        const upstream = httpRequest(`${basic.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
          const length = Number(up.headers['content-length'] ?? 0);
          if (isBlob && mode === 'tamper' && length > 1000 && up.statusCode === 200) {
            const parts: Buffer[] = [];
            up.on('data', (d: Buffer) => parts.push(d));
            up.on('end', () => {
              const body = Buffer.concat(parts);
              body[4] ^= 0xff; // gzip MTIME: still a valid layer, but not the blob the manifest names
              res.writeHead(200, up.headers).end(body);
            });
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        req.pipe(upstream);
      });
      proxyHost = await listen(proxy);
    });

    afterAll(async () => {
      await Promise.all([new Promise((r) => proxy?.close(r)), new Promise((r) => blobHost?.close(r))]);
    });

    it('follows blob redirects to another origin without sending the credentials there', async () => {
      mode = 'redirect';
      blobRequests.length = 0;
      const c = await catalogImage(`${proxyHost}/lazaret/busybox:1`, { catalogers: probe(), insecure: true, credentials: user });
      expect(files(c)).toEqual(expected);
      expect(blobRequests.length).toBeGreaterThanOrEqual(2);
      expect(blobRequests.every((h) => h.authorization === undefined)).toBe(true);
    });

    it('rejects a blob whose bytes do not match its digest', async () => {
      mode = 'tamper';
      await expect(catalogImage(`${proxyHost}/lazaret/busybox:1`, { insecure: true, credentials: user })).rejects.toMatchObject({ code: 'digest-mismatch' });
      mode = 'pass';
    });
  });
});
