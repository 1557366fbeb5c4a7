import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { VulnDbError } from './errors';
import type { EnrichmentInfo, EpssEntry, KevEntry } from './store';

const CVE = /^CVE-\d{4}-\d{4,}$/i;

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/**
 * CISA's Known Exploited Vulnerabilities catalog (`known_exploited_vulnerabilities.json`):
 * `{catalogVersion, dateReleased, count, vulnerabilities: [{cveID, vendorProject, product,
 * vulnerabilityName, dateAdded, requiredAction, dueDate, knownRansomwareCampaignUse, ...}]}`.
 * Entries without a CVE id or dateAdded are skipped and counted.
 */
export function parseKev(text: string, source = 'KEV catalog'): { entries: KevEntry[]; info: EnrichmentInfo; skipped: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new VulnDbError('invalid-json', `${source}: not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { vulnerabilities?: unknown }).vulnerabilities)) {
    throw new VulnDbError('invalid-enrichment', `${source}: a KEV catalog is an object with a "vulnerabilities" array`);
  }
  const d = doc as Record<string, unknown> & { vulnerabilities: unknown[] };
  const entries: KevEntry[] = [];
  let skipped = 0;
  for (const v of d.vulnerabilities) {
    if (v === null || typeof v !== 'object') {
      skipped++;
      continue;
    }
    const o = v as Record<string, unknown>;
    const cveId = str(o, 'cveID');
    const dateAdded = str(o, 'dateAdded');
    if (!cveId || !CVE.test(cveId) || !dateAdded) {
      skipped++;
      continue;
    }
    const e: KevEntry = { cveId: cveId.toUpperCase(), dateAdded };
    for (const k of ['vendorProject', 'product', 'vulnerabilityName', 'dueDate', 'requiredAction', 'knownRansomwareCampaignUse'] as const) {
      const s = str(o, k);
      if (s) e[k] = s;
    }
    entries.push(e);
  }
  const info: EnrichmentInfo = {};
  const version = str(d, 'catalogVersion');
  const date = str(d, 'dateReleased');
  if (version) info.version = version;
  if (date) info.date = date;
  return { entries, info, skipped };
}

/**
 * FIRST's EPSS scores CSV (`epss_scores-YYYY-MM-DD.csv[.gz]`): an optional first line
 * `#model_version:v2023.03.01,score_date:2024-01-01T00:00:00+0000`, a header `cve,epss,percentile`,
 * then one line per CVE. Streamed line by line (the file has ~300,000 rows); bad rows are counted.
 */
export async function readEpss(path: string): Promise<{ entries: EpssEntry[]; info: EnrichmentInfo; skipped: number }> {
  const fh = await open(path, 'r');
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(path);
  const input = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  const entries: EpssEntry[] = [];
  const info: EnrichmentInfo = {};
  let skipped = 0;
  let header = false;
  let cols = { cve: 0, epss: 1, percentile: 2 };
  try {
    for await (const line0 of lines) {
      const line = line0.replace(/^\uFEFF/, '').trim();
      if (!line) continue;
      if (line.startsWith('#')) {
        for (const part of line.slice(1).split(',')) {
          const [k, ...rest] = part.split(':');
          const v = rest.join(':').trim();
          if (k?.trim() === 'model_version' && v) info.version = v;
          if (k?.trim() === 'score_date' && v) info.date = v;
        }
        continue;
      }
      const f = line.split(',').map((s) => s.trim());
      if (!header) {
        const lower = f.map((s) => s.toLowerCase());
        if (!lower.includes('cve') || !lower.includes('epss')) {
          throw new VulnDbError('invalid-enrichment', `${path}: an EPSS CSV starts with a "cve,epss,percentile" header`);
        }
        cols = { cve: lower.indexOf('cve'), epss: lower.indexOf('epss'), percentile: lower.indexOf('percentile') };
        header = true;
        continue;
      }
      const cve = f[cols.cve] ?? '';
      const score = Number(f[cols.epss]);
      const percentile = cols.percentile >= 0 ? Number(f[cols.percentile]) : NaN;
      if (!CVE.test(cve) || !Number.isFinite(score) || score < 0 || score > 1) {
        skipped++;
        continue;
      }
      entries.push({ cveId: cve.toUpperCase(), score, percentile: Number.isFinite(percentile) ? percentile : 0 });
    }
  } catch (err) {
    if (err instanceof VulnDbError) throw err;
    throw new VulnDbError('invalid-enrichment', `${path}: cannot read EPSS CSV: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    lines.close();
    raw.destroy();
  }
  if (!header) throw new VulnDbError('invalid-enrichment', `${path}: no "cve,epss,percentile" header`);
  return { entries, info, skipped };
}
