import { CliError } from './errors';

export interface ApiSettings {
  url: string;
  apiKey?: string;
  timeoutMs: number;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
}

/** Talks to the gateway's /api/v1; turns problem documents into CliErrors with their code. */
export class ApiClient {
  constructor(private readonly settings: ApiSettings) {}

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.settings.apiKey) throw new CliError('config', 'no API key: pass --api-key or set LAZARET_API_KEY');
    const url = new URL(path.replace(/^\//, ''), this.settings.url.endsWith('/') ? this.settings.url : `${this.settings.url}/`);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { 'x-api-key': this.settings.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (err) {
      throw new CliError('unreachable', `cannot reach ${url.origin}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError('api-error', `${url.pathname}: HTTP ${res.status} with a body that is not JSON`);
    }
    if (!res.ok) {
      const p = (json ?? {}) as Problem;
      const code = res.status === 401 ? 'unauthenticated' : res.status === 403 ? 'forbidden' : 'api-error';
      throw new CliError(code, `${url.pathname}: ${p.code ?? res.status}: ${p.detail ?? p.title ?? res.statusText}`);
    }
    return json as T;
  }
}
