import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ScanningConfigSchema = z.object({
  /** Per-layer cataloging results, shared by every image that has the layer. */
  LAZARET_SCAN_CACHE_DIR: z.string().min(1).default(join(tmpdir(), 'lazaret-layer-cache')),
  /** Scans run at once by this replica (each streams layers; memory stays bounded per scan). */
  LAZARET_SCAN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** A scan whose worker stopped heart-beating this long is taken over by another worker. */
  LAZARET_SCAN_STALE_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** Attempts before a scan that keeps killing its worker is failed for good. */
  LAZARET_SCAN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Image verdicts fail on a finding with a fix at or above this severity. */
  LAZARET_VERDICT_FAIL_ON_FIXABLE: z.enum(['critical', 'high', 'medium', 'low', 'negligible', 'unknown']).default('critical'),
  /** Image verdicts fail on any known-exploited vulnerability (CISA KEV). */
  LAZARET_VERDICT_FAIL_ON_KEV: bool.default(true),
  /** Load the shipped sample advisories when the vulnerability database is empty. */
  LAZARET_VULNDB_SEED: bool.default(true),
});
export type ScanningConfig = z.infer<typeof ScanningConfigSchema>;
