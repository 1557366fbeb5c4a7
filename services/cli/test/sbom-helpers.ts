/**
 * Shared by the `lazaret sbom` integration suites: in-process runs, ground truth from
 * dpkg-query, and the official-schema validators and image fixtures of libs/scanner's tests.
 */
import { execFileSync } from 'node:child_process';
import type { ValidateFunction } from 'ajv';
import { run } from '../src/main';

// Test-only reuse of libs/scanner's fixture builders and schema validators (built and cached
// outside the repository; see libs/scanner/test/fixtures/index.ts). They are not part of the
// scanner's public API, so there is no package path to import them by.
// eslint-disable-next-line @nx/enforce-module-boundaries
export {
  ensureBusyboxFixture,
  ensureDebianFixture,
  freePort,
  pushToRegistry,
  startRegistry,
  type BusyboxFixture,
  type DebianFixture,
  type RunningRegistry,
} from '../../../libs/scanner/test/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries
export { cycloneDxValidator, errorsOf, spdxValidator } from '../../../libs/scanner/test/catalog-fixtures/sbom-validators';

export interface CliRun {
  code: number;
  out: string;
  err: string[];
}

/** `lazaret <argv>` in this process, with its own environment (never the real HOME). */
export async function lazaret(argv: string[], env: NodeJS.ProcessEnv, isTty = false): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTty }, env);
  return { code, out: out.join('\n'), err };
}

/** `name@version` of every installed package, as dpkg-query reports it for a root filesystem. */
export function dpkgTruth(rootfs: string): string[] {
  const text = execFileSync('dpkg-query', ['--admindir', `${rootfs}/var/lib/dpkg`, '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\n'], {
    encoding: 'utf8',
  });
  return text
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([status]) => status === 'installed')
    .map(([, name, version]) => `${name}@${version}`)
    .sort();
}

interface CdxDoc {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { name: string; version: string; properties?: { name: string; value: string }[] } };
  components: { type: string; name: string; version?: string; purl?: string }[];
}

interface SpdxDoc {
  spdxVersion: string;
  packages: { name: string; versionInfo?: string; externalRefs?: { referenceType: string; referenceLocator: string }[] }[];
}

/** Debian packages in a CycloneDX document, as `name@version`. */
export function cdxDebs(doc: CdxDoc): string[] {
  return doc.components
    .filter((c) => c.purl?.startsWith('pkg:deb/'))
    .map((c) => `${c.name}@${c.version}`)
    .sort();
}

export function spdxDebs(doc: SpdxDoc): string[] {
  return doc.packages
    .filter((p) => p.externalRefs?.some((r) => r.referenceType === 'purl' && r.referenceLocator.startsWith('pkg:deb/')))
    .map((p) => `${p.name}@${p.versionInfo}`)
    .sort();
}

/** Parses and validates against the official schema; throws with the schema errors. */
export function validCycloneDx(text: string, validator: ValidateFunction, errorsOf: (v: ValidateFunction) => string): CdxDoc {
  const doc = JSON.parse(text) as CdxDoc;
  if (!validator(doc)) throw new Error(`CycloneDX document fails the 1.6 schema: ${errorsOf(validator)}`);
  return doc;
}

export function validSpdx(text: string, validator: ValidateFunction, errorsOf: (v: ValidateFunction) => string): SpdxDoc {
  const doc = JSON.parse(text) as SpdxDoc;
  if (!validator(doc)) throw new Error(`SPDX document fails the 2.3 schema: ${errorsOf(validator)}`);
  return doc;
}

export type { CdxDoc, SpdxDoc };

/** Debian packages the sbom suites need (CI installs them). */
export const SBOM_TEST_TOOLS = ['skopeo', 'umoci', 'debootstrap', 'docker-registry', 'htpasswd', 'busybox', 'openssl', 'dpkg-query'];
