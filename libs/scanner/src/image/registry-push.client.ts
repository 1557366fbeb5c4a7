import { digestOf, isDigest, parseDigest, sha256Digest } from './digest';
import { normaliseAuthKey, type CredentialStore, type RegistryCredentials } from './docker-config';
import { ImageError } from './errors';
import { DEFAULT_LIMITS } from './limits';
import { basicAuth, errorDetail, isAbort, parseWwwAuthenticate, readBodyCapped, type FetchLike } from './registry.client';
import { apiHost } from './reference';

/**
 * A read-write OCI distribution (v2) client for small documents: manifests, small blobs
 * (signatures, attestations, configs), tags and the OCI 1.1 referrers API. It is what the signing
 * side needs to store cosign-style signatures; image layers are read with `RegistryImageSource`.
 *
 * Auth: anonymous, basic (htpasswd) or bearer tokens (one token per scope; writes ask for
 * `pull,push`). Credentials are only ever sent to the registry's own origin and its token realm,
 * never over plain HTTP unless `insecure`. Everything read is size-capped and digest-checked.
 */

export interface RegistryPushClientOptions {
  /** Registry host as in image references (`registry.example.com:5000`, `docker.io`). */
  registry: string;
  /** Allow plain HTTP to the registry and its token realm (loopback test registries). */
  insecure?: boolean;
  credentials?: RegistryCredentials;
  /** Credentials by registry host (docker config.json); `credentials` wins. */
  credentialStore?: CredentialStore;
  fetch?: FetchLike;
  signal?: AbortSignal;
  userAgent?: string;
  /** Per-request timeout (headers and small bodies). Default 30 s. */
  requestTimeoutMs?: number;
  /** Largest manifest or referrers index read. Default 4 MiB. */
  maxManifestBytes?: number;
  /** Largest blob buffered by `getBlob`. Default 16 MiB. */
  maxBlobBytes?: number;
  /** Redirects followed on reads (same rules as the read client). Default 5. */
  maxRedirects?: number;
}

export interface RemoteManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface PushedManifest {
  digest: string;
  /** The registry answered with `OCI-Subject`: it indexed the manifest's `subject` for referrers. */
  subjectIndexed: boolean;
}

/** A descriptor as the referrers API lists it. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

type Access = 'pull' | 'push';

interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  access: Access;
  repository: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Follow redirects (reads only: bodies are not replayed across origins). */
  followRedirects?: boolean;
  /** Absolute URL instead of base + path (upload locations). */
  url?: string;
}

const MANIFEST_ACCEPT_ALL = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const MiB = 1024 * 1024;

function checkRepository(repository: string): void {
  if (typeof repository !== 'string' || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new ImageError('invalid-reference', `invalid repository name ${JSON.stringify(String(repository).slice(0, 200))}`);
  }
}

function checkReference(reference: string): void {
  if (!(TAG_RE.test(reference) || isDigest(reference))) {
    throw new ImageError('invalid-reference', `invalid tag or digest ${JSON.stringify(String(reference).slice(0, 200))}`);
  }
}


export class RegistryPushClient {
  readonly registry: string;
  private readonly base: string;
  private readonly origin: string;
  private readonly fetchImpl: FetchLike;
  private readonly credentials: RegistryCredentials | undefined;
  private readonly timeoutMs: number;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly maxRedirects: number;
  private basic = false;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly opts: RegistryPushClientOptions) {
    if (typeof opts.registry !== 'string' || opts.registry === '' || /[/\s@]/.test(opts.registry)) {
      throw new ImageError('invalid-reference', `invalid registry host ${JSON.stringify(String(opts.registry).slice(0, 200))}`);
    }
    this.registry = opts.registry;
    this.base = `${opts.insecure ? 'http' : 'https'}://${apiHost(opts.registry)}`;
    this.origin = new URL(this.base).origin;
    this.fetchImpl = opts.fetch ?? fetch;
    this.credentials = opts.credentials ?? opts.credentialStore?.get(normaliseAuthKey(opts.registry));
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
    this.maxManifestBytes = opts.maxManifestBytes ?? DEFAULT_LIMITS.maxManifestBytes;
    this.maxBlobBytes = opts.maxBlobBytes ?? 16 * MiB;
    this.maxRedirects = opts.maxRedirects ?? DEFAULT_LIMITS.maxRedirects;
  }

  private get what(): string {
    return `registry ${this.registry}`;
  }

  /** A manifest by tag or digest, or undefined when the registry says it does not exist. */
  async getManifest(repository: string, reference: string, accept = MANIFEST_ACCEPT_ALL): Promise<RemoteManifest | undefined> {
    checkRepository(repository);
    checkReference(reference);
    const res = await this.request({ method: 'GET', path: `/v2/${repository}/manifests/${reference}`, access: 'pull', repository, headers: { accept }, followRedirects: true }, [404]);
    if (res.status === 404) {
      await discard(res);
      return undefined;
    }
    const what = `${this.what} manifest ${repository}:${reference}`;
    const bytes = await this.readCapped(res, this.maxManifestBytes, what, 'manifest-too-large');
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && digestOf(bytes, parseDigest(reference).algorithm) !== reference) {
      throw new ImageError('digest-mismatch', `${what}: content hashes to ${digestOf(bytes, parseDigest(reference).algorithm)}`);
    }
    const named = res.headers.get('docker-content-digest');
    if (named && named.startsWith('sha256:') && named !== digest) {
      throw new ImageError('digest-mismatch', `${what}: Docker-Content-Digest ${named} does not match the content (${digest})`);
    }
    const mediaType = manifestMediaType(bytes, res.headers.get('content-type'));
    return { bytes, mediaType, digest: isDigest(reference) ? reference : digest };
  }

  /** Resolves a tag (or checks a digest) without downloading more than the manifest's headers when the registry allows HEAD. */
  async resolveDigest(repository: string, reference: string): Promise<string | undefined> {
    checkRepository(repository);
    checkReference(reference);
    const res = await this.request({ method: 'HEAD', path: `/v2/${repository}/manifests/${reference}`, access: 'pull', repository, headers: { accept: MANIFEST_ACCEPT_ALL }, followRedirects: true }, [404]);
    await discard(res);
    if (res.status === 404) return undefined;
    const named = res.headers.get('docker-content-digest');
    if (named && isDigest(named)) return named;
    // Some registries omit the header on HEAD: fall back to hashing the manifest.
    return (await this.getManifest(repository, reference))?.digest;
  }

  /** PUT a manifest under a tag or its digest. Returns the digest the content hashes to. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<PushedManifest> {
    checkRepository(repository);
    checkReference(reference);
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && reference !== digest) {
      throw new ImageError('digest-mismatch', `manifest pushed as ${reference} hashes to ${digest}`);
    }
    const res = await this.request({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      access: 'push',
      repository,
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    await discard(res);
    const named = res.headers.get('docker-content-digest');
    if (named && named !== digest) {
      throw new ImageError('digest-mismatch', `${this.what}: stored manifest ${repository}:${reference} as ${named}, we sent ${digest}`);
    }
    return { digest, subjectIndexed: res.headers.has('oci-subject') };
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    checkRepository(repository);
    parseDigest(digest);
    const res = await this.request({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}`, access: 'pull', repository, followRedirects: true }, [404]);
    await discard(res);
    return res.status !== 404;
  }

  /** Uploads a blob (POST then monolithic PUT) unless the registry has it. Returns its digest. */
  async putBlob(repository: string, bytes: Buffer): Promise<string> {
    checkRepository(repository);
    const digest = sha256Digest(bytes);
    if (await this.hasBlob(repository, digest)) return digest;
    const start = await this.request({ method: 'POST', path: `/v2/${repository}/blobs/uploads/`, access: 'push', repository, headers: { 'content-length': '0' } });
    await discard(start);
    const location = start.headers.get('location');
    if (!location) throw new ImageError('registry-error', `${this.what}: blob upload for ${repository} answered without a Location`);
    const url = new URL(location, this.base);
    if (url.origin !== this.origin) {
      // Uploads redirected elsewhere would need our credentials there: refuse rather than leak them.
      throw new ImageError('registry-error', `${this.what}: blob upload location points to another origin (${url.origin})`);
    }
    url.searchParams.set('digest', digest);
    const res = await this.request({
      method: 'PUT',
      path: '',
      url: url.toString(),
      access: 'push',
      repository,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    await discard(res);
    const named = res.headers.get('docker-content-digest');
    if (named && named !== digest) throw new ImageError('digest-mismatch', `${this.what}: stored blob as ${named}, we sent ${digest}`);
    return digest;
  }

  /** A small blob, verified against its digest. */
  async getBlob(repository: string, digest: string, maxBytes = this.maxBlobBytes): Promise<Buffer> {
    checkRepository(repository);
    const { algorithm } = parseDigest(digest);
    const res = await this.request({ method: 'GET', path: `/v2/${repository}/blobs/${digest}`, access: 'pull', repository, followRedirects: true }, [404]);
    if (res.status === 404) {
      await discard(res);
      throw new ImageError('blob-not-found', `${this.what}: blob ${digest} not found in ${repository}`);
    }
    const what = `${this.what} blob ${digest}`;
    const bytes = await this.readCapped(res, maxBytes, what, 'registry-error');
    if (digestOf(bytes, algorithm) !== digest) {
      throw new ImageError('digest-mismatch', `${what}: content hashes to ${digestOf(bytes, algorithm)}`);
    }
    return bytes;
  }

  /** Every tag of a repository (follows `Link` pagination); an unknown repository has none. */
  async listTags(repository: string): Promise<string[]> {
    checkRepository(repository);
    const out: string[] = [];
    let path = `/v2/${repository}/tags/list?n=1000`;
    for (let pages = 0; pages < 1000; pages++) {
      const res = await this.request({ method: 'GET', path, access: 'pull', repository, followRedirects: true }, [404]);
      if (res.status === 404) {
        await discard(res);
        return out;
      }
      const body = await this.readCapped(res, this.maxManifestBytes, `${this.what} tags of ${repository}`, 'registry-error');
      let doc: { tags?: unknown };
      try {
        doc = JSON.parse(body.toString('utf8')) as { tags?: unknown };
      } catch (err) {
        throw new ImageError('registry-error', `${this.what}: tag list of ${repository} is not JSON`, { cause: err });
      }
      if (Array.isArray(doc.tags)) for (const t of doc.tags) if (typeof t === 'string') out.push(t);
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
      if (!next) return out;
      const url = new URL(next[1], this.base);
      if (url.origin !== this.origin) return out;
      path = `${url.pathname}${url.search}`;
    }
    return out;
  }

  /**
   * OCI 1.1 referrers of a manifest: the descriptors, or `undefined` when the registry does not
   * implement the API (404 on the endpoint, or an answer that is not an image index), in which
   * case callers fall back to the referrers tag schema.
   */
  async listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | undefined> {
    checkRepository(repository);
    parseDigest(digest);
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.request(
      { method: 'GET', path: `/v2/${repository}/referrers/${digest}${query}`, access: 'pull', repository, headers: { accept: 'application/vnd.oci.image.index.v1+json' }, followRedirects: true },
      [404, 400, 405],
    );
    if (res.status !== 200) {
      await discard(res);
      return undefined;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const body = await this.readCapped(res, this.maxManifestBytes, `${this.what} referrers of ${digest}`, 'manifest-too-large');
    if (type !== 'application/vnd.oci.image.index.v1+json') return undefined;
    let doc: { manifests?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as { manifests?: unknown };
    } catch (err) {
      throw new ImageError('registry-error', `${this.what}: referrers index of ${digest} is not JSON`, { cause: err });
    }
    if (!Array.isArray(doc.manifests)) throw new ImageError('registry-error', `${this.what}: referrers index of ${digest} has no manifests list`);
    const out: ReferrerDescriptor[] = [];
    for (const m of doc.manifests as unknown[]) {
      const d = m as Partial<ReferrerDescriptor>;
      if (typeof d?.mediaType !== 'string' || !isDigest(d.digest) || typeof d.size !== 'number') continue;
      const desc: ReferrerDescriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
      if (typeof d.artifactType === 'string') desc.artifactType = d.artifactType;
      if (d.annotations && typeof d.annotations === 'object') desc.annotations = d.annotations;
      out.push(desc);
    }
    // A registry that ignores the filter says so with OCI-Filters-Applied missing: filter here.
    return artifactType ? out.filter((d) => d.artifactType === artifactType) : out;
  }

  async deleteManifest(repository: string, digest: string): Promise<void> {
    checkRepository(repository);
    parseDigest(digest);
    const res = await this.request({ method: 'DELETE', path: `/v2/${repository}/manifests/${digest}`, access: 'push', repository }, [404]);
    await discard(res);
  }

  // --- transport -------------------------------------------------------------------------

  private signalFor(): AbortSignal {
    const signals = [AbortSignal.timeout(this.timeoutMs)];
    if (this.opts.signal) signals.push(this.opts.signal);
    return AbortSignal.any(signals);
  }

  private async rawFetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, redirect: 'manual', signal: this.signalFor() });
    } catch (err) {
      if (this.opts.signal?.aborted) throw new ImageError('aborted', `${this.what}: aborted`, { cause: err });
      if (isAbort(err)) throw new ImageError('timeout', `${this.what}: no answer from ${new URL(url).host} within ${this.timeoutMs} ms`, { cause: err });
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      throw new ImageError('network-error', `${this.what}: ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
    }
  }

  private async fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new ImageError('unauthorized', `${this.what}: bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch (err) {
      throw new ImageError('unauthorized', `${this.what}: bearer realm is not a URL`, { cause: err });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.opts.insecure)) {
      throw new ImageError('insecure-not-allowed', `${this.what}: token realm ${url.protocol}//${url.host} is not HTTPS (pass insecure to allow)`);
    }
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
    if (this.credentials) headers.authorization = basicAuth(this.credentials);
    const res = await this.rawFetch(url.toString(), { headers });
    const body = await this.readCapped(res, MiB, `${this.what} token response`, 'registry-error');
    if (res.status === 401 || res.status === 403) throw new ImageError('unauthorized', `${this.what}: token service refused the credentials (${res.status})`);
    if (!res.ok) throw new ImageError('registry-error', `${this.what}: token service answered ${res.status}`);
    let token: unknown;
    try {
      const doc = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = doc.token ?? doc.access_token;
    } catch (err) {
      throw new ImageError('registry-error', `${this.what}: token response is not JSON`, { cause: err });
    }
    if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token)) throw new ImageError('registry-error', `${this.what}: token response has no usable token`);
    return token;
  }

  /**
   * One request with auth negotiation (one retry after a 401) and, for reads, manual redirects.
   * Statuses in `allowed` are returned to the caller; other non-2xx statuses throw.
   */
  private async request(spec: RequestSpec, allowed: number[] = []): Promise<Response> {
    const scope = `repository:${spec.repository}:${spec.access === 'push' ? 'pull,push' : 'pull'}`;
    let url = spec.url ?? `${this.base}${spec.path}`;
    let authRetried = false;
    for (let redirects = 0; ; ) {
      const headers: Record<string, string> = { ...(spec.headers ?? {}) };
      if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
      const sameOrigin = new URL(url).origin === this.origin;
      const auth = this.tokens.get(scope) ?? (this.basic && this.credentials ? basicAuth(this.credentials) : undefined);
      if (auth && sameOrigin) headers.authorization = auth;
      const init: RequestInit = { method: spec.method, headers };
      if (spec.body) init.body = new Uint8Array(spec.body);
      const res = await this.rawFetch(url, init);
      if (res.status === 401 && sameOrigin && !authRetried) {
        authRetried = true;
        const challenge = parseWwwAuthenticate(res.headers.get('www-authenticate'));
        await discard(res);
        if (challenge?.scheme === 'bearer') {
          this.tokens.set(scope, `Bearer ${await this.fetchToken(challenge.params, scope)}`);
          continue;
        }
        if (challenge?.scheme === 'basic' && this.credentials) {
          this.basic = true;
          continue;
        }
        throw new ImageError('unauthorized', `${this.what}: authentication required${this.credentials ? '' : ' and no credentials were given'}`);
      }
      if (spec.followRedirects && res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await discard(res);
        if (++redirects > this.maxRedirects) throw new ImageError('too-many-redirects', `${this.what}: more than ${this.maxRedirects} redirects for ${spec.path}`);
        const next = new URL(res.headers.get('location') as string, url);
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.opts.insecure)) {
          throw new ImageError('insecure-not-allowed', `${this.what}: redirect to ${next.protocol}//${next.host} refused (not HTTPS)`);
        }
        url = next.toString();
        continue;
      }
      if (res.ok || allowed.includes(res.status)) return res;
      const body = await this.readCapped(res, 64 * 1024, `${this.what} error`, 'registry-error').catch(() => Buffer.alloc(0));
      const detail = errorDetail(body);
      const where = `${spec.method} ${spec.path || new URL(url).pathname}`;
      if (res.status === 401 || res.status === 403) throw new ImageError('unauthorized', `${this.what}: ${res.status} for ${where}${detail}`);
      if (res.status === 404) throw new ImageError('source-not-found', `${this.what}: ${where} not found${detail}`);
      throw new ImageError('registry-error', `${this.what}: ${res.status} for ${where}${detail}`);
    }
  }

  private async readCapped(res: Response, maxBytes: number, what: string, code: 'manifest-too-large' | 'registry-error'): Promise<Buffer> {
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > maxBytes) {
      await discard(res);
      throw new ImageError(code, `${what} is ${length} bytes, more than the limit of ${maxBytes}`);
    }
    return readBodyCapped(res, maxBytes, what, this.timeoutMs, code);
  }
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** The manifest's own `mediaType` wins over the Content-Type header (registries differ). */
function manifestMediaType(bytes: Buffer, header: string | null): string {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (typeof doc.mediaType === 'string' && doc.mediaType !== '') return doc.mediaType;
  } catch {
    // fall through to the header
  }
  return (header ?? '').split(';')[0].trim() || 'application/vnd.oci.image.manifest.v1+json';
}
