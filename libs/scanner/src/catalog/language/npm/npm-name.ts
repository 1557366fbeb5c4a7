/** npm package name rules (validate-npm-package-name, relaxed for legacy upper-case names). */
export function validNpmName(name: string): boolean {
  return name.length > 0 && name.length <= 214 && /^(@[a-zA-Z0-9][\w.~-]*\/)?[a-zA-Z0-9_.~-][\w.~-]*$/.test(name) && !name.startsWith('.');
}

/** Semver-ish: digits first, or a loose version npm accepted at install time. */
export function validNpmVersion(version: string): boolean {
  return version.length > 0 && version.length <= 256 && /^v?\d+(\.\d+)*([-+][0-9A-Za-z.+-]*)?$/.test(version);
}

export function splitNpmName(name: string): { scope?: string; bare: string } {
  if (name.startsWith('@')) {
    const i = name.indexOf('/');
    return { scope: name.slice(0, i), bare: name.slice(i + 1) };
  }
  return { bare: name };
}

/** `license: "MIT"`, `license: {type: "MIT"}` and the deprecated `licenses: [{type: "MIT"}]`. */
export function npmLicenses(license: unknown, licenses?: unknown): string[] {
  const out: string[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'string') out.push(v.type);
  };
  take(license);
  if (Array.isArray(licenses)) licenses.slice(0, 32).forEach(take);
  else take(licenses);
  return out;
}
