import { describe, expect, it } from 'vitest';
import { primaryCvss, ratingOfScore, scoreCvss, vendorSeverity } from './severity';

describe('CVSS scoring (ae-cvss-calculator)', () => {
  // Expected base scores as published by NVD for these vectors.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 10, 'critical'], // CVE-2021-44228
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', '3.1', 8.8, 'high'], // CVE-2023-4863
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', '3.1', 7.8, 'high'], // CVE-2023-4911
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', '3.1', 6.1, 'medium'], // CVE-2023-32681
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8, 'critical'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3, 'critical'],
    ['AV:N/AC:M/Au:N/C:C/I:C/A:C', '2.0', 9.3, 'high'], // CVE-2021-44228 v2
  ])('%s', (vector, version, score, rating) => {
    expect(scoreCvss(vector)).toEqual({ vector, version, score, rating });
  });

  it('gives no score for incomplete or foreign vectors', () => {
    for (const v of ['CVSS:3.1/AV:N', 'garbage', '', 'CVSS:9.9/AV:N']) expect(scoreCvss(v)).toBeUndefined();
  });

  it('rates on the CVSS scale', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => ratingOfScore(s, '3.1'))).toEqual(['negligible', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    expect(ratingOfScore(10, '2.0')).toBe('high');
  });

  it('prefers the newest CVSS version', () => {
    const v3 = scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')!;
    const v4 = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')!;
    expect(primaryCvss([v3, v4])).toBe(v4);
  });
});

describe('distribution severities', () => {
  it('maps Debian urgency and Ubuntu priority', () => {
    expect(vendorSeverity('Debian', { urgency: 'unimportant' }, undefined, [])).toEqual({ source: 'debian', raw: 'unimportant', rating: 'negligible' });
    expect(vendorSeverity('Debian', undefined, { urgency: 'high' }, [])?.rating).toBe('high');
    expect(vendorSeverity('Debian', { urgency: 'not yet assigned' }, undefined, [])?.rating).toBe('unknown');
    expect(vendorSeverity('Ubuntu', undefined, undefined, [{ type: 'Ubuntu', score: 'medium' }])).toEqual({ source: 'ubuntu', raw: 'medium', rating: 'medium' });
    expect(vendorSeverity('Debian', undefined, undefined, [])).toBeUndefined();
  });
});
