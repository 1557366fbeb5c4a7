import spdxSchema from '../../sbom/schemas/spdx.schema.json';

/**
 * License normalisation: declared license text → SPDX license id or expression when it maps to
 * one, otherwise the declared text unchanged. The id list is CycloneDX's copy of the SPDX
 * license list (the same file the SBOM schema validation uses), so the two never disagree.
 */

const canonicalIds = new Map<string, string>((spdxSchema.enum as string[]).map((id) => [id.toLowerCase(), id]));

/** The canonical spelling of an SPDX license (or exception) id, or undefined. */
export function spdxLicenseId(text: string): string | undefined {
  return canonicalIds.get(text.trim().toLowerCase());
}

type Token = { kind: 'id' | 'op' | 'open' | 'close'; text: string };

function tokenize(expr: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|[A-Za-z0-9.+:-]+)/y;
  let pos = 0;
  const s = expr.trim();
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    pos = re.lastIndex;
    const t = m[1];
    if (t === '(') tokens.push({ kind: 'open', text: t });
    else if (t === ')') tokens.push({ kind: 'close', text: t });
    else if (/^(and|or|with)$/i.test(t)) tokens.push({ kind: 'op', text: t.toUpperCase() });
    else tokens.push({ kind: 'id', text: t });
    while (pos < s.length && /\s/.test(s[pos])) pos++;
  }
  return tokens;
}

function canonicalLicenseRef(t: string): string | undefined {
  if (/^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(t)) return t;
  const plus = t.endsWith('+');
  const id = spdxLicenseId(plus ? t.slice(0, -1) : t);
  return id ? id + (plus ? '+' : '') : undefined;
}

/**
 * Parses an SPDX license expression (ids, `+`, `WITH`, `AND`, `OR`, parentheses, LicenseRef-).
 * Returns the canonical spelling, or undefined when it is not a valid expression.
 */
export function parseSpdxExpression(expr: string): string | undefined {
  const tokens = tokenize(expr);
  if (!tokens || tokens.length === 0 || tokens.length > 512) return undefined;
  let i = 0;
  const out: string[] = [];

  const simple = (): boolean => {
    const t = tokens[i];
    if (!t) return false;
    if (t.kind === 'open') {
      i++;
      out.push('(');
      if (!orExpr()) return false;
      if (tokens[i]?.kind !== 'close') return false;
      i++;
      out.push(')');
      return true;
    }
    if (t.kind !== 'id') return false;
    const id = canonicalLicenseRef(t.text);
    if (!id) return false;
    i++;
    out.push(id);
    if (tokens[i]?.kind === 'op' && tokens[i].text === 'WITH') {
      const exc = tokens[i + 1];
      const excId = exc?.kind === 'id' ? spdxLicenseId(exc.text) : undefined;
      if (!excId) return false;
      out.push('WITH', excId);
      i += 2;
    }
    return true;
  };
  const andExpr = (): boolean => {
    if (!simple()) return false;
    while (tokens[i]?.kind === 'op' && tokens[i].text === 'AND') {
      out.push('AND');
      i++;
      if (!simple()) return false;
    }
    return true;
  };
  const orExpr = (): boolean => {
    if (!andExpr()) return false;
    while (tokens[i]?.kind === 'op' && tokens[i].text === 'OR') {
      out.push('OR');
      i++;
      if (!andExpr()) return false;
    }
    return true;
  };

  if (!orExpr() || i !== tokens.length) return undefined;
  return stripOuterParens(out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')'));
}

/** `(MIT OR Apache-2.0)` → `MIT OR Apache-2.0`, only when the outer pair encloses everything. */
function stripOuterParens(s: string): string {
  while (s.startsWith('(') && s.endsWith(')')) {
    let depth = 0;
    let enclosesAll = true;
    for (let k = 0; k < s.length - 1; k++) {
      if (s[k] === '(') depth++;
      else if (s[k] === ')') depth--;
      if (depth === 0) {
        enclosesAll = false;
        break;
      }
    }
    if (!enclosesAll) break;
    s = s.slice(1, -1);
  }
  return s;
}

/** True for a single id or a compound expression that validates. */
export function isSpdxExpression(text: string): boolean {
  return parseSpdxExpression(text) !== undefined;
}

/** True when the expression is a single license id (no operators). */
export function isSingleLicenseId(text: string): boolean {
  return spdxLicenseId(text) !== undefined;
}

// Declared names seen in package metadata (Python classifiers, Maven poms, Fedora's legacy
// short names, gemspecs...). Keys are normalised by `nameKey`.
const NAMES: Record<string, string> = {
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'mit/x11': 'MIT',
  expat: 'MIT',
  'mit no attribution': 'MIT-0',
  'apache 2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license version 2.0': 'Apache-2.0',
  'apache license v2.0': 'Apache-2.0',
  'apache software license': 'Apache-2.0',
  'apache software license 2.0': 'Apache-2.0',
  'apache software license version 2.0': 'Apache-2.0',
  'the apache software license version 2.0': 'Apache-2.0',
  'the apache license version 2.0': 'Apache-2.0',
  'asl 2.0': 'Apache-2.0',
  'asl2.0': 'Apache-2.0',
  'apache license 1.1': 'Apache-1.1',
  'asl 1.1': 'Apache-1.1',
  'bsd 3-clause': 'BSD-3-Clause',
  'bsd 3-clause license': 'BSD-3-Clause',
  'the bsd 3-clause license': 'BSD-3-Clause',
  'bsd-3': 'BSD-3-Clause',
  'bsd3': 'BSD-3-Clause',
  '3-clause bsd license': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'new bsd': 'BSD-3-Clause',
  'modified bsd license': 'BSD-3-Clause',
  'revised bsd license': 'BSD-3-Clause',
  'bsd 2-clause': 'BSD-2-Clause',
  'bsd 2-clause license': 'BSD-2-Clause',
  'bsd-2': 'BSD-2-Clause',
  '2-clause bsd license': 'BSD-2-Clause',
  'simplified bsd license': 'BSD-2-Clause',
  'freebsd license': 'BSD-2-Clause',
  'isc license': 'ISC',
  'isc license iscl': 'ISC',
  gplv2: 'GPL-2.0-only',
  'gplv2+': 'GPL-2.0-or-later',
  'gpl-2': 'GPL-2.0-only',
  'gpl-2+': 'GPL-2.0-or-later',
  'gpl v2': 'GPL-2.0-only',
  'gpl v2+': 'GPL-2.0-or-later',
  gplv3: 'GPL-3.0-only',
  'gplv3+': 'GPL-3.0-or-later',
  'gpl-3': 'GPL-3.0-only',
  'gpl-3+': 'GPL-3.0-or-later',
  'gpl v3': 'GPL-3.0-only',
  'gpl v3+': 'GPL-3.0-or-later',
  'gpl+': 'GPL-1.0-or-later',
  'gnu general public license v2 gplv2': 'GPL-2.0-only',
  'gnu general public license v2 or later gplv2+': 'GPL-2.0-or-later',
  'gnu general public license v3 gplv3': 'GPL-3.0-only',
  'gnu general public license v3 or later gplv3+': 'GPL-3.0-or-later',
  'gnu general public license version 2': 'GPL-2.0-only',
  'gnu general public license version 3': 'GPL-3.0-only',
  lgplv2: 'LGPL-2.0-only',
  'lgplv2+': 'LGPL-2.0-or-later',
  'lgplv2.1': 'LGPL-2.1-only',
  'lgplv2.1+': 'LGPL-2.1-or-later',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  lgplv3: 'LGPL-3.0-only',
  'lgplv3+': 'LGPL-3.0-or-later',
  'lgpl-3': 'LGPL-3.0-only',
  'lgpl-3+': 'LGPL-3.0-or-later',
  'gnu lesser general public license v2 lgplv2': 'LGPL-2.0-only',
  'gnu lesser general public license v2 or later lgplv2+': 'LGPL-2.0-or-later',
  'gnu lesser general public license v3 lgplv3': 'LGPL-3.0-only',
  'gnu lesser general public license v3 or later lgplv3+': 'LGPL-3.0-or-later',
  'gnu lesser general public license version 2.1': 'LGPL-2.1-only',
  agplv3: 'AGPL-3.0-only',
  'agplv3+': 'AGPL-3.0-or-later',
  'gnu affero general public license v3': 'AGPL-3.0-only',
  'gnu affero general public license v3 or later agplv3+': 'AGPL-3.0-or-later',
  'mpl 1.1': 'MPL-1.1',
  'mplv1.1': 'MPL-1.1',
  'mpl 2.0': 'MPL-2.0',
  'mplv2.0': 'MPL-2.0',
  'mpl-2': 'MPL-2.0',
  'mozilla public license 2.0': 'MPL-2.0',
  'mozilla public license 2.0 mpl 2.0': 'MPL-2.0',
  'mozilla public license version 2.0': 'MPL-2.0',
  'mozilla public license 1.1 mpl 1.1': 'MPL-1.1',
  'epl 1.0': 'EPL-1.0',
  'eclipse public license 1.0': 'EPL-1.0',
  'eclipse public license - v 1.0': 'EPL-1.0',
  'eclipse public license v1.0': 'EPL-1.0',
  'epl 2.0': 'EPL-2.0',
  'eclipse public license 2.0': 'EPL-2.0',
  'eclipse public license - v 2.0': 'EPL-2.0',
  'eclipse public license v2.0': 'EPL-2.0',
  'eclipse distribution license - v 1.0': 'BSD-3-Clause',
  'cddl 1.0': 'CDDL-1.0',
  'cddl 1.1': 'CDDL-1.1',
  'common development and distribution license cddl v1.0': 'CDDL-1.0',
  'common development and distribution license 1.0': 'CDDL-1.0',
  'python software foundation license': 'PSF-2.0',
  'psf license': 'PSF-2.0',
  psf: 'PSF-2.0',
  psfl: 'PSF-2.0',
  'zlib/libpng': 'Zlib',
  'zlib license': 'Zlib',
  'the unlicense': 'Unlicense',
  'unlicense license': 'Unlicense',
  cc0: 'CC0-1.0',
  'cc0 1.0 universal': 'CC0-1.0',
  'cc0 1.0 universal cc0 1.0 public domain dedication': 'CC0-1.0',
  'boost software license 1.0': 'BSL-1.0',
  'boost software license 1.0 bsl-1.0': 'BSL-1.0',
  boost: 'BSL-1.0',
  'artistic 2.0': 'Artistic-2.0',
  'artistic license 2.0': 'Artistic-2.0',
  'gpl+ or artistic': '(GPL-1.0-or-later OR Artistic-1.0-Perl)',
  'blue oak model license 1.0.0': 'BlueOak-1.0.0',
  'do what the f*ck you want to public license': 'WTFPL',
  'ruby license': 'Ruby',
  'openssl license': 'OpenSSL',
};

function nameKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[()"']/g, ' ')
    .replace(/[\s,;]+/g, ' ')
    .trim();
}

// License URLs, as Maven poms and OSGi Bundle-License headers often give them.
const URLS: [RegExp, string][] = [
  [/apache\.org\/licenses\/LICENSE-2\.0/i, 'Apache-2.0'],
  [/opensource\.org\/licenses\/MIT/i, 'MIT'],
  [/opensource\.org\/licenses\/(BSD-3-Clause|bsd-license)/i, 'BSD-3-Clause'],
  [/opensource\.org\/licenses\/BSD-2-Clause/i, 'BSD-2-Clause'],
  [/eclipse\.org\/legal\/epl-v10/i, 'EPL-1.0'],
  [/eclipse\.org\/legal\/epl-(v)?2\.0/i, 'EPL-2.0'],
  [/gnu\.org\/licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/gnu\.org\/licenses\/(old-licenses\/)?gpl-2\.0/i, 'GPL-2.0-only'],
  [/gnu\.org\/licenses\/gpl-3\.0/i, 'GPL-3.0-only'],
  [/mozilla\.org\/(en-US\/)?MPL\/2\.0/i, 'MPL-2.0'],
];

function mapOne(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^https?:\/\//i.test(t)) return URLS.find(([re]) => re.test(t))?.[1];
  const expr = parseSpdxExpression(t);
  if (expr) return expr;
  // "ZPL 2.1", "MPL 2.0": an SPDX id written with a space.
  if (/^[A-Za-z0-9.+-]+ [0-9.]+$/.test(t)) {
    const dashed = spdxLicenseId(t.replace(' ', '-'));
    if (dashed) return dashed;
  }
  const named = NAMES[nameKey(t)];
  return named ? (parseSpdxExpression(named) ?? named) : undefined;
}

/** Maps one declared license text to an SPDX id or expression when it can; otherwise returns it trimmed. */
export function normalizeLicense(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const whole = mapOne(t);
  if (whole) return whole;
  // "MIT/Apache-2.0" (old Cargo), "GPLv2+ and LGPLv2+" (Fedora legacy): map each part.
  const slash = t.split('/');
  if (slash.length > 1) {
    const parts = slash.map((p) => mapOne(p));
    if (parts.every((p): p is string => p !== undefined && isSingleLicenseId(p))) return parts.join(' OR ');
  }
  const m = t.split(/\s+(and|or)\s+/i);
  if (m.length > 1) {
    const out: string[] = [];
    for (let k = 0; k < m.length; k++) {
      if (k % 2 === 1) {
        out.push(m[k].toUpperCase());
        continue;
      }
      const part = mapOne(m[k]);
      if (!part) return t;
      out.push(/\s/.test(part) && !part.startsWith('(') ? `(${part})` : part);
    }
    const joined = out.join(' ');
    if (isSpdxExpression(joined)) return parseSpdxExpression(joined) ?? joined;
  }
  return t;
}

/** Normalises, drops empties and duplicates, keeps order. */
export function normalizeLicenses(texts: Iterable<string | undefined | null>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of texts) {
    if (typeof raw !== 'string') continue;
    const t = raw.trim();
    if (!t || /^(unknown|none|noassertion|n\/a|undefined|null)$/i.test(t)) continue;
    const n = normalizeLicense(t.slice(0, 1024));
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}
