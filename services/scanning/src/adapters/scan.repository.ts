import type { ImageSource, ScanView } from '@lazaret/contracts';
import { returnedRows } from '@lazaret/platform';
import type { Package } from '@lazaret/scanner';
import type { DataSource, EntityManager } from 'typeorm';

export interface ClaimedScan {
  id: string;
  submissionId: string;
  tenant: string;
  source: ImageSource;
  platform: string;
  attempts: number;
  requestedBy: { type: string; id: string };
}

interface ScanRow {
  id: string;
  submission_id: string;
  tenant: string;
  source: ImageSource;
  platform: string;
  status: ScanView['status'];
  requested_by: { type: string; id: string };
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  attempts: number;
  progress: ScanView['progress'];
  manifest_digest: string | null;
  error: ScanView['error'];
  notes: ScanView['notes'];
  reference: string | null;
  config_digest: string | null;
  image_platform: string | null;
  os: { id: string; versionId?: string; prettyName?: string } | null;
  package_count: number | null;
}

export interface StoredImage {
  manifestDigest: string;
  reference: string;
  configDigest?: string;
  platform: string;
  os?: { id: string; versionId?: string; versionCodename?: string; prettyName?: string; idLike: string[] };
  layers: Array<{ digest: string; diffId?: string; index: number; size: number; createdBy?: string; mediaType: string }>;
  packages: Package[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** All SQL of scans, images, packages and SBOM documents. */
export class ScanRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Takes the oldest queued scan, or one whose worker stopped heart-beating (a crashed replica),
   * for this worker. SKIP LOCKED lets several replicas share the queue.
   */
  async claimNext(staleSeconds: number, maxAttempts: number): Promise<ClaimedScan | undefined> {
    const rows: Array<{ id: string; submission_id: string; tenant: string; source: ImageSource; platform: string; attempts: number; requested_by: { type: string; id: string } }> =
      returnedRows(
        await this.db.query(
          `UPDATE scans SET status = 'running', started_at = now(), heartbeat_at = now(), updated_at = now(), attempts = attempts + 1, progress = NULL
           WHERE id = (
             SELECT id FROM scans
             WHERE (status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)))
               AND attempts < $2
             ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
           RETURNING id, submission_id, tenant, source, platform, attempts, requested_by`,
          [staleSeconds, maxAttempts],
        ),
      );
    const r = rows[0];
    return r && { id: r.id, submissionId: r.submission_id, tenant: r.tenant, source: r.source, platform: r.platform, attempts: r.attempts, requestedBy: r.requested_by };
  }

  /** Scans that crashed their worker too often: failed for good. */
  async abandonExhausted(maxAttempts: number, staleSeconds: number): Promise<string[]> {
    const rows: Array<{ id: string }> = returnedRows(
      await this.db.query(
        `UPDATE scans SET status = 'failed', finished_at = now(), updated_at = now(),
           error = '{"code":"worker-lost","message":"the scan stopped its worker too many times"}'
         WHERE status IN ('queued', 'running') AND attempts >= $1 AND (status = 'queued' OR heartbeat_at < now() - make_interval(secs => $2))
         RETURNING id`,
        [maxAttempts, staleSeconds],
      ),
    );
    return rows.map((r) => r.id);
  }

  async heartbeat(id: string, progress: { phase: string; bytesRead: number; bytesTotal: number }): Promise<void> {
    await this.db.query("UPDATE scans SET heartbeat_at = now(), progress = $2 WHERE id = $1 AND status = 'running'", [id, JSON.stringify(progress)]);
  }

  async saveImage(tx: EntityManager, scanId: string, image: StoredImage): Promise<void> {
    await tx.query(
      `INSERT INTO images (manifest_digest, reference, config_digest, platform, os, layers, package_count, last_scan_id, scanned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (manifest_digest) DO UPDATE SET reference = EXCLUDED.reference, config_digest = EXCLUDED.config_digest, platform = EXCLUDED.platform,
         os = EXCLUDED.os, layers = EXCLUDED.layers, package_count = EXCLUDED.package_count, last_scan_id = EXCLUDED.last_scan_id, scanned_at = now()`,
      [image.manifestDigest, image.reference, image.configDigest ?? null, image.platform, image.os ? JSON.stringify(image.os) : null, JSON.stringify(image.layers), image.packages.length, scanId],
    );
    await tx.query('DELETE FROM packages WHERE image_digest = $1', [image.manifestDigest]);
    const p = image.packages;
    for (let start = 0; start < p.length; start += 1000) {
      const chunk = p.slice(start, start + 1000);
      await tx.query(
        `INSERT INTO packages (image_digest, idx, type, namespace, name, version, purl, licenses, source_name, source_version, arch, layer_digest, locations, found_by, metadata)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::jsonb[])`,
        [
          image.manifestDigest,
          chunk.map((_, i) => start + i),
          chunk.map((x) => x.type),
          chunk.map((x) => x.namespace ?? null),
          chunk.map((x) => x.name),
          chunk.map((x) => x.version),
          chunk.map((x) => x.purl),
          chunk.map((x) => JSON.stringify(x.licenses)),
          chunk.map((x) => x.sourceName ?? null),
          chunk.map((x) => x.sourceVersion ?? null),
          chunk.map((x) => x.arch ?? null),
          chunk.map((x) => x.layerDigest ?? null),
          chunk.map((x) => JSON.stringify(x.locations)),
          chunk.map((x) => x.foundBy),
          chunk.map((x) => (x.metadata ? JSON.stringify(x.metadata) : null)),
        ],
      );
    }
  }

  async saveSbom(tx: EntityManager, digest: string, format: string, contentType: string, sha256: string, document: Buffer): Promise<void> {
    await tx.query(
      `INSERT INTO sboms (image_digest, format, content_type, sha256, document) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (image_digest, format) DO UPDATE SET content_type = EXCLUDED.content_type, sha256 = EXCLUDED.sha256, document = EXCLUDED.document`,
      [digest, format, contentType, sha256, document],
    );
  }

  async finish(
    tx: EntityManager,
    scanId: string,
    result: { status: 'succeeded' | 'failed'; manifestDigest?: string; error?: { code: string; message: string }; notes: ScanView['notes'] },
  ): Promise<void> {
    await tx.query(
      'UPDATE scans SET status = $2, finished_at = now(), updated_at = now(), manifest_digest = $3, error = $4, notes = $5 WHERE id = $1',
      [scanId, result.status, result.manifestDigest ?? null, result.error ? JSON.stringify(result.error) : null, JSON.stringify(result.notes)],
    );
  }

  async get(scanId: string): Promise<ScanView | undefined> {
    const rows: ScanRow[] = await this.db.query(
      `SELECT s.*, i.reference, i.config_digest, i.platform AS image_platform, i.os, i.package_count
       FROM scans s LEFT JOIN images i ON i.manifest_digest = s.manifest_digest AND s.status = 'succeeded'
       WHERE s.id = $1`,
      [scanId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      submissionId: r.submission_id,
      status: r.status,
      source: r.source.kind === 'registry' ? r.source.reference : `upload:${r.source.objectName}`,
      platform: r.platform,
      progress: r.progress,
      image: r.manifest_digest && r.reference ? { reference: r.reference, manifestDigest: r.manifest_digest, ...(r.config_digest ? { configDigest: r.config_digest } : {}), platform: r.image_platform ?? r.platform } : null,
      os: r.os ? { id: r.os.id, ...(r.os.versionId ? { versionId: r.os.versionId } : {}), ...(r.os.prettyName ? { prettyName: r.os.prettyName } : {}) } : null,
      packageCount: r.package_count,
      notes: r.notes,
      error: r.error,
      createdAt: r.created_at.toISOString(),
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
    };
  }

  async packages(filter: { digest: string; type?: string; name?: string; layerDigest?: string; limit: number; offset: number }) {
    const where = ['image_digest = $1'];
    const params: unknown[] = [filter.digest];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.type) add('type = ?', filter.type);
    if (filter.name) add('name = ?', filter.name);
    if (filter.layerDigest) add('layer_digest = ?', filter.layerDigest);
    const [{ total }] = (await this.db.query(`SELECT count(*)::int AS total FROM packages WHERE ${where.join(' AND ')}`, params)) as Array<{ total: number }>;
    const rows: Array<{
      type: string;
      namespace: string | null;
      name: string;
      version: string;
      purl: string;
      licenses: string[];
      source_name: string | null;
      source_version: string | null;
      arch: string | null;
      layer_digest: string | null;
      locations: Array<{ path: string; layerDigest: string }>;
      found_by: string;
    }> = await this.db.query(`SELECT * FROM packages WHERE ${where.join(' AND ')} ORDER BY type, name, version, idx LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      filter.limit,
      filter.offset,
    ]);
    return {
      total,
      items: rows.map((r) => ({
        type: r.type,
        namespace: r.namespace,
        name: r.name,
        version: r.version,
        purl: r.purl,
        licenses: r.licenses,
        sourceName: r.source_name,
        sourceVersion: r.source_version,
        arch: r.arch,
        layerDigest: r.layer_digest,
        locations: r.locations,
        foundBy: r.found_by,
      })),
    };
  }

  async image(digest: string): Promise<{ digest: string; reference: string; platform: string; packageCount: number; scannedAt: string } | undefined> {
    const rows: Array<{ manifest_digest: string; reference: string; platform: string; package_count: number; scanned_at: Date }> = await this.db.query(
      'SELECT manifest_digest, reference, platform, package_count, scanned_at FROM images WHERE manifest_digest = $1',
      [digest],
    );
    const r = rows[0];
    return r && { digest: r.manifest_digest, reference: r.reference, platform: r.platform, packageCount: r.package_count, scannedAt: r.scanned_at.toISOString() };
  }

  async imageExists(digest: string): Promise<boolean> {
    return ((await this.db.query('SELECT 1 FROM images WHERE manifest_digest = $1', [digest])) as unknown[]).length > 0;
  }

  async sbomChunk(digest: string, format: string, offset: number, length: number) {
    const rows: Array<{ content_type: string; sha256: string; total: number; chunk: Buffer }> = await this.db.query(
      'SELECT content_type, sha256, octet_length(document) AS total, substring(document FROM $3 FOR $4) AS chunk FROM sboms WHERE image_digest = $1 AND format = $2',
      [digest, format, offset + 1, length],
    );
    return rows[0];
  }
}
