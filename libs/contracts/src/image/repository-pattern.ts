/**
 * Repository patterns: `registry.example.com/payments/*` (one path segment) and
 * `registry.example.com/payments/**` (any depth). Used for principals' scopes and for the list of
 * sensitive repositories.
 */
export function repositoryPattern(glob: string): RegExp {
  const body = glob
    .trim()
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${body}$`);
}

/** host[:port] then path segments; every label and segment starts with a letter, digit or `*` (no `..`). */
export const SCOPE_PATTERN = /^[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?(?:\.[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?)*(?::[0-9*]+)?(?:\/[a-z0-9*]+(?:[._-]+[a-z0-9*]+)*)*(?:\/\*\*)?$/;

/** `host/repo` of a reference (tag and digest dropped; Docker Hub's default host and library/ added). */
export function repositoryOf(reference: string): string {
  let ref = reference.toLowerCase();
  const at = ref.indexOf('@');
  if (at !== -1) ref = ref.slice(0, at);
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  const hasHost = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let path = hasHost ? ref.slice(slash + 1) : ref;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) path = path.slice(0, colon);
  const host = hasHost ? first : 'docker.io';
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return `${host}/${path}`;
}

export class RepositoryMatcher {
  private readonly patterns: RegExp[];
  constructor(globs: readonly string[]) {
    this.patterns = globs.filter((g) => g.trim()).map(repositoryPattern);
  }
  get empty(): boolean {
    return this.patterns.length === 0;
  }
  matches(reference: string): boolean {
    const repo = repositoryOf(reference);
    return this.patterns.some((p) => p.test(repo));
  }
}
