import type { AnalysisInput, Cataloger, CatalogResult, FileInfo } from '../../../model';
import { makePackage } from '../../internal/package.builder';
import { clip, decodeText, Headers, looksBinary, parseHeaderLines } from '../../internal/text';

/** PEP 503 normalisation: lower-case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const VERSION_RE = /^[A-Za-z0-9.!+_-]{1,128}$/;

/**
 * Installed Python distributions: `*.dist-info/METADATA` (wheels, pip), `*.egg-info/PKG-INFO`
 * (setuptools develop/egg installs) and `*.egg-info` files (Debian's python3-* packages install
 * the PKG-INFO content as a plain file of that name). Licenses come from `License-Expression`
 * (PEP 639), `License` (when short enough to be a name rather than the whole license text) and
 * `License ::` classifiers.
 */
export class PythonPackageCataloger implements Cataloger {
  readonly id = 'python-package';
  readonly version = 1;
  readonly maxFileSize = 4 * 1024 * 1024;

  required(info: FileInfo): boolean {
    if (info.type !== 'file') return false;
    const p = info.path;
    return /\.dist-info\/METADATA$/.test(p) || /\.egg-info\/PKG-INFO$/.test(p) || /\/[^/]+\.egg-info$/.test(p);
  }

  analyze(input: AnalysisInput): CatalogResult {
    const { info, content } = input;
    if (looksBinary(content)) {
      return { packages: [], notes: [{ level: 'warning', code: 'python-metadata-unreadable', message: `${info.path} is binary, not package metadata`, path: info.path }] };
    }
    const text = decodeText(content);
    // The headers end at the first empty line; the rest is the long description.
    const end = text.indexOf('\n\n');
    const h = new Headers(parseHeaderLines((end >= 0 ? text.slice(0, end) : text).split('\n')));
    const rawName = h.get('Name');
    const version = h.get('Version');
    if (!rawName || !version || !NAME_RE.test(rawName) || !VERSION_RE.test(version)) {
      return { packages: [], notes: [{ level: 'warning', code: 'python-metadata-invalid', message: `${info.path} has no valid Name/Version header`, path: info.path }] };
    }
    const licenses: string[] = [];
    const expr = h.get('License-Expression');
    if (expr) licenses.push(expr);
    else {
      const lic = h.get('License');
      if (lic && lic.length <= 100 && !lic.includes('\n') && !/^unknown$/i.test(lic)) licenses.push(lic);
      // Classifiers only when the License field is missing or is license text rather than a name.
      else for (const c of h.all('Classifier')) {
        const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c.trim());
        if (m && m[1] !== 'OSI Approved') licenses.push(m[1]);
      }
    }
    const metadata: Record<string, string> = { declaredName: clip(rawName) };
    const requiresPython = h.get('Requires-Python');
    if (requiresPython) metadata.requiresPython = clip(requiresPython, 64);
    return {
      packages: [
        makePackage({ type: 'pypi', name: normalizePythonName(rawName), version, licenses: licenses.slice(0, 16), metadata }, this.id, input),
      ],
    };
  }
}
