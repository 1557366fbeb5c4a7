import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importPath, VulnDbError, type ImportReport, type SqlJsAdvisoryStore } from '@lazaret/vulndb';
import type { Command, CommandContext, Io } from '../command';
import { CliError } from '../errors';
import { formatOf, table } from '../output';
import { dbPathOf, guarded, openDb, stringOption } from './vulndb.helper';

/** Largest mirror download accepted (osv.dev's biggest all.zip is well below this). */
export const MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024 * 1024;
const MAX_ISSUES_SHOWN = 10;
const DB_OPTION = { db: { type: 'string' as const } };

function printReport(io: Io, report: ImportReport, source: string): void {
  if (report.enrichmentEntries !== undefined) {
    io.out(`imported ${report.enrichmentEntries} ${report.kind === 'kev-json' ? 'KEV' : 'EPSS'} entries from ${source}${report.invalid ? ` (${report.invalid} rows skipped)` : ''}`);
    return;
  }
  io.out(
    `imported ${report.imported} advisories from ${source} in ${report.seconds.toFixed(1)}s ` +
      `(read ${report.read}, unchanged ${report.unchanged}, withdrawn ${report.withdrawn}, invalid ${report.invalid})`,
  );
  for (const i of report.issues.slice(0, MAX_ISSUES_SHOWN)) io.err(`lazaret: warning: ${i.code}: ${i.source}${i.id ? ` (${i.id})` : ''}: ${i.message}`);
  if (report.invalid > MAX_ISSUES_SHOWN) io.err(`lazaret: warning: ... ${report.invalid - MAX_ISSUES_SHOWN} more invalid records`);
  const unordered = Object.entries(report.unorderedEcosystems);
  if (unordered.length) io.err(`lazaret: warning: no version ordering for ${unordered.map(([e, n]) => `${e} (${n})`).join(', ')}: only exact version lists can match there`);
}

/** Opens (repairing a corrupt file), imports, saves. */
async function importInto(ctx: CommandContext, source: string, path: string): Promise<number> {
  const dbPath = dbPathOf(ctx);
  const store = await openDb(dbPath, { repair: true });
  if (store.repairedFrom) ctx.io.err(`lazaret: warning: db-corrupt: ${dbPath} was unreadable; moved it to ${store.repairedFrom} and started a new database`);
  try {
    const report = await importPath(store, path, { force: ctx.values.force === true });
    await store.setMeta('last-source', source);
    await store.save();
    printReport(ctx.io, report, source);
    return 0;
  } finally {
    await closeQuietly(store);
  }
}

async function closeQuietly(store: SqlJsAdvisoryStore): Promise<void> {
  try {
    await store.close();
  } catch {
    // save() already reported a write failure
  }
}

/** Streams a URL to a file next to the database (bounded size, timeout per --timeout). */
export async function download(url: string, target: string, timeoutMs: number, maxBytes = MAX_DOWNLOAD_BYTES): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new VulnDbError('download-failed', `${url}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`, { cause: err });
  }
  if (!res.ok || !res.body) throw new VulnDbError('download-failed', `${url}: HTTP ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new VulnDbError('too-large', `${url}: ${declared} bytes, over the ${maxBytes}-byte limit`);
  let seen = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > maxBytes) body.destroy(new VulnDbError('too-large', `${url}: more than ${maxBytes} bytes`));
  });
  try {
    await pipeline(body, createWriteStream(target));
  } catch (err) {
    await rm(target, { force: true });
    if (err instanceof VulnDbError) throw err;
    throw new VulnDbError('download-failed', `${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** `lazaret db import <path>`: OSV directory/zip/JSON, KEV catalog or EPSS CSV into the local database. */
export const dbImportCommand: Command = {
  name: 'db import',
  summary: 'import OSV advisories (dir, zip, all.zip, JSON), a KEV catalog or EPSS scores into the local vulnerability database',
  usage: `lazaret db import <path> [--db PATH] [--force]

  <path>      a directory of OSV JSON files, a zip of them (osv.dev all.zip), an OSV JSON file,
              CISA's known_exploited_vulnerabilities.json, or an EPSS scores CSV (.csv or .csv.gz)
  --db PATH   database file (env LAZARET_DB, default ~/.cache/lazaret/vulndb.sqlite)
  --force     rewrite records even when the stored copy is as new (default: only newer "modified")

A corrupt database file is moved aside and rebuilt. Exit codes: 0 imported, 2 error.`,
  options: { ...DB_OPTION, force: { type: 'boolean' } },
  async run(ctx) {
    const path = ctx.args[0];
    if (!path || ctx.args.length > 1) throw new CliError('usage', 'lazaret db import needs exactly one <path>');
    return guarded(ctx.io, () => importInto(ctx, path, path));
  },
};

/** `lazaret db update --from URL|PATH`: refresh from a mirror. */
export const dbUpdateCommand: Command = {
  name: 'db update',
  summary: 'update the local vulnerability database from a mirror (URL or path)',
  usage: `lazaret db update --from URL|PATH [--db PATH] [--timeout SECONDS]

  --from URL|PATH   http(s) URL or local path of an OSV zip / JSON / directory, KEV JSON or EPSS CSV
                    (only records newer than the stored copy are written)
  --db PATH         database file (env LAZARET_DB, default ~/.cache/lazaret/vulndb.sqlite)
  --timeout SECONDS download timeout (default 30)

Exit codes: 0 updated, 2 error.`,
  options: { ...DB_OPTION, from: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx) {
    const from = stringOption(ctx.values, 'from');
    if (!from) throw new CliError('usage', 'lazaret db update needs --from URL|PATH');
    if (ctx.args.length) throw new CliError('usage', `unexpected argument ${ctx.args[0]}`);
    return guarded(ctx.io, async () => {
      if (!/^https?:\/\//i.test(from)) return importInto(ctx, from, from);
      const dbPath = dbPathOf(ctx);
      await mkdir(dirname(dbPath), { recursive: true });
      const tmp = join(dirname(dbPath), `.download-${process.pid}-${Date.now()}`);
      try {
        await download(from, tmp, Number(ctx.values.timeout ?? 30) * 1000);
        return await importInto(ctx, from, tmp);
      } finally {
        await rm(tmp, { force: true });
      }
    });
  },
};

/** `lazaret db status`: counts per ecosystem and when the data was last updated. */
export const dbStatusCommand: Command = {
  name: 'db status',
  summary: 'what the local vulnerability database holds: advisories per ecosystem, KEV/EPSS, last update',
  usage: `lazaret db status [--db PATH] [--format table|json]

Exit codes: 0 a database is there, 2 error (none yet, or unreadable).`,
  options: DB_OPTION,
  async run(ctx) {
    const format = formatOf(ctx.values.format, ['table', 'json']);
    return guarded(ctx.io, async () => {
      const path = dbPathOf(ctx);
      const store = await openDb(path, { create: false });
      try {
        const status = await store.status();
        if (format === 'json') {
          ctx.io.out(JSON.stringify({ path, ...status }, null, 2));
          return 0;
        }
        ctx.io.out(table(['ECOSYSTEM', 'ADVISORIES', 'PACKAGES'], status.ecosystems.map((e) => [e.ecosystem, String(e.advisories), String(e.packages)])));
        ctx.io.out('');
        ctx.io.out(`database     ${path}`);
        ctx.io.out(`advisories   ${status.advisories} (${status.withdrawn} withdrawn)`);
        ctx.io.out(`last import  ${status.lastImport ?? 'never'}`);
        ctx.io.out(`newest       ${status.newestModified ?? '-'} (latest "modified" of any advisory)`);
        ctx.io.out(`KEV          ${status.kev.entries} entries${status.kev.version ? ` (catalog ${status.kev.version})` : ''}`);
        ctx.io.out(`EPSS         ${status.epss.entries} scores${status.epss.date ? ` (${status.epss.date})` : ''}`);
        return 0;
      } finally {
        await store.close();
      }
    });
  },
};
