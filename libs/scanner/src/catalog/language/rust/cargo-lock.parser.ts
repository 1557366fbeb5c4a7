/** The subset of TOML that Cargo.lock uses: `[[package]]` tables of strings and string arrays. */

export interface CargoLockPackage {
  name: string;
  version: string;
  source?: string;
  checksum?: string;
  dependencies: string[];
}

export class CargoLockError extends Error {}

function unquote(s: string, line: number): string {
  const t = s.trim();
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(t) ?? /^'([^']*)'$/.exec(t);
  if (!m) throw new CargoLockError(`line ${line}: expected a string, got ${t.slice(0, 40)}`);
  return m[1].replace(/\\(["\\])/g, '$1');
}

function parseArrayItems(body: string, line: number): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) out.push(m[1] ?? m[2]);
  if (out.length === 0 && body.replace(/[\s,]/g, '') !== '') throw new CargoLockError(`line ${line}: malformed array`);
  return out;
}

export function parseCargoLock(text: string): { version?: number; packages: CargoLockPackage[] } {
  const lines = text.split('\n');
  const packages: CargoLockPackage[] = [];
  let current: Partial<CargoLockPackage> & { dependencies: string[] } | undefined;
  let version: number | undefined;
  let section = '';
  const flush = (): void => {
    if (current) {
      if (!current.name || !current.version) throw new CargoLockError(`a [[package]] entry has no name or version`);
      packages.push({ name: current.name, version: current.version, source: current.source, checksum: current.checksum, dependencies: current.dependencies });
    }
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      flush();
      section = line;
      if (line === '[[package]]') current = { dependencies: [] };
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new CargoLockError(`line ${i + 1}: expected key = value`);
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (section === '' && key === 'version') {
      version = Number(value);
      continue;
    }
    if (!current) continue;
    if (value.startsWith('[')) {
      const start = i + 1;
      while (!value.includes(']') && i + 1 < lines.length && i - start < 100_000) value += '\n' + lines[++i];
      if (!value.includes(']')) throw new CargoLockError(`line ${start}: unterminated array`);
      if (key === 'dependencies') current.dependencies = parseArrayItems(value.slice(1, value.lastIndexOf(']')), start);
      continue;
    }
    if (key === 'name' || key === 'version' || key === 'source' || key === 'checksum') current[key] = unquote(value, i + 1);
  }
  flush();
  return { version, packages };
}
