import { describe, expect, it } from 'vitest';
import { VersionError } from './errors';
import { type OsvEvent, isAffected, isAffectedByAny } from './range';
import { getComparator } from './registry';

const semver = getComparator('SEMVER')!;
const eco = (name: string) => getComparator(name)!;

describe('isAffected (OSV schema "Evaluation")', () => {
  it('unfixed vulnerability: introduced "0" affects every version', () => {
    const events = [{ introduced: '0' }];
    for (const v of ['0.0.0', '0.0.0-alpha', '1.0.0', '999.0.0']) expect(isAffected(semver, v, events)).toBe(true);
  });

  it('fixed vulnerability: everything before 1.0.2', () => {
    const events = [{ introduced: '0' }, { fixed: '1.0.2' }];
    expect(isAffected(semver, '1.0.1', events)).toBe(true);
    expect(isAffected(semver, '1.0.2-rc.1', events)).toBe(true);
    expect(isAffected(semver, '1.0.2', events)).toBe(false);
    expect(isAffected(semver, '1.0.3', events)).toBe(false);
  });

  it('multiple ranges in one events list: [1.0.0, 1.0.2) and [3.0.0, 3.2.5)', () => {
    const events = [{ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' }];
    const expected: Record<string, boolean> = {
      '0.9.0': false,
      '1.0.0': true,
      '1.0.1': true,
      '1.0.2': false,
      '2.0.0': false,
      '3.0.0': true,
      '3.2.4': true,
      '3.2.5': false,
      '4.0.0': false,
    };
    for (const [v, want] of Object.entries(expected)) expect(isAffected(semver, v, events), v).toBe(want);
  });

  it('events may come in any order', () => {
    const events = [{ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }];
    expect(isAffected(semver, '1.0.1', events)).toBe(true);
    expect(isAffected(semver, '2.0.0', events)).toBe(false);
    expect(isAffected(semver, '3.1.0', events)).toBe(true);
    expect(isAffected(semver, '3.2.5', events)).toBe(false);
  });

  it('last_affected is inclusive, fixed is exclusive (the spec\'s 2.1.214 example)', () => {
    const last = [{ introduced: '0' }, { last_affected: '2.1.214' }];
    const fixed = [{ introduced: '0' }, { fixed: '2.1.214' }];
    expect(isAffected(eco('Maven'), '2.1.214', last)).toBe(true);
    expect(isAffected(eco('Maven'), '2.1.215', last)).toBe(false);
    expect(isAffected(semver, '2.1.214', fixed)).toBe(false);
    expect(isAffected(semver, '2.1.213', fixed)).toBe(true);
  });

  it('limit: the version must be below at least one limit; "*" is infinity', () => {
    const events: OsvEvent[] = [{ introduced: '1.0.0' }, { limit: '2.0.0' }];
    expect(isAffected(semver, '1.5.0', events)).toBe(true);
    expect(isAffected(semver, '2.0.0', events)).toBe(false);
    expect(isAffected(semver, '2.5.0', events)).toBe(false);
    expect(isAffected(semver, '2.5.0', [{ introduced: '1.0.0' }, { limit: '2.0.0' }, { limit: '3.0.0' }])).toBe(true);
    expect(isAffected(semver, '9.0.0', [{ introduced: '1.0.0' }, { limit: '*' }])).toBe(true);
    expect(isAffected(semver, '0.5.0', [{ introduced: '1.0.0' }, { limit: '*' }])).toBe(false);
  });

  it('uses the ecosystem ordering (dpkg epochs and tildes, PEP 440 pre-releases)', () => {
    const debian = [{ introduced: '0' }, { fixed: '1:2.3-1' }];
    expect(isAffected(eco('Debian:12'), '2.9-1', debian)).toBe(true); // no epoch = epoch 0
    expect(isAffected(eco('Debian:12'), '1:2.3-1~deb12u1', debian)).toBe(true);
    expect(isAffected(eco('Debian:12'), '1:2.3-1+deb12u1', debian)).toBe(false);
    const pypi = [{ introduced: '2.8.0' }, { fixed: '2.10.0' }];
    expect(isAffected(eco('PyPI'), '2.10.0rc1', pypi)).toBe(true);
    expect(isAffected(eco('PyPI'), '2.8.0.post1', pypi)).toBe(true);
    expect(isAffected(eco('PyPI'), '2.8.0.dev1', pypi)).toBe(false);
  });

  it('throws a typed error for an unparsable version (never guesses)', () => {
    expect(() => isAffected(semver, 'not-a-version', [{ introduced: '0' }])).toThrow(VersionError);
    try {
      isAffected(semver, '1.0.0', [{ introduced: '0' }, { fixed: 'junk' }]);
      expect.unreachable();
    } catch (err) {
      expect((err as VersionError).code).toBe('unparsable-version');
    }
  });

  it('rejects malformed events', () => {
    const bad = [[{ introduced: '1.0.0', fixed: '1.0.2' }], [{}], [{ fixed: '' }], [{ introduced: '0' }, { removed: '1.0.0' } as OsvEvent]];
    for (const events of bad) {
      try {
        isAffected(semver, '1.0.0', events);
        expect.unreachable();
      } catch (err) {
        expect((err as VersionError).code).toBe('invalid-range');
      }
    }
  });

  it('isAffectedByAny: any range including the version', () => {
    const ranges = [[{ introduced: '1.0.0' }, { fixed: '1.0.2' }], [{ introduced: '3.0.0' }, { fixed: '3.2.5' }]];
    expect(isAffectedByAny(semver, '3.1.0', ranges)).toBe(true);
    expect(isAffectedByAny(semver, '2.0.0', ranges)).toBe(false);
  });
});
