import { createHash } from 'node:crypto';
import { ScanCompletedV1, type ScanView } from '@lazaret/contracts';
import type { AuditPublisher, Logger, Outbox } from '@lazaret/platform';
import {
  catalogImage,
  openArchiveBlob,
  cycloneDxJson,
  defaultCatalogers,
  DirectoryLayerCache,
  formatPlatform,
  sbomInputFromCatalog,
  spdxJson,
  type ImageCatalog,
  type LayerCache,
} from '@lazaret/scanner';
import type { ClaimedScan, ScanRepository } from '../adapters/scan.repository';
import type { UploadReader } from '../adapters/upload.reader';
import type { VulnerabilityService } from './vulnerability.service';

export const TOOL = { name: 'lazaret', version: '0.1.0' };

/**
 * Runs queued scans outside the message consumer (a scan can take minutes; a consumer must ack
 * quickly). Workers claim jobs from Postgres with SKIP LOCKED, heart-beat while they read, and
 * a job whose worker died is taken over once it goes stale.
 */
export class ScanRunner {
  private stopped = false;
  private wake?: () => void;
  private readonly loops: Array<Promise<void>> = [];
  private readonly cache: LayerCache;
  private readonly catalogers = defaultCatalogers();

  constructor(
    private readonly scans: ScanRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditPublisher,
    private readonly logger: Logger,
    private readonly uploads: UploadReader,
    private readonly vulns: VulnerabilityService,
    private readonly settings: { cacheDir: string; concurrency: number; staleSeconds: number; maxAttempts: number; pollMs?: number },
  ) {
    this.cache = new DirectoryLayerCache(settings.cacheDir);
  }

  start(): void {
    for (let i = 0; i < this.settings.concurrency; i++) this.loops.push(this.loop());
  }

  /** A new job was queued: look now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let job: ClaimedScan | undefined;
      try {
        for (const id of await this.scans.abandonExhausted(this.settings.maxAttempts, this.settings.staleSeconds)) {
          this.logger.error({ scanId: id }, 'scan failed for good: its worker was lost too many times');
        }
        job = await this.scans.claimNext(this.settings.staleSeconds, this.settings.maxAttempts);
      } catch (err) {
        this.logger.warn({ err }, 'could not claim a scan; retrying');
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.settings.pollMs ?? 5_000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        continue;
      }
      await this.run(job);
    }
  }

  async run(job: ClaimedScan): Promise<void> {
    const started = Date.now();
    let lastBeat = 0;
    this.logger.info({ scanId: job.id, source: job.source.kind, attempt: job.attempts }, 'scan started');
    let catalog: ImageCatalog;
    try {
      const options = {
        platform: job.platform,
        catalogers: this.catalogers,
        cache: this.cache,
        onProgress: (p: { phase: string; bytesRead: number; bytesTotal: number }) => {
          const now = Date.now();
          if (now - lastBeat < 1_000 && p.phase !== 'done') return;
          lastBeat = now;
          void this.scans.heartbeat(job.id, { phase: p.phase, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }).catch(() => undefined);
        },
      };
      if (job.source.kind === 'registry') {
        catalog = await catalogImage(job.source.reference, { ...options, format: 'registry', insecure: job.source.insecure });
      } else {
        const blob = await this.uploads.blob(job.source.objectName, job.source.digest);
        const source = await openArchiveBlob(blob, { format: job.source.format });
        try {
          catalog = await catalogImage(source, options);
        } finally {
          await source.close();
        }
        if (job.source.name) catalog = { ...catalog, reference: job.source.name };
      }
    } catch (err) {
      await this.fail(job, err, Date.now() - started);
      return;
    }
    try {
      await this.succeed(job, catalog, Date.now() - started);
    } catch (err) {
      await this.fail(job, err, Date.now() - started);
    }
  }

  private async succeed(job: ClaimedScan, catalog: ImageCatalog, durationMs: number): Promise<void> {
    const input = sbomInputFromCatalog(catalog, TOOL);
    const digest = input.image.manifestDigest;
    const documents = [
      { format: 'cyclonedx', contentType: 'application/vnd.cyclonedx+json; version=1.6', body: Buffer.from(cycloneDxJson(input)) },
      { format: 'spdx', contentType: 'application/spdx+json', body: Buffer.from(spdxJson(input)) },
    ];
    const platform = formatPlatform(catalog.platform);
    const notes: ScanView['notes'] = catalog.notes.slice(0, 200).map((n) => ({ level: n.level, code: n.code, message: n.message.slice(0, 500), ...(n.path ? { path: n.path } : {}) }));
    await this.outbox.transaction('scanning complete-scan', async (tx) => {
      await this.scans.saveImage(tx, job.id, {
        manifestDigest: digest,
        reference: catalog.reference,
        configDigest: catalog.configDigest,
        platform,
        os: catalog.os,
        layers: catalog.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, index: l.index, size: l.size, createdBy: l.createdBy, mediaType: l.mediaType })),
        packages: input.packages,
      });
      const findings = await this.vulns.matchScanned(tx, digest, catalog.reference, input.packages, catalog.os);
      for (const d of documents) await this.scans.saveSbom(tx, digest, d.format, d.contentType, createHash('sha256').update(d.body).digest('hex'), d.body);
      await this.scans.finish(tx, job.id, { status: 'succeeded', manifestDigest: digest, notes });
      await this.outbox.enqueue(tx, ScanCompletedV1, {
        scanId: job.id,
        submissionId: job.submissionId,
        status: 'succeeded',
        image: { reference: catalog.reference, manifestDigest: digest, ...(catalog.configDigest ? { configDigest: catalog.configDigest } : {}), platform },
        ...(catalog.os ? { os: { id: catalog.os.id, ...(catalog.os.versionId ? { versionId: catalog.os.versionId } : {}) } } : {}),
        packageCount: input.packages.length,
        layerCount: catalog.layers.length,
        durationMs,
      }, { tenant: job.tenant });
      await this.audit.enqueue(tx, {
        action: 'scan.complete',
        actor: { type: 'service', id: 'scanning' },
        outcome: 'success',
        resource: { type: 'image', id: digest },
        details: { scanId: job.id, reference: catalog.reference, packages: input.packages.length, findings, durationMs },
      });
    });
    this.logger.info({ scanId: job.id, digest, packages: input.packages.length, durationMs }, 'scan succeeded');
  }

  private async fail(job: ClaimedScan, err: unknown, durationMs: number): Promise<void> {
    const code = typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string' ? (err as { code: string }).code : 'scan-failed';
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    if (code === 'scan-failed') this.logger.error({ err, scanId: job.id }, 'scan failed unexpectedly');
    else this.logger.warn({ scanId: job.id, code, message }, 'scan failed');
    try {
      await this.outbox.transaction('scanning fail-scan', async (tx) => {
        await this.scans.finish(tx, job.id, { status: 'failed', error: { code, message }, notes: [] });
        await this.outbox.enqueue(tx, ScanCompletedV1, { scanId: job.id, submissionId: job.submissionId, status: 'failed', packageCount: 0, layerCount: 0, durationMs, error: { code, message } }, { tenant: job.tenant });
        await this.audit.enqueue(tx, { action: 'scan.complete', actor: { type: 'service', id: 'scanning' }, outcome: 'failure', resource: { type: 'scan', id: job.id }, reason: `${code}: ${message}` });
      });
    } catch (dbErr) {
      // The job stays "running"; once stale, another worker (or this one) takes it again.
      this.logger.error({ err: dbErr, scanId: job.id }, 'could not record a failed scan');
    }
  }
}
