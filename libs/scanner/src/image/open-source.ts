import { promises as fs } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileArchive, type ArchiveBlob } from './archive.store';
import { openArchiveSource, type ArchiveFormat } from './archive.source';
import { loadDockerConfig, type CredentialStore, type RegistryCredentials } from './docker-config';
import { ImageError } from './errors';
import type { ImageSource } from './image-source';
import { resolveLimits, type ImageLimits } from './limits';
import { DirectoryLayoutStore } from './oci-layout.store';
import { OciImageSource } from './oci.source';
import { parseImageReference } from './reference';
import type { FetchLike } from './registry.client';
import { RegistryImageSource } from './registry.source';
import { RootfsSource, type RootfsOptions } from './rootfs.source';

export type SourceFormat = 'auto' | 'registry' | 'oci-layout' | 'oci-archive' | 'docker-archive' | 'rootfs';

export interface OpenSourceOptions {
  /** How to read the input; `auto` (default) looks at a transport prefix, then at the path. */
  format?: SourceFormat;
  /** Registry: allow plain HTTP. */
  insecure?: boolean;
  /** Registry credentials; otherwise from `dockerConfig` (path) or the default docker config.json. */
  credentials?: RegistryCredentials;
  dockerConfig?: string | CredentialStore;
  /** Tests and proxies: the fetch implementation (defaults to the global undici fetch). */
  fetch?: FetchLike;
  rootfs?: RootfsOptions;
  limits?: Partial<ImageLimits> | ImageLimits;
  signal?: AbortSignal;
}

const PREFIXES: Record<string, Exclude<SourceFormat, 'auto'>> = {
  'docker://': 'registry',
  'registry:': 'registry',
  'oci:': 'oci-layout',
  'oci-layout:': 'oci-layout',
  'oci-archive:': 'oci-archive',
  'docker-archive:': 'docker-archive',
  'rootfs:': 'rootfs',
  'dir:': 'rootfs',
};

async function statKind(path: string): Promise<'dir' | 'file' | undefined> {
  try {
    const st = await fs.stat(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** `PATH[:TAG]`: the whole string when it exists, else split at the last colon (skopeo style). */
async function splitPathTag(text: string): Promise<{ path: string; tag?: string; kind?: 'dir' | 'file' }> {
  const whole = await statKind(text);
  if (whole) return { path: text, kind: whole };
  const colon = text.lastIndexOf(':');
  if (colon > 0) {
    const path = text.slice(0, colon);
    const kind = await statKind(path);
    if (kind) return { path, tag: text.slice(colon + 1), kind };
  }
  return { path: text };
}

async function credentialStore(opts: OpenSourceOptions): Promise<CredentialStore | undefined> {
  if (opts.credentials) return undefined;
  if (typeof opts.dockerConfig === 'object') return opts.dockerConfig;
  return loadDockerConfig(opts.dockerConfig);
}

/**
 * Opens an image from a string: `docker://` / `registry:` references, `oci:DIR[:TAG]`,
 * `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:TAG]`, `rootfs:DIR`, or with `auto` a bare
 * path (a directory with `oci-layout` is an OCI layout, another directory a root filesystem, a
 * file an archive whose contents say which kind) or else a registry reference.
 */
export async function openImageSource(input: string, opts: OpenSourceOptions = {}): Promise<ImageSource> {
  const limits = resolveLimits(opts.limits);
  let format: SourceFormat = opts.format ?? 'auto';
  let rest = input;
  for (const [prefix, f] of Object.entries(PREFIXES)) {
    if (input.startsWith(prefix)) {
      if (format !== 'auto' && format !== f) {
        throw new ImageError('invalid-option', `input ${JSON.stringify(input)} says ${f} but format ${format} was asked for`);
      }
      format = f;
      rest = input.slice(prefix.length);
      break;
    }
  }

  if (format === 'registry') return registrySource(rest, opts, limits);

  const { path, tag, kind } = await splitPathTag(rest);
  if (format === 'auto') {
    if (kind === 'dir') format = (await statKind(resolvePath(path, 'oci-layout'))) === 'file' ? 'oci-layout' : 'rootfs';
    else if (kind === 'file') return openArchive(fileArchive(resolvePath(path)), undefined, tag, `archive:${resolvePath(path)}`, limits);
    else if (/^[./~]/.test(rest)) throw new ImageError('source-not-found', `${rest}: no such file or directory`);
    else return registrySource(rest, opts, limits);
  }
  if (!kind) throw new ImageError('source-not-found', `${rest}: no such file or directory`);
  const abs = resolvePath(path);
  switch (format) {
    case 'oci-layout':
      if (kind !== 'dir') throw new ImageError('source-not-found', `${abs} is not a directory`);
      return new OciImageSource('oci-layout', `oci:${abs}${tag ? `:${tag}` : ''}`, new DirectoryLayoutStore(abs), tag);
    case 'rootfs':
      if (kind !== 'dir' || tag !== undefined) throw new ImageError('source-not-found', `${rest} is not a directory`);
      return new RootfsSource(`rootfs:${abs}`, abs, opts.rootfs);
    case 'oci-archive':
    case 'docker-archive':
      if (kind !== 'file') throw new ImageError('source-not-found', `${abs} is not a file`);
      return openArchive(fileArchive(abs), format, tag, `${format}:${abs}${tag ? `:${tag}` : ''}`, limits);
    default:
      throw new ImageError('unsupported-source', `unsupported source format ${String(format)}`);
  }
}

function openArchive(input: ArchiveBlob, format: ArchiveFormat | undefined, tag: string | undefined, reference: string, limits: ImageLimits): Promise<ImageSource> {
  return openArchiveSource(input, { format, tag, reference, limits });
}

async function registrySource(text: string, opts: OpenSourceOptions, limits: ImageLimits): Promise<ImageSource> {
  const ref = parseImageReference(text.replace(/^\/\//, ''));
  return new RegistryImageSource(ref, {
    insecure: opts.insecure,
    credentials: opts.credentials,
    credentialStore: await credentialStore(opts),
    limits,
    fetch: opts.fetch,
    signal: opts.signal,
  });
}

/**
 * An archive from anywhere that can stream it (and stream it again): an upload in an object
 * store, an HTTP body spooled elsewhere. Detects OCI vs docker archives from their contents.
 */
export function openArchiveBlob(input: ArchiveBlob, opts: { format?: ArchiveFormat; tag?: string; limits?: Partial<ImageLimits> } = {}): Promise<ImageSource> {
  return openArchiveSource(input, {
    format: opts.format,
    tag: opts.tag,
    reference: `${opts.format ?? 'archive'}:${input.name}${opts.tag ? `:${opts.tag}` : ''}`,
    limits: resolveLimits(opts.limits),
  });
}
