import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const ScanningConfigSchema = z.object({
  /** Per-layer cataloging results, shared by every image that has the layer. */
  LAZARET_SCAN_CACHE_DIR: z.string().min(1).default(join(tmpdir(), 'lazaret-layer-cache')),
  /** Scans run at once by this replica (each streams layers; memory stays bounded per scan). */
  LAZARET_SCAN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** A scan whose worker stopped heart-beating this long is taken over by another worker. */
  LAZARET_SCAN_STALE_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** Attempts before a scan that keeps killing its worker is failed for good. */
  LAZARET_SCAN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
});
export type ScanningConfig = z.infer<typeof ScanningConfigSchema>;
