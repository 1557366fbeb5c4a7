import { promises as fs, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { catalogImage, defaultCatalogers, readSbom } from '@lazaret/scanner';
import { isRating, matchPackages, ratingRank, RATINGS, type Finding, type Rating } from '@lazaret/vulndb';
import type { Command } from '../command';
import { CliError } from '../errors';
import { formatOf } from '../output';
import { renderCycloneDx, renderJson, renderSarif, renderTable, type ReportContext, type ReportTarget } from './vuln-report.output';
import { dbPathOf, guarded, openDb, stringOption } from './vulndb.helper';

const FORMATS = ['table', 'json', 'cyclonedx', 'sarif'] as const;

const USAGE = `lazaret scan <image> | --sbom FILE [options]

  <image>                 registry reference, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:TAG],
                          rootfs:DIR (or a plain directory)
  --sbom FILE             match a CycloneDX or SPDX JSON SBOM instead of reading an image
  --format FORMAT         table (default), json, cyclonedx (1.6, with vulnerabilities), sarif (2.1.0)
  --severity LIST         only these severities, comma-separated (${RATINGS.join(',')})
  --ignore-unfixed        leave out findings without a fixed version
  --fail-on SEVERITY      exit 1 when a finding at or above SEVERITY remains (after the filters)
  --output FILE           write the report there (atomically) instead of stdout
  --db PATH               vulnerability database (env LAZARET_DB, default ~/.cache/lazaret/vulndb.sqlite)
  --platform OS/ARCH      platform of a multi-platform image (default linux/amd64)
  --insecure              allow a plain-HTTP registry

Exit codes: 0 no finding at or above --fail-on, 1 some remain, 2 error.`;

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function ratingList(value: string | undefined): Set<Rating> | undefined {
  if (value === undefined) return undefined;
  const out = new Set<Rating>();
  for (const part of value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!isRating(part)) throw new CliError('usage', `--severity: ${part} is not one of ${RATINGS.join(', ')}`);
    out.add(part);
  }
  if (out.size === 0) throw new CliError('usage', '--severity needs at least one severity');
  return out;
}

class OutputError extends Error {
  readonly code = 'output-error';
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const target = resolve(file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o644 });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new OutputError(`cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `lazaret scan`: packages of an image or SBOM against the local vulnerability database. */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'find known vulnerabilities in an image or SBOM (offline, against the local database)',
  usage: USAGE,
  options: {
    sbom: { type: 'string' },
    severity: { type: 'string' },
    'ignore-unfixed': { type: 'boolean' },
    'fail-on': { type: 'string' },
    output: { type: 'string' },
    db: { type: 'string' },
    platform: { type: 'string' },
    insecure: { type: 'boolean' },
  },
  async run(ctx) {
    const format = formatOf(ctx.values.format, FORMATS);
    const sbom = stringOption(ctx.values, 'sbom');
    const image = ctx.args[0];
    if (ctx.args.length > 1) throw new CliError('usage', `one image at a time (got ${ctx.args.join(' ')})`);
    if (!!sbom === !!image) throw new CliError('usage', 'lazaret scan needs an <image> or --sbom FILE (not both)');
    const only = ratingList(stringOption(ctx.values, 'severity'));
    const failOnRaw = stringOption(ctx.values, 'fail-on');
    if (failOnRaw !== undefined && !isRating(failOnRaw.toLowerCase())) throw new CliError('usage', `--fail-on must be one of ${RATINGS.join(', ')}`);
    const failOn = failOnRaw?.toLowerCase() as Rating | undefined;
    const output = stringOption(ctx.values, 'output');
    return guarded(ctx.io, async () => {
      // Open the database first: a missing or corrupt one is reported before any image is read.
      const store = await openDb(dbPathOf(ctx), { create: false });
      try {
        let target: ReportTarget;
        if (sbom) {
          let text: Buffer;
          try {
            text = await fs.readFile(sbom);
          } catch (err) {
            throw new CliError('usage', `--sbom ${sbom}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          }
          const read = readSbom(text);
          for (const n of read.notes.filter((x) => x.level === 'warning')) ctx.io.err(`lazaret: warning: ${n.code}: ${n.message}`);
          target = { name: sbom, kind: 'sbom', os: read.os, packages: read.packages };
        } else {
          const catalog = await catalogImage(image!, {
            catalogers: defaultCatalogers(),
            ...(stringOption(ctx.values, 'platform') ? { platform: stringOption(ctx.values, 'platform') } : {}),
            insecure: ctx.values.insecure === true,
          });
          target = { name: image!, kind: 'image', manifestDigest: catalog.manifestDigest, os: catalog.os, packages: catalog.packages };
        }
        const result = await matchPackages(store, { packages: target.packages, os: target.os });
        let findings: Finding[] = result.findings;
        if (only) findings = findings.filter((f) => only.has(f.severity));
        if (ctx.values['ignore-unfixed'] === true) findings = findings.filter((f) => f.fixAvailable);
        const report: ReportContext = { target, result, findings, tool: { name: 'lazaret', version: toolVersion() }, timestamp: new Date() };
        const text = format === 'json' ? renderJson(report) : format === 'cyclonedx' ? renderCycloneDx(report) : format === 'sarif' ? renderSarif(report) : renderTable(report);
        if (output) await writeAtomically(output, text);
        else ctx.io.out(text);
        for (const u of result.unknownOrdering) {
          if (format !== 'table' || output) ctx.io.err(`lazaret: warning: unknown-ordering: ${u.package.name} ${u.version} (${u.ecosystem}): ${u.reason}`);
        }
        if (failOn && findings.some((f) => ratingRank(f.severity) >= ratingRank(failOn))) return 1;
        return 0;
      } finally {
        await store.close();
      }
    });
  },
};
