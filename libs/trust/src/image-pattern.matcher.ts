import { TrustError } from './errors';

/**
 * Image reference patterns: `registry/repository` globs matched against the normalised name of
 * an image (`docker.io/library/nginx`, `127.0.0.1:5000/team/app`). `*` matches within one path
 * segment, `**` any number of segments (also none: `reg/team/**` matches `reg/team/app` and
 * `reg/team/a/b`), `?` one character other than `/`. Patterns must name the registry; matching is
 * case-sensitive for the repository (registries' names are lowercase) and case-insensitive for
 * the registry host.
 */
export interface ImagePattern {
  source: string;
  matches(name: string): boolean;
}

export function compileImagePattern(pattern: string): ImagePattern {
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new TrustError('invalid-argument', 'image pattern must be a non-empty string');
  if (/[\s@]/.test(pattern)) throw new TrustError('invalid-argument', `image pattern ${JSON.stringify(pattern)} must not contain spaces or @digest`);
  const slash = pattern.indexOf('/');
  if (slash <= 0 || slash === pattern.length - 1) {
    throw new TrustError('invalid-argument', `image pattern ${JSON.stringify(pattern)} must be registry/repository (e.g. docker.io/library/*)`);
  }
  const host = pattern.slice(0, slash);
  const repo = pattern.slice(slash + 1);
  if (/:[^/]*$/.test(repo) && !repo.includes('*')) throw new TrustError('invalid-argument', `image pattern ${JSON.stringify(pattern)} must not carry a tag: policies apply to repositories`);
  const toRe = (glob: string): string => {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === '*' && glob[i + 1] === '*') {
        // `/**` at the end or `**/` in the middle may also match no segment at all.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return re;
  };
  let repoRe = toRe(repo);
  // `team/**` also matches `team` itself.
  if (repo.endsWith('/**')) repoRe = `${toRe(repo.slice(0, -3))}(?:/.*)?`;
  const hostRe = new RegExp(`^${toRe(host)}$`, 'i');
  const repoRegex = new RegExp(`^${repoRe}$`);
  return {
    source: pattern,
    matches(name: string): boolean {
      const s = name.indexOf('/');
      if (s <= 0) return false;
      return hostRe.test(name.slice(0, s)) && repoRegex.test(name.slice(s + 1));
    },
  };
}
