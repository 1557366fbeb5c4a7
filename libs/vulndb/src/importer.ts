import { getComparator } from '@lazaret/versions';
import { readFile } from 'node:fs/promises';
import { parseKev, readEpss } from './enrichment';
import { detectInput, directoryItems, jsonFileItems, zipItems, type InputKind, type SourceItem } from './import.sources';
import type { Advisory } from './osv.model';
import { toAdvisory, validateOsv } from './osv.validator';
import { META_LAST_IMPORT, type AdvisoryStore } from './store';
import type { ZipLimits } from './zip.reader';

export type ImportIssueCode = 'invalid-json' | 'invalid-record' | 'read-error' | 'too-large';

/** A record that was not imported, and why. */
export interface ImportIssue {
  source: string;
  id?: string;
  code: ImportIssueCode;
  message: string;
}

export interface ImportReport {
  kind: InputKind | 'records';
  /** Documents (records) read. */
  read: number;
  /** New or newer records written. */
  imported: number;
  /** Records whose stored copy is as new or newer (`modified`). */
  unchanged: number;
  /** Imported records that are withdrawn (their matches are gone). */
  withdrawn: number;
  /** Records rejected (schema, JSON, read errors): `issues` lists the first `maxIssues`. */
  invalid: number;
  issues: ImportIssue[];
  /** Affected entries per ecosystem we have no version ordering for (kept; only `versions` lists can match them). */
  unorderedEcosystems: Record<string, number>;
  /** KEV or EPSS entries stored (for those inputs). */
  enrichmentEntries?: number;
  seconds: number;
}

export interface ImportOptions {
  /** Records per store write (one transaction each). */
  batchSize?: number;
  /** Write every record even when the stored copy is as new. */
  force?: boolean;
  /** Issues kept in the report (all are counted). */
  maxIssues?: number;
  zipLimits?: Partial<ZipLimits>;
  onProgress?: (p: { read: number; imported: number; invalid: number }) => void;
  /** Time source (tests). */
  now?: () => Date;
}

function newer(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta > tb;
  return a > b;
}

/**
 * Imports OSV records from any stream of JSON documents (each a record or an array of records):
 * validates each against the OSV schema, skips records whose stored copy is as new (`modified`),
 * writes in batches. Bad records are reported in the result, never thrown.
 */
export async function importRecords(store: AdvisoryStore, items: AsyncIterable<SourceItem> | Iterable<SourceItem>, options: ImportOptions = {}, kind: ImportReport['kind'] = 'records'): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 1000;
  const maxIssues = options.maxIssues ?? 200;
  const report: ImportReport = { kind, read: 0, imported: 0, unchanged: 0, withdrawn: 0, invalid: 0, issues: [], unorderedEcosystems: {}, seconds: 0 };
  const comparatorKnown = new Map<string, boolean>();
  const issue = (i: ImportIssue) => {
    report.invalid++;
    if (report.issues.length < maxIssues) report.issues.push(i);
  };
  let batch = new Map<string, Advisory>();

  const flush = async () => {
    if (batch.size === 0) return;
    const list = [...batch.values()];
    batch = new Map();
    let write = list;
    if (!options.force) {
      const stored = await store.modifiedOf(list.map((a) => a.id));
      write = list.filter((a) => {
        const m = stored.get(a.id);
        return m === undefined || newer(a.modified, m);
      });
      report.unchanged += list.length - write.length;
    }
    if (write.length) await store.putAdvisories(write);
    report.imported += write.length;
    for (const a of write) if (a.withdrawn) report.withdrawn++;
    options.onProgress?.({ read: report.read, imported: report.imported, invalid: report.invalid });
  };

  const take = async (value: unknown, source: string) => {
    report.read++;
    const v = validateOsv(value);
    if (!v.ok) {
      issue({ source, ...(v.id ? { id: v.id } : {}), code: 'invalid-record', message: v.errors.join('; ') });
      return;
    }
    const adv = toAdvisory(v.record);
    for (const af of adv.affected) {
      let known = comparatorKnown.get(af.ecosystem);
      if (known === undefined) comparatorKnown.set(af.ecosystem, (known = getComparator(af.ecosystem) !== undefined));
      if (!known) report.unorderedEcosystems[af.ecosystemKey] = (report.unorderedEcosystems[af.ecosystemKey] ?? 0) + 1;
    }
    const prev = batch.get(adv.id);
    if (!prev || newer(adv.modified, prev.modified)) batch.set(adv.id, adv);
    if (batch.size >= batchSize) await flush();
  };

  for await (const item of items) {
    if ('error' in item) {
      report.read++;
      issue({ source: item.source, code: item.code, message: item.error });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(item.text);
    } catch (err) {
      report.read++;
      issue({ source: item.source, code: 'invalid-json', message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (Array.isArray(doc)) {
      for (let i = 0; i < doc.length; i++) await take(doc[i], `${item.source}[${i}]`);
    } else await take(doc, item.source);
  }
  await flush();
  await store.setMeta(META_LAST_IMPORT, (options.now?.() ?? new Date()).toISOString());
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/**
 * Imports whatever `path` holds: a directory of OSV JSON files (recursively), a zip of them
 * (osv.dev `all.zip`), a JSON file with one record or an array, the CISA KEV catalog (JSON), or
 * an EPSS scores CSV (optionally gzipped). Told apart by content, not by file name.
 */
export async function importPath(store: AdvisoryStore, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const kind = await detectInput(path);
  switch (kind) {
    case 'osv-directory':
      return importRecords(store, directoryItems(path), options, kind);
    case 'osv-zip':
      return importRecords(store, zipItems(path, options.zipLimits), options, kind);
    case 'osv-json':
      return importRecords(store, jsonFileItems(path), options, kind);
    case 'kev-json': {
      const started = Date.now();
      const { entries, info, skipped } = parseKev(await readFile(path, 'utf8'), path);
      await store.replaceKev(entries, info);
      await store.setMeta(META_LAST_IMPORT, (options.now?.() ?? new Date()).toISOString());
      return enrichmentReport(kind, entries.length, skipped, path, started);
    }
    case 'epss-csv': {
      const started = Date.now();
      const { entries, info, skipped } = await readEpss(path);
      await store.replaceEpss(entries, info);
      await store.setMeta(META_LAST_IMPORT, (options.now?.() ?? new Date()).toISOString());
      return enrichmentReport(kind, entries.length, skipped, path, started);
    }
  }
}

function enrichmentReport(kind: InputKind, stored: number, skipped: number, source: string, started: number): ImportReport {
  return {
    kind,
    read: stored + skipped,
    imported: stored,
    unchanged: 0,
    withdrawn: 0,
    invalid: skipped,
    issues: skipped ? [{ source, code: 'invalid-record', message: `${skipped} rows without a valid CVE id or value were skipped` }] : [],
    unorderedEcosystems: {},
    enrichmentEntries: stored,
    seconds: (Date.now() - started) / 1000,
  };
}
