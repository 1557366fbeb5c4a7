import type { FindingView } from '@lazaret/contracts';
import type { Package } from '@lazaret/scanner';
import type { Finding } from '@lazaret/vulndb';
import { ratingRank } from '@lazaret/vulndb';
import type { DataSource, EntityManager } from 'typeorm';

interface PackageRow {
  type: Package['type'];
  namespace: string | null;
  name: string;
  version: string;
  purl: string;
  licenses: string[];
  source_name: string | null;
  source_version: string | null;
  arch: string | null;
  layer_digest: string | null;
  locations: Package['locations'];
  found_by: string;
  metadata: Package['metadata'] | null;
}

/** SQL of findings, and of reading an image back as the matcher's input. */
export class FindingsRepository {
  constructor(private readonly db: DataSource) {}

  async imageInput(digest: string, tx: EntityManager | DataSource = this.db): Promise<{ reference: string; os?: { id: string; versionId?: string; versionCodename?: string; prettyName?: string; idLike: string[] }; packages: Package[] } | undefined> {
    const images: Array<{ reference: string; os: { id: string; idLike: string[] } | null }> = await tx.query('SELECT reference, os FROM images WHERE manifest_digest = $1', [digest]);
    if (!images[0]) return undefined;
    const rows: PackageRow[] = await tx.query('SELECT * FROM packages WHERE image_digest = $1 ORDER BY idx', [digest]);
    const packages = rows.map(
      (r): Package => ({
        type: r.type,
        name: r.name,
        version: r.version,
        purl: r.purl,
        licenses: r.licenses,
        foundBy: r.found_by,
        locations: r.locations,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        ...(r.source_name ? { sourceName: r.source_name } : {}),
        ...(r.source_version ? { sourceVersion: r.source_version } : {}),
        ...(r.arch ? { arch: r.arch } : {}),
        ...(r.layer_digest ? { layerDigest: r.layer_digest } : {}),
        ...(r.metadata ? { metadata: r.metadata } : {}),
      }),
    );
    return { reference: images[0].reference, ...(images[0].os ? { os: images[0].os } : {}), packages };
  }

  async allImageDigests(): Promise<string[]> {
    return ((await this.db.query('SELECT manifest_digest FROM images ORDER BY scanned_at')) as Array<{ manifest_digest: string }>).map((r) => r.manifest_digest);
  }

  /** Replaces an image's findings; returns the ones that are new (first seen now). */
  async replace(tx: EntityManager, digest: string, findings: Finding[]): Promise<Finding[]> {
    const existing: Array<{ vuln_id: string; package_purl: string; first_seen: Date }> = await tx.query('SELECT vuln_id, package_purl, first_seen FROM findings WHERE image_digest = $1', [digest]);
    const seen = new Map(existing.map((e) => [`${e.vuln_id}\0${e.package_purl}`, e.first_seen]));
    await tx.query('DELETE FROM findings WHERE image_digest = $1', [digest]);
    const unique = new Map(findings.map((f) => [`${f.id}\0${f.package.purl}`, f]));
    const list = [...unique.values()];
    if (list.length > 0) {
      await tx.query(
        `INSERT INTO findings (image_digest, vuln_id, package_purl, package_name, severity, severity_rank, score, fix_available, state, kev, epss, aliases, body, first_seen)
         SELECT $1, v, p, n, s, r, sc, fa, st, k, e, ARRAY(SELECT jsonb_array_elements_text(a)), b, COALESCE(fs, now())
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::boolean[], $9::text[], $10::boolean[], $11::float8[], $12::jsonb[], $13::jsonb[], $14::timestamptz[])
           AS t(v, p, n, s, r, sc, fa, st, k, e, a, b, fs)`,
        [
          digest,
          list.map((f) => f.id),
          list.map((f) => f.package.purl),
          list.map((f) => f.package.name),
          list.map((f) => f.severity),
          list.map((f) => ratingRank(f.severity)),
          list.map((f) => f.score ?? null),
          list.map((f) => f.fixAvailable),
          list.map((f) => f.state),
          list.map((f) => f.kev !== undefined),
          list.map((f) => f.epss?.score ?? null),
          list.map((f) => JSON.stringify(f.aliases)),
          list.map((f) => JSON.stringify(f)),
          list.map((f) => seen.get(`${f.id}\0${f.package.purl}`) ?? null),
        ],
      );
    }
    return list.filter((f) => !seen.has(`${f.id}\0${f.package.purl}`));
  }

  async list(filter: { digest: string; severity?: string[]; fixable?: boolean; package?: string; id?: string; kev?: boolean; sort: string; limit: number; offset: number }) {
    const where = ['image_digest = $1'];
    const params: unknown[] = [filter.digest];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (filter.severity?.length) add('severity = ANY(?::text[])', filter.severity);
    if (filter.fixable !== undefined) add('fix_available = ?', filter.fixable);
    if (filter.package) add('package_name = ?', filter.package);
    if (filter.id) add('(vuln_id = ? OR ? = ANY(aliases))', filter.id);
    if (filter.kev !== undefined) add('kev = ?', filter.kev);
    const order: Record<string, string> = {
      severity: 'severity_rank DESC, score DESC NULLS LAST, vuln_id',
      score: 'score DESC NULLS LAST, severity_rank DESC, vuln_id',
      epss: 'epss DESC NULLS LAST, severity_rank DESC, vuln_id',
      package: 'package_name, vuln_id',
      id: 'vuln_id, package_name',
    };
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM findings WHERE ${where.join(' AND ')}`, params)) as Array<{ total: number }>;
    const rows: Array<{ body: Finding; first_seen: Date }> = await this.db.query(
      `SELECT body, first_seen FROM findings WHERE ${where.join(' AND ')} ORDER BY ${order[filter.sort] ?? order.severity} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { total, items: rows.map((r) => toView(r.body, r.first_seen)) };
  }

  async forImage(digest: string): Promise<Finding[]> {
    return ((await this.db.query('SELECT body FROM findings WHERE image_digest = $1', [digest])) as Array<{ body: Finding }>).map((r) => r.body);
  }

  async byVulnerability(id: string): Promise<Array<{ digest: string; reference: string; finding: Finding }>> {
    const rows: Array<{ image_digest: string; reference: string; body: Finding }> = await this.db.query(
      `SELECT f.image_digest, i.reference, f.body FROM findings f JOIN images i ON i.manifest_digest = f.image_digest
       WHERE f.vuln_id = $1 OR $1 = ANY(f.aliases) ORDER BY i.reference, f.package_name`,
      [id],
    );
    return rows.map((r) => ({ digest: r.image_digest, reference: r.reference, finding: r.body }));
  }
}

export function toView(f: Finding, firstSeen: Date): FindingView {
  return {
    id: f.id,
    aliases: f.aliases,
    summary: f.summary ?? null,
    severity: f.severity,
    severitySource: f.severitySource,
    score: f.score ?? null,
    package: { name: f.package.name, version: f.package.version, type: f.package.type, purl: f.package.purl, ecosystem: f.package.ecosystem },
    installedVersion: f.installedVersion,
    fixedVersions: f.fixedVersions,
    fixAvailable: f.fixAvailable,
    state: f.state,
    kev: f.kev !== undefined,
    epss: f.epss?.score ?? null,
    layerDigest: f.layerDigest ?? null,
    locations: f.locations,
    advisories: f.advisories,
    references: f.references,
    firstSeen: firstSeen.toISOString(),
  };
}
