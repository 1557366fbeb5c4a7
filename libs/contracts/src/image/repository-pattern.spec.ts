import { describe, expect, it } from 'vitest';
import { RepositoryMatcher, repositoryOf, SCOPE_PATTERN } from './repository-pattern';

describe('repositoryOf', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine'],
    ['alpine:3.20', 'docker.io/library/alpine'],
    ['team/app:1', 'docker.io/team/app'],
    ['registry.example.com/payments/api:2@sha256:' + 'a'.repeat(64), 'registry.example.com/payments/api'],
    ['127.0.0.1:5000/base/debian:bookworm', '127.0.0.1:5000/base/debian'],
  ])('%s → %s', (ref, repo) => expect(repositoryOf(ref)).toBe(repo));
});

describe('RepositoryMatcher', () => {
  const m = new RepositoryMatcher(['registry.example.com/payments/*', '127.0.0.1:*/base/**']);
  it('matches one segment with * and any depth with **', () => {
    expect(m.matches('registry.example.com/payments/api:1')).toBe(true);
    expect(m.matches('registry.example.com/payments/api/v2:1')).toBe(false);
    expect(m.matches('127.0.0.1:5000/base/debian:12')).toBe(true);
    expect(m.matches('127.0.0.1:5000/base/a/b/c:1')).toBe(true);
    expect(m.matches('registry.example.com/web/site:1')).toBe(false);
    expect(m.matches('registry.example.com.evil.net/payments/api:1')).toBe(false);
  });
  it('is empty without patterns', () => expect(new RepositoryMatcher([]).empty).toBe(true));
});

describe('SCOPE_PATTERN', () => {
  it.each(['registry.example.com/payments/**', '127.0.0.1:*/base/*', '*.example.com/team/app', 'ghcr.io/org'])('accepts %s', (p) => expect(SCOPE_PATTERN.test(p)).toBe(true));
  it.each(['../etc', 'registry.example.com/../x', '', 'a b', '/abs', 'host//x'])('rejects %j', (p) => expect(SCOPE_PATTERN.test(p)).toBe(false));
});
