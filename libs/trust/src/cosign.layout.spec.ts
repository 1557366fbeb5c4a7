import { buildSimpleSigningPayload } from '@lazaret/crypto';
import { describe, expect, it } from 'vitest';
import { appendSignatureLayers, cosignTag, goTime, parseArtifactManifest, serializeManifest, signatureConfig, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign.layout';
import { sha256Digest } from './digest.util';
import { isTrustError } from './errors';

// A signature pushed by cosign v1.13.1 (`cosign sign --key`), recorded with `-d` (HTTP trace) in
// the public notes of github user chihjenhuang ("cosign related traffic", 2023-02-17): the PUT of
// index.docker.io/chihjenhuang/cosign1:sha256-4c1c…380d.sig, its config blob and its layer digest.
const COSIGN_TRACE = {
  image: 'sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d',
  dockerReference: 'index.docker.io/chihjenhuang/cosign1',
  payloadDigest: 'sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc',
  payloadSize: 252,
  created: '2023-02-17T09:25:33.91047962-08:00',
  config:
    '{"architecture":"","created":"2023-02-17T09:25:33.91047962-08:00","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc"]},"config":{}}',
  configDigest: 'sha256:85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95',
  signature: 'MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw',
  manifest:
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":247,"digest":"sha256:85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":252,"digest":"sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc","annotations":{"dev.cosignproject.cosign/signature":"MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw"}}]}',
  manifestDigest: 'sha256:7ebe8964225fa4619b53aa35416ef0246c037e36ddf81776b21b15e1dda2262b',
};

describe('cosign layout', () => {
  it('names tags like cosign', () => {
    expect(cosignTag(COSIGN_TRACE.image, 'sig')).toBe('sha256-4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d.sig');
    expect(cosignTag(COSIGN_TRACE.image, 'att')).toMatch(/^sha256-[0-9a-f]{64}\.att$/);
    expect(() => cosignTag('sha256:XYZ', 'sig')).toThrow(/sha256/);
  });

  it('reproduces the payload, config and manifest cosign pushed, byte for byte', () => {
    const payload = buildSimpleSigningPayload(COSIGN_TRACE.dockerReference, COSIGN_TRACE.image);
    expect(payload.length).toBe(COSIGN_TRACE.payloadSize);
    expect(sha256Digest(payload)).toBe(COSIGN_TRACE.payloadDigest);
    const config = signatureConfig([COSIGN_TRACE.payloadDigest], COSIGN_TRACE.created);
    expect(config.toString()).toBe(COSIGN_TRACE.config);
    expect(sha256Digest(config)).toBe(COSIGN_TRACE.configDigest);
    const built = appendSignatureLayers(
      undefined,
      [{ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: sha256Digest(payload), annotations: { 'dev.cosignproject.cosign/signature': COSIGN_TRACE.signature } }],
      COSIGN_TRACE.created,
    );
    expect(built.manifest.toString()).toBe(COSIGN_TRACE.manifest);
    expect(sha256Digest(built.manifest)).toBe(COSIGN_TRACE.manifestDigest);
  });

  it('appends layers, keeping the existing ones in order, and re-serialises what it parsed byte-identically', () => {
    const doc = parseArtifactManifest(Buffer.from(COSIGN_TRACE.manifest));
    expect(serializeManifest(doc).toString()).toBe(COSIGN_TRACE.manifest);
    const extra = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: 10, digest: sha256Digest('x'), annotations: { 'dev.cosignproject.cosign/signature': 'AAAA' } };
    const built = appendSignatureLayers(doc, [extra], '2024-01-01T00:00:00Z');
    const again = parseArtifactManifest(built.manifest);
    expect(again.layers.map((l) => l.digest)).toEqual([COSIGN_TRACE.payloadDigest, extra.digest]);
    expect(JSON.parse(built.config.toString()).rootfs.diff_ids).toEqual([COSIGN_TRACE.payloadDigest, extra.digest]);
    expect(JSON.parse(built.config.toString()).history).toHaveLength(2);
  });

  it('escapes and orders like Go encoding/json', () => {
    const m = serializeManifest({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'a', size: 1, digest: sha256Digest('a') },
      layers: [{ mediaType: 'b', size: 1, digest: sha256Digest('b'), annotations: { z: '<&>', a: 'é', B: '1' } }],
    }).toString();
    expect(m).toContain('"annotations":{"B":"1","a":"é","z":"\\u003c\\u0026\\u003e"}');
  });

  it('formats times as Go does', () => {
    expect(goTime(new Date('2024-05-06T07:08:09.120Z'))).toBe('2024-05-06T07:08:09.12Z');
    expect(goTime(new Date('2024-05-06T07:08:09.000Z'))).toBe('2024-05-06T07:08:09Z');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['schema 1', '{"schemaVersion":1}'],
    ['no layers', '{"schemaVersion":2,"config":{"mediaType":"a","size":1,"digest":"sha256:' + 'a'.repeat(64) + '"}}'],
    ['a bad layer digest', '{"schemaVersion":2,"config":{"mediaType":"a","size":1,"digest":"sha256:' + 'a'.repeat(64) + '"},"layers":[{"mediaType":"x","size":1,"digest":"sha256:zz"}]}'],
    ['an index', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'],
    ['non-string annotations', '{"schemaVersion":2,"config":{"mediaType":"a","size":1,"digest":"sha256:' + 'a'.repeat(64) + '"},"layers":[{"mediaType":"x","size":1,"digest":"sha256:' + 'b'.repeat(64) + '","annotations":{"k":1}}]}'],
  ])('rejects a manifest that is %s', (_name, text) => {
    let caught: unknown;
    try {
      parseArtifactManifest(Buffer.from(text));
    } catch (err) {
      caught = err;
    }
    expect(isTrustError(caught, 'malformed-signature')).toBe(true);
  });
});
