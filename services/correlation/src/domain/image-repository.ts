import type { AuditRecord } from '@lazaret/contracts';
import { CorrelationError } from './correlation-error';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::[0-9]{1,5})?$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
/** Archives uploaded through the gateway are named `upload-<uuid>`: a name, not a repository. */
const UPLOAD_OBJECT_RE = /^upload-[0-9a-f-]{36}$/;

export interface ImageName {
  /** Fully qualified: `registry.example.com/payments/api`, `docker.io/library/alpine`. */
  repository: string;
  digest?: string;
}

export function isDigest(text: string): boolean {
  return DIGEST_RE.test(text);
}

/**
 * The repository an image reference names, the way Docker reads it: the first component is a
 * registry when it has a dot or a port or is `localhost`; Docker Hub names get `docker.io/` and
 * `library/`. Tags are dropped; a digest is kept apart. Null for text that is no reference.
 */
export function parseImageName(text: string): ImageName | null {
  if (text.length === 0 || text.length > 1024 || UPLOAD_OBJECT_RE.test(text) || /^sha256:/.test(text)) return null;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return null;
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) {
      registry = first.toLowerCase();
      if (!HOST_RE.test(registry)) return null;
      rest = rest.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    if (!TAG_RE.test(rest.slice(colon + 1))) return null;
    rest = rest.slice(0, colon);
  }
  if (!PATH_RE.test(rest)) return null;
  if ((registry === 'docker.io' || registry === 'index.docker.io') && !rest.includes('/')) rest = `library/${rest}`;
  if (registry === 'index.docker.io') registry = 'docker.io';
  return digest ? { repository: `${registry}/${rest}`, digest } : { repository: `${registry}/${rest}` };
}

/** Where audit records name images today (see the README for who writes what). */
const REFERENCE_DETAILS = ['reference', 'source', 'image', 'repository'] as const;

export interface ImageFacts {
  /** Repositories the record names (normalised). */
  repositories: string[];
  /** Digests it names, with or without a repository. */
  digests: string[];
  /** Digest → repository pairs it proves (a reference with a digest, or a digest next to a reference). */
  pairs: Array<{ digest: string; repository: string }>;
}

/**
 * The images an audit record is about. Records identify images in two ways: by reference
 * (`image.submit` details, `image.sign` resource `registry/repo@digest`) and by digest only
 * (`image.read-*` resources). Digest-only records name no repository themselves; the caller
 * resolves them through pairs learned from earlier records (`scan.complete` names both).
 */
export function imageFacts(record: AuditRecord): ImageFacts {
  const names: ImageName[] = [];
  const digests = new Set<string>();
  if (record.resource && (record.resource.type === 'image' || record.resource.type === 'repository')) {
    const id = record.resource.id;
    if (isDigest(id)) digests.add(id);
    else {
      const name = parseImageName(id);
      if (name) names.push(name);
    }
  }
  for (const key of REFERENCE_DETAILS) {
    const value = record.details?.[key];
    if (typeof value !== 'string') continue;
    if (isDigest(value)) digests.add(value);
    else {
      const name = parseImageName(value);
      if (name) names.push(name);
    }
  }
  for (const n of names) if (n.digest) digests.add(n.digest);
  const repositories = [...new Set(names.map((n) => n.repository))];
  const pairs = new Map<string, { digest: string; repository: string }>();
  for (const n of names) if (n.digest) pairs.set(`${n.digest} ${n.repository}`, { digest: n.digest, repository: n.repository });
  // A bare digest next to exactly one named repository (scan.complete: digest resource, reference detail).
  if (repositories.length === 1) for (const d of digests) pairs.set(`${d} ${repositories[0]}`, { digest: d, repository: repositories[0]! });
  return { repositories, digests: [...digests], pairs: [...pairs.values()] };
}

export interface RepositoryGlob {
  pattern: string;
  test(repository: string): boolean;
}

/**
 * A repository glob: `*` matches within one path component, `**` across components, `?` one
 * character. `registry.example.com/payments/*` matches `registry.example.com/payments/api` but
 * not `registry.example.com/payments/team/api` (use `payments/**` for that).
 */
export function compileRepositoryGlob(pattern: string): RepositoryGlob {
  const p = pattern.trim();
  if (!/^[A-Za-z0-9._\-/:*?[\]]+$/.test(p) || p.length > 300) {
    throw new CorrelationError('invalid-repository-glob', `repository glob ${JSON.stringify(pattern)} may only contain registry/path characters and * ** ?`);
  }
  // Repositories are compared fully qualified, so a glob without a registry would never match.
  const host = p.split('/')[0]!;
  if (!p.includes('/') || !(/[.:*?[]/.test(host) || host === 'localhost')) {
    throw new CorrelationError('invalid-repository-glob', `repository glob ${JSON.stringify(pattern)} must include the registry, e.g. registry.example.com/team/* or docker.io/library/*`);
  }
  let source = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // Registries are case-insensitive, paths are lower case: compare on lower case.
  const re = new RegExp(`^${source.toLowerCase()}$`);
  return { pattern: p, test: (repository) => re.test(repository.toLowerCase()) };
}

/** A comma-separated list of repository globs (empty: none). */
export function parseRepositoryGlobs(text: string): RepositoryGlob[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(compileRepositoryGlob);
}
