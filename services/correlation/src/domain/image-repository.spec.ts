import type { AuditRecord } from '@lazaret/contracts';
import { describe, expect, it } from 'vitest';
import { compileRepositoryGlob, imageFacts, parseImageName, parseRepositoryGlobs } from './image-repository';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('parseImageName', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine', undefined],
    ['alpine:3.20', 'docker.io/library/alpine', undefined],
    ['nginx/nginx-ingress:1', 'docker.io/nginx/nginx-ingress', undefined],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine', undefined],
    ['Registry.Example.com/payments/api:1.0', 'registry.example.com/payments/api', undefined],
    ['registry.example.com/payments/api@' + D1, 'registry.example.com/payments/api', D1],
    ['127.0.0.1:5000/team/app:v1@' + D1, '127.0.0.1:5000/team/app', D1],
    ['localhost/app', 'localhost/app', undefined],
  ])('%s -> %s', (text, repository, digest) => {
    expect(parseImageName(text)).toEqual(digest ? { repository, digest } : { repository });
  });

  it.each(['', 'UPPER/case', 'repo@sha256:xyz', D1, 'upload-0190a3c4-7b9e-7cc1-9d1c-1a2b3c4d5e6f', 'has space', 'a'.repeat(1100)])('refuses %j', (text) => {
    expect(parseImageName(text)).toBeNull();
  });
});

describe('imageFacts', () => {
  const actor = { type: 'principal' as const, id: 'p1' };
  const rec = (r: Partial<AuditRecord>): AuditRecord => ({ service: 'gateway', action: 'image.read-sbom', actor, outcome: 'success', ...r });
  it.each<[string, AuditRecord, ReturnType<typeof imageFacts>]>([
    ['gateway image.read-sbom: digest only', rec({ resource: { type: 'image', id: D1 } }), { repositories: [], digests: [D1], pairs: [] }],
    [
      'ingest image.submit: reference in details.source',
      rec({ service: 'ingest', action: 'image.submit', resource: { type: 'submission', id: '0190a3c4-7b9e-7cc1-9d1c-1a2b3c4d5e6f' }, details: { source: 'registry.example.com/payments/api:1', platform: 'linux/amd64' } }),
      { repositories: ['registry.example.com/payments/api'], digests: [], pairs: [] },
    ],
    ['ingest image.submit of an upload', rec({ service: 'ingest', action: 'image.submit', details: { source: 'upload-0190a3c4-7b9e-7cc1-9d1c-1a2b3c4d5e6f' } }), { repositories: [], digests: [], pairs: [] }],
    [
      'scanning scan.complete: digest resource next to the reference',
      rec({ service: 'scanning', action: 'scan.complete', actor: { type: 'service', id: 'scanning' }, resource: { type: 'image', id: D1 }, details: { reference: 'registry.example.com/payments/api:1', packages: 3 } }),
      { repositories: ['registry.example.com/payments/api'], digests: [D1], pairs: [{ digest: D1, repository: 'registry.example.com/payments/api' }] },
    ],
    [
      'signing image.sign: repository@digest resource',
      rec({ service: 'signing', action: 'image.sign', resource: { type: 'image', id: `registry.example.com/payments/api@${D2}` }, details: { reference: 'registry.example.com/payments/api:1' } }),
      { repositories: ['registry.example.com/payments/api'], digests: [D2], pairs: [{ digest: D2, repository: 'registry.example.com/payments/api' }] },
    ],
    ['a record about no image', rec({ action: 'principal.create', resource: { type: 'principal', id: 'x' }, details: { name: 'alice' } }), { repositories: [], digests: [], pairs: [] }],
  ])('%s', (_name, record, facts) => {
    expect(imageFacts(record)).toEqual(facts);
  });
});

describe('repository globs', () => {
  it.each([
    ['registry.example.com/payments/*', 'registry.example.com/payments/api', true],
    ['registry.example.com/payments/*', 'registry.example.com/payments/team/api', false],
    ['registry.example.com/payments/**', 'registry.example.com/payments/team/api', true],
    ['registry.example.com/payments/*', 'registry.example.com/paymentsx/api', false],
    ['registry.example.com/payments/*', 'other.example.com/payments/api', false],
    ['Registry.Example.com/payments/*', 'registry.example.com/payments/api', true],
    ['*.example.com/payments/api', 'eu.example.com/payments/api', true],
    ['registry.example.com/app-?', 'registry.example.com/app-1', true],
    ['127.0.0.1:5000/secret/*', '127.0.0.1:5000/secret/db', true],
    ['registry.example.com/a.b', 'registry.example.com/aXb', false],
  ])('%s ~ %s: %s', (glob, repo, match) => {
    expect(compileRepositoryGlob(glob).test(repo)).toBe(match);
  });

  it('parses a comma list and refuses nonsense with the glob named', () => {
    expect(parseRepositoryGlobs(' a.io/x/* , b.io/** ,').map((g) => g.pattern)).toEqual(['a.io/x/*', 'b.io/**']);
    expect(parseRepositoryGlobs('')).toEqual([]);
    expect(() => parseRepositoryGlobs('payments')).toThrow(/"payments" must include the registry/);
    expect(() => parseRepositoryGlobs('a.io/x y')).toThrow(/"a.io\/x y" may only contain/);
  });
});
