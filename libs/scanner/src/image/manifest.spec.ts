import { describe, expect, it } from 'vitest';
import { sha256Digest } from './digest';
import { parseDockerConfig } from './docker-config';
import { isImageError } from './errors';
import { pickManifest, defaultResolveOptions } from './image-source';
import { DEFAULT_LIMITS } from './limits';
import { MEDIA_TYPES, parseImageConfig, parseManifestDocument, parsePlatform, type Descriptor, type ImageIndex } from './manifest';
import { parseImageReference } from './reference';
import { parseWwwAuthenticate } from './registry.client';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isImageError(err) ? err.code : String(err);
  }
  return undefined;
}

const config: Descriptor = { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest('c'), size: 1 };
const layer: Descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest('l'), size: 1 };
const manifestJson = (over: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [layer], ...over }));

describe('manifest parsing', () => {
  it('parses manifests and indexes, from the body, the transport or the shape', () => {
    expect(parseManifestDocument(manifestJson(), undefined, 't').kind).toBe('manifest');
    const noType = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
    expect(parseManifestDocument(noType, undefined, 't').kind).toBe('index');
    expect(parseManifestDocument(noType, `${MEDIA_TYPES.dockerList}; charset=utf-8`, 't').mediaType).toBe(MEDIA_TYPES.dockerList);
  });

  it('rejects malformed, schema 1, artifacts and unknown media types', () => {
    expect(codeOf(() => parseManifestDocument(Buffer.from('{nope'), undefined, 't'))).toBe('malformed-manifest');
    expect(codeOf(() => parseManifestDocument(Buffer.from('[]'), undefined, 't'))).toBe('malformed-manifest');
    expect(codeOf(() => parseManifestDocument(Buffer.from('{"schemaVersion":1}'), undefined, 't'))).toBe('unsupported-media-type');
    expect(codeOf(() => parseManifestDocument(manifestJson({ mediaType: 'application/x-thing' }), undefined, 't'))).toBe('unsupported-media-type');
    expect(codeOf(() => parseManifestDocument(manifestJson({ config: { ...config, mediaType: 'application/vnd.cncf.helm.config.v1+json' } }), undefined, 't'))).toBe(
      'unsupported-media-type',
    );
    expect(codeOf(() => parseManifestDocument(manifestJson({ layers: [{ ...layer, mediaType: 'application/x-foo' }] }), undefined, 't'))).toBe('unsupported-media-type');
    expect(codeOf(() => parseManifestDocument(manifestJson({ layers: [{ ...layer, digest: 'sha256:../../etc' }] }), undefined, 't'))).toBe('malformed-manifest');
    expect(codeOf(() => parseManifestDocument(manifestJson({ layers: [{ ...layer, size: -1 }] }), undefined, 't'))).toBe('malformed-manifest');
  });

  it('parses configs and rejects broken ones', () => {
    const cfg = parseImageConfig(
      Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm64', variant: 'v8', rootfs: { diff_ids: [sha256Digest('x')] }, history: [{ created_by: 'a' }, { empty_layer: true }] })),
      't',
    );
    expect([cfg.os, cfg.architecture, cfg.variant, cfg.diffIds.length, cfg.history.length]).toEqual(['linux', 'arm64', 'v8', 1, 2]);
    expect(codeOf(() => parseImageConfig(Buffer.from('{"os":"linux"}'), 't'))).toBe('malformed-config');
    expect(codeOf(() => parseImageConfig(Buffer.from('{"os":"linux","architecture":"amd64","rootfs":{"diff_ids":["x"]}}'), 't'))).toBe('malformed-config');
  });
});

describe('pickManifest', () => {
  const m = manifestJson();
  const mDigest = sha256Digest(m);
  const entry = (digest: string, platform?: Descriptor['platform'], mediaType: string = MEDIA_TYPES.ociManifest): Descriptor => ({
    mediaType,
    digest,
    size: 1,
    ...(platform ? { platform } : {}),
  });
  const index = (manifests: Descriptor[]): ImageIndex => ({ kind: 'index', mediaType: MEDIA_TYPES.ociIndex, manifests });
  const store = new Map<string, Buffer>([[mDigest, m]]);
  const loader = { loadManifest: async (d: Descriptor) => ({ bytes: store.get(d.digest) as Buffer }) };
  const opts = (platform?: string) => ({ ...defaultResolveOptions(DEFAULT_LIMITS), ...(platform ? { platform: parsePlatform(platform), platformExplicit: true } : {}) });

  it('picks the platform, default linux/amd64, arm64 variant v8 by default', async () => {
    const arm = manifestJson({ annotations: { arm: 'yes' } });
    store.set(sha256Digest(arm), arm);
    const idx = index([
      entry(sha256Digest('att'), { os: 'unknown', architecture: 'unknown' }),
      entry(mDigest, { os: 'linux', architecture: 'amd64' }),
      entry(sha256Digest(arm), { os: 'linux', architecture: 'arm64' }),
    ]);
    expect((await pickManifest({ doc: idx, bytes: Buffer.alloc(0) }, loader, opts(), 't')).digest).toBe(mDigest);
    expect((await pickManifest({ doc: idx, bytes: Buffer.alloc(0) }, loader, opts('linux/arm64/v8'), 't')).digest).toBe(sha256Digest(arm));
    const err = await pickManifest({ doc: idx, bytes: Buffer.alloc(0) }, loader, opts('linux/s390x'), 't').catch((e: unknown) => e);
    expect(isImageError(err, 'platform-not-found')).toBe(true);
    expect((err as Error).message).toContain('linux/amd64, linux/arm64');
  });

  it('refuses index cycles and nesting deeper than the limit', async () => {
    // A cycle cannot pass digest verification; the guard still stops a loader that lies.
    const selfDigest = sha256Digest('self');
    const selfIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [entry(selfDigest, undefined, MEDIA_TYPES.ociIndex)] }));
    const lying = { loadManifest: async () => ({ bytes: selfIndex }) };
    const cyc = await pickManifest({ doc: index([entry(selfDigest, undefined, MEDIA_TYPES.ociIndex)]), digest: 'sha256:' + 'a'.repeat(64), bytes: Buffer.alloc(0) }, lying, opts(), 't').catch(
      (e: unknown) => e,
    );
    expect(isImageError(cyc, 'index-cycle')).toBe(true);

    let depth = 0;
    const deep = {
      loadManifest: async () => {
        depth++;
        return { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [entry(sha256Digest(`n${depth}`), undefined, MEDIA_TYPES.ociIndex)] })) };
      },
    };
    const err = await pickManifest({ doc: index([entry(sha256Digest('n0'), undefined, MEDIA_TYPES.ociIndex)]), bytes: Buffer.alloc(0) }, deep, opts(), 't').catch((e: unknown) => e);
    expect(isImageError(err, 'index-too-deep')).toBe(true);
    // The top index plus maxIndexDepth - 1 nested ones are fine; the next one is refused.
    expect(depth).toBe(DEFAULT_LIMITS.maxIndexDepth);
  });
});

describe('references and credentials', () => {
  it('parses references like Docker', () => {
    expect(parseImageReference('debian')).toEqual({ registry: 'docker.io', repository: 'library/debian', tag: 'latest' });
    expect(parseImageReference('127.0.0.1:5000/a/b:v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'a/b', tag: 'v1' });
    const d = sha256Digest('x');
    expect(parseImageReference(`localhost/x@${d}`)).toEqual({ registry: 'localhost', repository: 'x', digest: d });
    for (const bad of ['', 'UPPER/case', 'a/../b', 'x:bad tag', 'x@sha256:123', 'a//b']) {
      expect(codeOf(() => parseImageReference(bad))).toBe('invalid-reference');
    }
  });

  it('parses docker config.json auths', () => {
    const store = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:secret:with:colons').toString('base64') },
          '127.0.0.1:5000': { username: 'u', password: 'p' },
          'empty.example': {},
        },
      }),
    );
    expect(store.get('docker.io')).toEqual({ username: 'hub', password: 'secret:with:colons' });
    expect(store.get('127.0.0.1:5000')).toEqual({ username: 'u', password: 'p' });
    expect(store.has('empty.example')).toBe(false);
    expect(codeOf(() => parseDockerConfig('{"auths":{"x":{"auth":"bm9jb2xvbg=="}}}'))).toBe('invalid-option');
  });

  it('parses WWW-Authenticate challenges', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull,push' },
    });
    expect(parseWwwAuthenticate('Basic realm="x"')?.scheme).toBe('basic');
    expect(parseWwwAuthenticate(null)).toBeUndefined();
  });
});
