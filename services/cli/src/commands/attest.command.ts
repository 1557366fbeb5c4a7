import { resolve } from 'node:path';
import { catalogImage, defaultCatalogers, formatPlatform, parsePlatform, sbomInputFromCatalog, toCycloneDx, type ImageCatalog } from '@lazaret/scanner';
import {
  assertCycloneDx,
  assertSlsaProvenanceV1,
  assertVulnVerdict,
  attachAttestation,
  PREDICATE_TYPES,
  vulnVerdict,
  type Severity,
  type VulnFinding,
} from '@lazaret/trust';
import { isRating, matchPackages, ratingRank, type Finding, type Rating } from '@lazaret/vulndb';
import type { Command, CommandContext } from '../command';
import { CliError } from '../errors';
import { formatOf, table } from '../output';
import { dbPathOf, openDb } from './vulndb.helper';
import {
  guardedSigning,
  loadPrivateKey,
  oneImage,
  OUTPUT_FORMATS,
  readSmallFile,
  REGISTRY_OPTIONS,
  REGISTRY_USAGE,
  resolveImage,
  SigningCliError,
  stringValue,
  toolVersion,
  writeAtomically,
  type ResolvedImage,
} from './sign.command';

/** `--type` names and the predicate types they stand for. */
export const ATTESTATION_TYPES = {
  sbom: PREDICATE_TYPES.cyclonedx,
  vuln: PREDICATE_TYPES.vulnVerdictV1,
  slsaprovenance: PREDICATE_TYPES.slsaProvenanceV1,
} as const;
export type AttestationType = keyof typeof ATTESTATION_TYPES;

export function attestationTypeOf(value: string): AttestationType {
  if (Object.hasOwn(ATTESTATION_TYPES, value)) return value as AttestationType;
  throw new CliError('usage', `--type must be one of ${Object.keys(ATTESTATION_TYPES).join(', ')}, not ${value}`);
}

const MAX_PREDICATE_BYTES = 16 * 1024 * 1024;

const USAGE = `lazaret attest <image> --type sbom|vuln|slsaprovenance --key FILE [options]

  <image>                      registry reference: host/repository:tag or host/repository@sha256:...
  --type TYPE                  sbom: CycloneDX SBOM (${PREDICATE_TYPES.cyclonedx})
                               vuln: vulnerability verdict (${PREDICATE_TYPES.vulnVerdictV1})
                               slsaprovenance: SLSA provenance v1 (${PREDICATE_TYPES.slsaProvenanceV1})
  --predicate FILE             the predicate (JSON). Without it: sbom reads the image and writes its
                               CycloneDX SBOM; vuln matches the image against the local database;
                               slsaprovenance needs it
  --key FILE                   cosign.key (password from --password-stdin, LAZARET_KEY_PASSWORD or
                               COSIGN_PASSWORD) or a PKCS#8/SEC1 private key PEM
  --password-stdin             read the key password from stdin
  --db PATH                    vuln: vulnerability database (env LAZARET_DB, default ~/.cache/lazaret/vulndb.sqlite)
  --fail-on SEVERITY           vuln: the verdict is "fail" when a finding is at or above it (default critical)
  --platform OS/ARCH           platform read from a multi-platform image (default linux/amd64)
  --output FILE                also write the attestation as a Sigstore bundle (v0.3 JSON) there
  --format table|json          what to print (default table)
${REGISTRY_USAGE}

The signed in-toto statement is stored under <repository>:sha256-<hex>.att (cosign's layout), and
as an OCI 1.1 referrer when the registry has the referrers API.
Exit codes: 0 attached, 2 error.`;

async function predicateFromFile(file: string): Promise<unknown> {
  const text = await readSmallFile(file, 'predicate file', MAX_PREDICATE_BYTES);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SigningCliError('invalid-predicate', `${file}: not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function platformOf(ctx: CommandContext): string | undefined {
  const text = stringValue(ctx.values, 'platform');
  if (text === undefined) return undefined;
  try {
    return formatPlatform(parsePlatform(text));
  } catch (err) {
    throw new CliError('usage', `--platform: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The image the attestation is about, read by its digest (never the tag, which may have moved). */
async function catalogOf(ctx: CommandContext, target: ResolvedImage): Promise<ImageCatalog> {
  const platform = platformOf(ctx);
  return catalogImage(target.pinned, {
    format: 'registry',
    catalogers: defaultCatalogers(),
    insecure: ctx.values.insecure === true,
    ...(platform ? { platform } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.credentialStore ? { dockerConfig: target.credentialStore } : {}),
    limits: { requestTimeoutMs: Number(ctx.values.timeout ?? 30) * 1000 },
  });
}

function severityOf(r: Rating): Severity {
  return r === 'negligible' ? 'low' : r;
}

export function verdictFindings(findings: readonly Finding[]): VulnFinding[] {
  return findings.map((f) => ({
    id: f.id,
    severity: severityOf(f.severity),
    package: f.package.purl,
    installedVersion: f.installedVersion,
    fixedVersion: f.fixedVersions[0] ?? null,
  }));
}

/** `lazaret attest <image> --type ...`: a signed in-toto attestation about the image's digest. */
export const attestCommand: Command = {
  name: 'attest',
  summary: 'attach a signed attestation (SBOM, vulnerability verdict, SLSA provenance) to an image',
  usage: USAGE,
  options: {
    type: { type: 'string' },
    predicate: { type: 'string' },
    key: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    db: { type: 'string' },
    'fail-on': { type: 'string' },
    platform: { type: 'string' },
    output: { type: 'string', short: 'o' },
    ...REGISTRY_OPTIONS,
  },
  async run(ctx) {
    const reference = oneImage(ctx.args, 'attest');
    const format = formatOf(ctx.values.format, OUTPUT_FORMATS);
    const typeText = stringValue(ctx.values, 'type');
    if (!typeText) throw new CliError('usage', `lazaret attest needs --type ${Object.keys(ATTESTATION_TYPES).join('|')}`);
    const type = attestationTypeOf(typeText);
    const keyFile = stringValue(ctx.values, 'key');
    if (!keyFile) throw new CliError('usage', 'lazaret attest needs --key FILE (make one with lazaret keygen)');
    const predicateFile = stringValue(ctx.values, 'predicate');
    if (type === 'slsaprovenance' && !predicateFile) throw new CliError('usage', '--type slsaprovenance needs --predicate FILE (the provenance your build system wrote)');
    const failOnText = stringValue(ctx.values, 'fail-on')?.toLowerCase() ?? 'critical';
    if (!isRating(failOnText)) throw new CliError('usage', `--fail-on must be a severity (critical, high, medium, low, negligible, unknown), not ${failOnText}`);
    const failOn: Rating = failOnText;
    if (type !== 'vuln' && (ctx.values.db !== undefined || ctx.values['fail-on'] !== undefined)) throw new CliError('usage', '--db and --fail-on are for --type vuln');
    const output = stringValue(ctx.values, 'output');
    return guardedSigning(ctx.io, async () => {
      const key = await loadPrivateKey(ctx, keyFile);
      let predicate: unknown = predicateFile ? await predicateFromFile(predicateFile) : undefined;
      const store = type === 'vuln' && predicate === undefined ? await openDb(dbPathOf(ctx), { create: false }) : undefined;
      try {
        const target = await resolveImage(ctx, reference);
        const tool = { name: 'lazaret', version: toolVersion() };
        if (predicate !== undefined) {
          if (type === 'sbom') assertCycloneDx(predicate);
          else if (type === 'slsaprovenance') assertSlsaProvenanceV1(predicate);
          else {
            assertVulnVerdict(predicate);
            if (predicate.image.digest !== target.image.digest) {
              throw new SigningCliError('invalid-predicate', `${predicateFile}: the verdict is about ${predicate.image.digest}, not ${target.pinned}`);
            }
          }
        } else if (type === 'sbom') {
          const catalog = await catalogOf(ctx, target);
          predicate = toCycloneDx(sbomInputFromCatalog(catalog, tool, new Date()));
        } else {
          const catalog = await catalogOf(ctx, target);
          const result = await matchPackages(store!, { packages: catalog.packages, os: catalog.os });
          for (const u of result.unknownOrdering) ctx.io.err(`lazaret: warning: unknown-ordering: ${u.package.name} ${u.version} (${u.ecosystem}): ${u.reason}`);
          const status = await store!.status();
          predicate = vulnVerdict({
            imageDigest: target.image.digest,
            scanner: tool,
            scannedAt: new Date(),
            findings: verdictFindings(result.findings),
            verdict: result.findings.some((f) => ratingRank(f.severity) >= ratingRank(failOn)) ? 'fail' : 'pass',
            database: { name: 'lazaret-osv', ...(status.lastImport ? { updatedAt: status.lastImport } : {}) },
            policy: `fail-on:${failOn}`,
          });
        }
        const r = await attachAttestation({ image: target.image, key, store: target.store, predicateType: ATTESTATION_TYPES[type], predicate });
        if (output) await writeAtomically(output, JSON.stringify(r.bundle, null, 2));
        const verdict = type === 'vuln' ? (predicate as { verdict: string; counts: Record<string, { total: number }> }) : undefined;
        if (format === 'json') {
          ctx.io.out(
            JSON.stringify(
              {
                image: target.pinned,
                digest: target.image.digest,
                ...(target.tag ? { tag: target.tag } : {}),
                type,
                predicateType: r.predicateType,
                keyId: r.keyId,
                attestationReference: r.attestationReference,
                attestationManifestDigest: r.attestationManifestDigest,
                ...(r.referrerManifestDigest ? { referrerManifestDigest: r.referrerManifestDigest } : {}),
                referrersSupported: r.referrersSupported,
                ...(verdict ? { verdict: verdict.verdict, counts: verdict.counts } : {}),
                ...(output ? { bundle: resolve(output) } : {}),
              },
              null,
              2,
            ),
          );
        } else {
          const rows = [
            ['image', target.pinned],
            ['predicate', `${type} (${r.predicateType})`],
            ['key', r.keyId],
            ['attestation', r.attestationReference],
            ['referrer', r.referrerManifestDigest ?? (r.referrersSupported ? 'not indexed' : 'registry has no referrers API (the .att tag is the fallback)')],
          ];
          if (verdict) rows.push(['verdict', `${verdict.verdict} (${Object.entries(verdict.counts).map(([s, c]) => `${s} ${c.total}`).join(', ')})`]);
          if (output) rows.push(['bundle', resolve(output)]);
          ctx.io.out(table(['FIELD', 'VALUE'], rows));
        }
        return 0;
      } finally {
        await store?.close();
      }
    });
  },
};
