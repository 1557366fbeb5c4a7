import { describe, expect, it } from 'vitest';
import { RegistryPolicy, registryOf } from './registry-policy';

describe('registryOf', () => {
  it.each([
    ['alpine', 'docker.io'],
    ['library/alpine:3.20', 'docker.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
  ])('%s is on %s', (ref, registry) => expect(registryOf(ref)).toBe(registry));
});

describe('RegistryPolicy', () => {
  it('allows everything with *', () => {
    expect(new RegistryPolicy('*', true).check('10.0.0.1:5000/x', true)).toBeUndefined();
  });
  it('allows only listed registries, with wildcards', () => {
    const p = new RegistryPolicy('ghcr.io, *.example.com, 127.0.0.1:*', false);
    expect(p.check('ghcr.io/a/b:1', false)).toBeUndefined();
    expect(p.check('registry.example.com/a', false)).toBeUndefined();
    expect(p.check('127.0.0.1:5000/a', false)).toBeUndefined();
    expect(p.check('alpine', false)).toMatch(/docker.io is not in the allowed list/);
    expect(p.check('169.254.169.254/latest', false)).toMatch(/not in the allowed list/);
    expect(p.check('evil.example.com.attacker.net/a', false)).toMatch(/not in the allowed list/);
    expect(p.check('ghcr.io/a', true)).toMatch(/plain-HTTP/);
  });
});
