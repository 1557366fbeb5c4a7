import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImageError } from './errors';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Credentials per registry host, parsed from a docker `config.json` (`auths` section). */
export type CredentialStore = Map<string, RegistryCredentials>;

/** `https://index.docker.io/v1/` → `docker.io`; `https://host:5000/v2/` → `host:5000`. */
export function normaliseAuthKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

export function parseDockerConfig(text: string, what = 'docker config'): CredentialStore {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImageError('invalid-option', `${what} is not valid JSON`, { cause: err });
  }
  const out: CredentialStore = new Map();
  const auths = (doc as { auths?: unknown }).auths;
  if (typeof auths !== 'object' || auths === null) return out;
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as { auth?: unknown; username?: unknown; password?: unknown };
    let username: string | undefined;
    let password: string | undefined;
    if (typeof v.auth === 'string' && v.auth !== '') {
      const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new ImageError('invalid-option', `${what}: auth for ${key} is not base64 "user:password"`);
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    } else if (typeof v.username === 'string' && typeof v.password === 'string') {
      username = v.username;
      password = v.password;
    }
    if (username !== undefined && password !== undefined) out.set(normaliseAuthKey(key), { username, password });
  }
  return out;
}

/** Reads `$DOCKER_CONFIG/config.json` or `~/.docker/config.json` (or `path`); missing file → empty. */
export async function loadDockerConfig(path?: string): Promise<CredentialStore> {
  const file = path ?? join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && path === undefined) return new Map();
    throw new ImageError('invalid-option', `cannot read docker config ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseDockerConfig(text, file);
}
