import { parseSpdxExpression, spdxLicenseId } from '../catalog/internal/spdx-license';

export type CdxLicenseChoice = { license: { id: string } | { name: string } } | { expression: string };

/**
 * CycloneDX allows either a list of single licenses (by SPDX `id` or free `name`) or exactly
 * one `expression`. Valid compound expressions become the expression (ANDed when a package
 * declares several); anything that is not SPDX stays a `name`.
 */
export function cdxLicenses(licenses: string[]): CdxLicenseChoice[] {
  if (licenses.length === 0) return [];
  const parsed = licenses.map((l) => ({ raw: l, id: spdxLicenseId(l), expr: parseSpdxExpression(l) }));
  const hasCompound = parsed.some((p) => !p.id && p.expr);
  if (hasCompound && parsed.every((p) => p.expr)) {
    const expr = parsed.length === 1 ? parsed[0].expr! : parsed.map((p) => (/\s/.test(p.expr!) ? `(${p.expr})` : p.expr)).join(' AND ');
    return [{ expression: expr }];
  }
  return parsed.map((p) => (p.id ? { license: { id: p.id } } : { license: { name: p.raw } }));
}

/** SPDX `licenseDeclared`: a valid expression (several declared licenses are ANDed) or NOASSERTION. */
export function spdxDeclared(licenses: string[]): string {
  if (licenses.length === 0) return 'NOASSERTION';
  const exprs = licenses.map((l) => parseSpdxExpression(l));
  if (exprs.some((e) => !e)) return 'NOASSERTION';
  if (exprs.length === 1) return exprs[0]!;
  return exprs.map((e) => (/\s/.test(e!) ? `(${e})` : e)).join(' AND ');
}
