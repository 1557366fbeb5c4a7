import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { MemoryOciStore } from '../src/memory-oci.store';

/**
 * A tiny OCI 1.1 registry on loopback (manifests, blobs, monolithic uploads, tags and the
 * referrers API), backed by MemoryOciStore. Debian's docker-registry 2.8 has no referrers API,
 * so this is what the referrers path is tested against.
 */
export interface FakeRegistry {
  host: string;
  store: MemoryOciStore;
  requests: string[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export async function startFakeReferrersRegistry(): Promise<FakeRegistry> {
  const store = new MemoryOciStore('fake', { referrers: true });
  const requests: string[] = [];
  const uploads = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${req.method} ${url.pathname}`);
      const send = (status: number, headers: Record<string, string> = {}, data?: Buffer | string) => {
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : data);
      };
      if (url.pathname === '/v2/') return send(200, { 'content-type': 'application/json' }, '{}');
      const m = /^\/v2\/(.+)\/(manifests|blobs|referrers|tags)\/(.*)$/.exec(url.pathname);
      if (!m) return send(404);
      const [, name, kind, rest] = m;
      if (kind === 'manifests') {
        if (req.method === 'PUT') {
          const bytes = await body(req);
          const r = await store.putManifest(name, rest, bytes, String(req.headers['content-type']));
          return send(201, { 'docker-content-digest': r.digest, ...(r.subjectIndexed ? { 'oci-subject': JSON.parse(bytes.toString()).subject.digest } : {}) });
        }
        const got = await store.getManifest(name, rest);
        if (!got) return send(404, { 'content-type': 'application/json' }, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
        return send(200, { 'content-type': got.mediaType, 'docker-content-digest': got.digest, 'content-length': String(got.bytes.length) }, got.bytes);
      }
      if (kind === 'blobs') {
        if (req.method === 'POST' && rest === 'uploads/') {
          const id = randomUUID();
          uploads.set(id, Buffer.alloc(0));
          return send(202, { location: `/v2/${name}/blobs/uploads/${id}`, 'docker-upload-uuid': id, range: '0-0' });
        }
        const id = rest.startsWith('uploads/') ? rest.slice('uploads/'.length) : '';
        if (req.method === 'PATCH' && uploads.has(id)) {
          const data = Buffer.concat([uploads.get(id)!, await body(req)]);
          uploads.set(id, data);
          return send(202, { location: `/v2/${name}/blobs/uploads/${id}`, range: `0-${Math.max(0, data.length - 1)}`, 'docker-upload-uuid': id });
        }
        if (req.method === 'PUT' && uploads.has(id)) {
          const data = Buffer.concat([uploads.get(id)!, await body(req)]);
          uploads.delete(id);
          const digest = await store.putBlob(name, data);
          if (digest !== url.searchParams.get('digest')) return send(400, {}, '{"errors":[{"code":"DIGEST_INVALID"}]}');
          return send(201, { 'docker-content-digest': digest });
        }
        try {
          const b = await store.getBlob(name, rest);
          return send(200, { 'content-length': String(b.length), 'docker-content-digest': rest }, b);
        } catch {
          return send(404);
        }
      }
      if (kind === 'referrers') {
        const list = (await store.listReferrers(name, rest, url.searchParams.get('artifactType') ?? undefined)) ?? [];
        return send(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list }));
      }
      return send(200, { 'content-type': 'application/json' }, JSON.stringify({ name, tags: store.tagList(name) }));
    })().catch((err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { host, store, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
