import { describe, expect, it } from 'vitest';
import { normalizeLicense, normalizeLicenses, parseSpdxExpression, spdxLicenseId } from './spdx-license';

describe('SPDX license normalisation', () => {
  it.each([
    ['MIT', 'MIT'],
    ['mit', 'MIT'],
    ['apache-2.0', 'Apache-2.0'],
    ['MIT OR Apache-2.0', 'MIT OR Apache-2.0'],
    ['(MIT OR Apache-2.0)', 'MIT OR Apache-2.0'],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', '(MIT OR Apache-2.0) AND BSD-3-Clause'],
    ['mit and isc', 'MIT AND ISC'],
    ['GPL-2.0-only WITH Classpath-exception-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['LicenseRef-Proprietary', 'LicenseRef-Proprietary'],
    ['MIT AND', undefined],
    ['(MIT', undefined],
    ['MIT OR Foo-Bar', undefined],
    ['GPL-2.0-only WITH MIT-bogus-exception', undefined],
    ['', undefined],
    ['Apache License 2.0', undefined],
  ])('parseSpdxExpression(%j) = %j', (text, want) => {
    expect(parseSpdxExpression(text)).toBe(want);
  });

  it.each([
    ['The Apache Software License, Version 2.0', 'Apache-2.0'],
    ['Apache License, Version 2.0', 'Apache-2.0'],
    ['ASL 2.0', 'Apache-2.0'],
    ['MIT License', 'MIT'],
    ['BSD 3-Clause License', 'BSD-3-Clause'],
    ['GPLv2+', 'GPL-2.0-or-later'],
    ['GPLv2+ and LGPLv2+', 'GPL-2.0-or-later AND LGPL-2.0-or-later'],
    ['MIT/Apache-2.0', 'MIT OR Apache-2.0'],
    ['GNU General Public License v2 or later (GPLv2+)', 'GPL-2.0-or-later'],
    ['Mozilla Public License 2.0 (MPL 2.0)', 'MPL-2.0'],
    ['Python Software Foundation License', 'PSF-2.0'],
    ['https://www.apache.org/licenses/LICENSE-2.0.txt', 'Apache-2.0'],
    ['http://www.eclipse.org/legal/epl-v10.html', 'EPL-1.0'],
    ['https://example.com/my-license', 'https://example.com/my-license'],
    ['BSD', 'BSD'],
    ['Public Domain', 'Public Domain'],
    ['GPL+ or Artistic', 'GPL-1.0-or-later OR Artistic-1.0-Perl'],
    ['  MIT   License ', 'MIT'],
  ])('normalizeLicense(%j) = %j', (text, want) => {
    expect(normalizeLicense(text)).toBe(want);
  });

  it('drops empties, placeholders and duplicates; clips hostile text', () => {
    expect(normalizeLicenses(['MIT', 'MIT License', '', '  ', 'UNKNOWN', 'NOASSERTION', undefined, null, 'ISC'])).toEqual(['MIT', 'ISC']);
    expect(normalizeLicenses(['x'.repeat(100_000)])[0].length).toBe(1024);
  });

  it('knows the SPDX list, case-insensitively', () => {
    expect(spdxLicenseId('apache-2.0')).toBe('Apache-2.0');
    expect(spdxLicenseId('Apache 2')).toBeUndefined();
  });

  it('survives pathological expressions', () => {
    expect(parseSpdxExpression('('.repeat(10_000) + 'MIT' + ')'.repeat(10_000))).toBeUndefined();
    expect(parseSpdxExpression(Array(200).fill('MIT').join(' AND '))).toMatch(/^MIT AND/);
  });
});
