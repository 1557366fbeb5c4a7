import { ImageError } from './errors';

/**
 * Turns a tar member name into the absolute in-image path used everywhere else
 * (`/etc/os-release`). Leading `./` and trailing `/` are fine (common in real layers); `..`
 * parts and absolute names are rejected: a layer has no business naming them, and a reader that
 * accepted them would be one bug away from writing outside its target.
 */
export function normaliseMemberName(raw: string, maxLength: number): string {
  if (raw.length === 0) throw new ImageError('malformed-tar', 'tar entry with an empty name');
  if (raw.length > maxLength) throw new ImageError('malformed-tar', `tar entry name longer than ${maxLength} characters`);
  if (raw.includes('\0')) throw new ImageError('malformed-tar', 'tar entry name contains a NUL byte');
  if (raw.startsWith('/')) {
    throw new ImageError('absolute-path', `tar entry has an absolute path: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new ImageError('path-traversal', `tar entry climbs out of the layer: ${JSON.stringify(raw.slice(0, 200))}`);
    }
    parts.push(part);
  }
  return '/' + parts.join('/');
}

/**
 * Resolves a hardlink target. Tar stores it as a member name (relative to the archive root);
 * one that leaves the root is a hostile layer.
 */
export function normaliseHardlinkTarget(raw: string, maxLength: number): string {
  try {
    return normaliseMemberName(raw.replace(/^\/+/, ''), maxLength);
  } catch (err) {
    if (err instanceof ImageError && err.code === 'path-traversal') {
      throw new ImageError('hardlink-escape', `hardlink target leaves the image: ${JSON.stringify(raw.slice(0, 200))}`);
    }
    throw err;
  }
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

export type WhiteoutKind =
  | { kind: 'none' }
  /** Removes `target` (and everything below it) from lower layers. */
  | { kind: 'whiteout'; target: string }
  /** Hides every lower-layer child of `dir`; entries of the same layer stay. */
  | { kind: 'opaque'; dir: string }
  /** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): not part of the filesystem. */
  | { kind: 'meta' };

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

export function classifyWhiteout(path: string): WhiteoutKind {
  const name = basename(path);
  if (!name.startsWith(WH)) return { kind: 'none' };
  const dir = dirname(path);
  if (name === OPAQUE) return { kind: 'opaque', dir };
  if (name.startsWith(`${WH}${WH}`)) return { kind: 'meta' };
  const target = name.slice(WH.length);
  if (target === '' || target === '.' || target === '..') return { kind: 'meta' };
  return { kind: 'whiteout', target: joinPath(dir, target) };
}

export type LexicalTarget = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Where a symlink at `linkPath` with `target` points, without following further links.
 * Absolute targets are relative to the image root. A relative target that climbs above the root
 * is refused (the kernel would clamp it at `/`, but such a link only exists in an image to trick
 * a scanner that resolves it on the host).
 */
export function symlinkTarget(linkPath: string, target: string): LexicalTarget {
  if (target === '') return { ok: false, reason: 'empty symlink target' };
  if (target.includes('\0')) return { ok: false, reason: 'symlink target contains a NUL byte' };
  const base = target.startsWith('/') ? [] : splitPath(dirname(linkPath));
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (base.length === 0) {
        return { ok: false, reason: `symlink ${linkPath} -> ${target} climbs above the image root` };
      }
      base.pop();
      continue;
    }
    base.push(part);
  }
  return { ok: true, path: '/' + base.join('/') };
}
