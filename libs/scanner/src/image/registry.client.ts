import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { sha256Digest, verifyDigest } from './digest';
import { ImageError } from './errors';
import type { ImageLimits } from './limits';
import { MANIFEST_ACCEPT, type Descriptor } from './manifest';
import type { RegistryCredentials } from './docker-config';
import { apiHost } from './reference';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted values may hold commas). */
export function parseWwwAuthenticate(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

export type FetchLike = typeof fetch;

export interface RegistryClientOptions {
  /** Registry host (with port), as in the image reference. */
  registry: string;
  /** Allow plain HTTP (the registry and its token realm). */
  insecure?: boolean;
  credentials?: RegistryCredentials;
  limits: ImageLimits;
  fetch?: FetchLike;
  signal?: AbortSignal;
  userAgent?: string;
}

export function isAbort(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/**
 * A minimal OCI distribution (v2) client: manifests and blobs, anonymous, basic or bearer-token
 * auth, redirects followed by hand (credentials never leave their origin), timeouts on every
 * request, size caps on everything buffered.
 */
export class RegistryClient {
  private readonly base: string;
  private readonly fetchImpl: FetchLike;
  private authHeader: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = `${opts.insecure ? 'http' : 'https'}://${apiHost(opts.registry)}`;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  private get what(): string {
    return `registry ${this.opts.registry}`;
  }

  private signalFor(timeoutMs: number, extra?: AbortSignal): AbortSignal {
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (this.opts.signal) signals.push(this.opts.signal);
    if (extra) signals.push(extra);
    return AbortSignal.any(signals);
  }

  private async rawFetch(url: string, init: RequestInit, timeoutMs: number, extra?: AbortSignal): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, redirect: 'manual', signal: this.signalFor(timeoutMs, extra) });
    } catch (err) {
      if (this.opts.signal?.aborted) throw new ImageError('aborted', `${this.what}: aborted`, { cause: err });
      if (isAbort(err)) throw new ImageError('timeout', `${this.what}: no answer from ${new URL(url).host} within ${timeoutMs} ms`, { cause: err });
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      throw new ImageError('network-error', `${this.what}: ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
    }
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const realm = challenge.params.realm;
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
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
    if (this.opts.credentials) headers.authorization = basicAuth(this.opts.credentials);
    const res = await this.rawFetch(url.toString(), { headers }, this.opts.limits.requestTimeoutMs);
    const body = await readBodyCapped(res, 1024 * 1024, `${this.what} token response`, this.opts.limits.requestTimeoutMs);
    if (res.status === 401 || res.status === 403) throw new ImageError('unauthorized', `${this.what}: token service refused the credentials (${res.status})`);
    if (!res.ok) throw new ImageError('registry-error', `${this.what}: token service answered ${res.status}`);
    let token: unknown;
    try {
      const doc = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = doc.token ?? doc.access_token;
    } catch (err) {
      throw new ImageError('registry-error', `${this.what}: token response is not JSON`, { cause: err });
    }
    if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token)) {
      throw new ImageError('registry-error', `${this.what}: token response has no usable token`);
    }
    return token;
  }

  /**
   * GET with auth negotiation and manual redirects. The body is left unread for the caller; on
   * errors it is cancelled here.
   */
  private async get(path: string, accept: string | undefined, scope: string, opts: { timeoutMs: number; extra?: AbortSignal }): Promise<Response> {
    let url = `${this.base}${path}`;
    const origin = new URL(url).origin;
    let authRetried = false;
    for (let redirects = 0; ; ) {
      const headers: Record<string, string> = {};
      if (accept) headers.accept = accept;
      if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
      const sameOrigin = new URL(url).origin === origin;
      const auth = this.tokens.get(scope) ?? this.authHeader;
      if (auth && sameOrigin) headers.authorization = auth;
      const res = await this.rawFetch(url, { headers }, opts.timeoutMs, opts.extra);
      if (res.status === 401 && sameOrigin && !authRetried) {
        authRetried = true;
        const challenge = parseWwwAuthenticate(res.headers.get('www-authenticate'));
        await res.body?.cancel().catch(() => undefined);
        if (challenge?.scheme === 'bearer') {
          this.tokens.set(scope, `Bearer ${await this.fetchToken(challenge, scope)}`);
          continue;
        }
        if (challenge?.scheme === 'basic' && this.opts.credentials) {
          this.authHeader = basicAuth(this.opts.credentials);
          continue;
        }
        throw new ImageError('unauthorized', `${this.what}: authentication required${this.opts.credentials ? '' : ' and no credentials were given'}`);
      }
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel().catch(() => undefined);
        if (++redirects > this.opts.limits.maxRedirects) {
          throw new ImageError('too-many-redirects', `${this.what}: more than ${this.opts.limits.maxRedirects} redirects for ${path}`);
        }
        const next = new URL(res.headers.get('location') as string, url);
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.opts.insecure)) {
          throw new ImageError('insecure-not-allowed', `${this.what}: redirect to ${next.protocol}//${next.host} refused (not HTTPS)`);
        }
        url = next.toString();
        continue;
      }
      if (res.ok) return res;
      const body = await readBodyCapped(res, 64 * 1024, `${this.what} error`, opts.timeoutMs).catch(() => Buffer.alloc(0));
      const detail = errorDetail(body);
      if (res.status === 401 || res.status === 403) throw new ImageError('unauthorized', `${this.what}: ${res.status} for ${path}${detail}`);
      if (res.status === 404) throw new ImageError(path.includes('/blobs/') ? 'blob-not-found' : 'source-not-found', `${this.what}: ${path} not found${detail}`);
      throw new ImageError('registry-error', `${this.what}: ${res.status} for ${path}${detail}`);
    }
  }

  /** Fetches a manifest by tag or digest; verifies it when asked by digest or when the registry names one. */
  async getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; contentType?: string; digest: string }> {
    const scope = `repository:${repository}:pull`;
    const res = await this.get(`/v2/${repository}/manifests/${reference}`, MANIFEST_ACCEPT, scope, { timeoutMs: this.opts.limits.requestTimeoutMs });
    const what = `${this.what} manifest ${repository}:${reference}`;
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > this.opts.limits.maxManifestBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImageError('manifest-too-large', `${what} is ${length} bytes, more than the limit of ${this.opts.limits.maxManifestBytes}`);
    }
    const bytes = await readBodyCapped(res, this.opts.limits.maxManifestBytes, what, this.opts.limits.requestTimeoutMs, 'manifest-too-large');
    const digest = reference.includes(':') ? reference : sha256Digest(bytes);
    if (reference.includes(':')) verifyDigest(bytes, reference, what);
    const named = res.headers.get('docker-content-digest');
    if (named && named.startsWith('sha256:') && named !== sha256Digest(bytes)) {
      throw new ImageError('digest-mismatch', `${what}: Docker-Content-Digest ${named} does not match the content (${sha256Digest(bytes)})`);
    }
    const contentType = res.headers.get('content-type') ?? undefined;
    return contentType ? { bytes, contentType, digest } : { bytes, digest };
  }

  /**
   * A blob as a stream. Only the response headers are bounded by the request timeout; the body
   * by an idle timeout (no byte for `idleTimeoutMs`), so large layers can take their time.
   */
  async openBlob(repository: string, descriptor: Descriptor): Promise<Readable> {
    // One controller bounds the wait for headers (request timeout), then each gap between chunks.
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), this.opts.limits.requestTimeoutMs);
    let res: Response;
    try {
      res = await this.get(`/v2/${repository}/blobs/${descriptor.digest}`, undefined, `repository:${repository}:pull`, {
        timeoutMs: 2 ** 31 - 1,
        extra: idle.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      throw err;
    }
    clearTimeout(timer);
    if (!res.body) throw new ImageError('registry-error', `${this.what}: empty body for blob ${descriptor.digest}`);
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (!Number.isNaN(length) && length !== descriptor.size) {
      await res.body.cancel().catch(() => undefined);
      throw new ImageError('size-mismatch', `${this.what}: blob ${descriptor.digest} is ${length} bytes, its descriptor declares ${descriptor.size}`);
    }
    // The idle timer is re-armed by a pass-through stage, so nothing reads the body early.
    const idleMs = this.opts.limits.idleTimeoutMs;
    timer = setTimeout(() => idle.abort(), idleMs);
    const guard = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleMs);
        cb(null, chunk);
      },
    });
    const what = this.what;
    idle.signal.addEventListener('abort', () => {
      guard.destroy(new ImageError('timeout', `${what}: blob ${descriptor.digest} stalled for ${idleMs} ms`));
    });
    const body = Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>);
    pipeline(body, guard, () => clearTimeout(timer));
    guard.on('close', () => clearTimeout(timer));
    return guard;
  }
}

export function basicAuth(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

export function errorDetail(body: Buffer): string {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = doc.errors?.[0];
    if (first && typeof first.code === 'string') return ` (${first.code}${typeof first.message === 'string' ? `: ${first.message.slice(0, 200)}` : ''})`;
  } catch {
    // not JSON: say nothing more
  }
  return '';
}

/** Reads a response body with a byte cap and a deadline. */
export async function readBodyCapped(
  res: Response,
  maxBytes: number,
  what: string,
  timeoutMs: number,
  code: 'manifest-too-large' | 'registry-error' = 'registry-error',
): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const parts: Buffer[] = [];
  let total = 0;
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    reader.cancel(new ImageError('timeout', `${what}: body not received within ${timeoutMs} ms`)).catch(() => undefined);
  }, timeoutMs);
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (err instanceof ImageError) throw err;
        if (isAbort(err)) throw new ImageError('timeout', `${what}: body not received within ${timeoutMs} ms`, { cause: err });
        throw new ImageError('network-error', `${what}: ${(err as Error).message}`, { cause: err });
      }
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new ImageError(code, `${what} is larger than the limit of ${maxBytes} bytes`);
      }
      parts.push(Buffer.from(chunk.value));
    }
  } finally {
    clearTimeout(deadline);
  }
  if (timedOut) throw new ImageError('timeout', `${what}: body not received within ${timeoutMs} ms`);
  return Buffer.concat(parts, total);
}
