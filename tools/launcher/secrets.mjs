import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LauncherError } from './errors.mjs';

/** The gateway's API key format: lzk_<12 hex key id>_<32 random bytes as unpadded base64url>. */
export const ADMIN_KEY_PATTERN = /^lzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export function generateAdminKey(random = randomBytes) {
  return `lzk_${random(6).toString('hex')}_${random(32).toString('base64url')}`;
}

/** A password made of hex digits only, so it never needs escaping in a URL or a config file. */
export function randomPassword(bytes = 24) {
  return randomBytes(bytes).toString('hex');
}

/** Reads a 32-byte key written as base64 (standard or URL alphabet); undefined when it is not one. */
export function decodeKey32(text) {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/**
 * Creates `path` with `content` and mode 0600, failing if it already exists (so two launchers
 * racing cannot overwrite each other's secret).
 */
export async function writeSecretFile(path, content) {
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
}

/** Reads a secret file, tightening its mode to 0600 when someone loosened it. */
export async function readSecretFile(path, onWarn = () => {}) {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    await chmod(path, 0o600);
    onWarn(`${path} was readable by others (mode ${(info.mode & 0o777).toString(8)}); set it to 0600`);
  }
  return readFile(path, 'utf8');
}

/**
 * The key-encryption key: LAZARET_KEK when set (passed on as is: the services validate it),
 * otherwise 32 random bytes generated once into <dataDir>/kek (base64, mode 0600) and reused.
 * The file is a development convenience; production provides LAZARET_KEK from a secret manager.
 */
export async function loadOrCreateKek(dataDir, env, onWarn = () => {}) {
  if (env.LAZARET_KEK) return { value: env.LAZARET_KEK, source: 'env' };
  const path = join(dataDir, 'kek');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  try {
    await writeSecretFile(path, randomBytes(32).toString('base64') + '\n');
    return { value: (await readFile(path, 'utf8')).trim(), source: 'created', path };
  } catch (err) {
    if (err.code !== 'EEXIST') throw new LauncherError('config', `cannot write ${path}: ${err.message}`, { cause: err });
  }
  const text = (await readSecretFile(path, onWarn)).trim();
  if (!decodeKey32(text)) {
    throw new LauncherError('config', `${path} does not hold a 32-byte base64 key: fix or delete it (deleting makes data encrypted under it unreadable), or set LAZARET_KEK`);
  }
  return { value: text, source: 'file', path };
}
