import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Validators for the official CycloneDX 1.6 (draft-07) and SPDX 2.3 (draft 2019-09) schemas,
 * copied into src/sbom/schemas/ so they work without /work/shared. Format checking is on.
 */

const dir = join(__dirname, '..', '..', 'src', 'sbom', 'schemas');
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;

// ajv-formats has no IRI / IDN formats; these checks are stricter than nothing and match RFC 3987's shape.
const iriReference = (s: string): boolean => !/[\s<>"{}|\\^`]/.test(s) && (() => {
  try {
    new URL(s, 'http://base.invalid/');
    return true;
  } catch {
    return false;
  }
})();
const idnEmail = (s: string): boolean => /^[^\s@]+@[^\s@]+$/.test(s);

let cdx: ValidateFunction | undefined;
let spdx: ValidateFunction | undefined;

export function cycloneDxValidator(): ValidateFunction {
  if (!cdx) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addFormat('iri-reference', iriReference);
    ajv.addFormat('idn-email', idnEmail);
    ajv.addSchema(load('spdx.schema.json'));
    ajv.addSchema(load('jsf-0.82.schema.json'));
    cdx = ajv.compile(load('bom-1.6.schema.json'));
  }
  return cdx;
}

export function spdxValidator(): ValidateFunction {
  if (!spdx) {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    spdx = ajv.compile(load('spdx-2.3.schema.json'));
  }
  return spdx;
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 10), null, 1);
}
