import { z } from 'zod';
import { defineEvent } from '../common/envelope';

export const DigestSchema = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be sha256:<64 hex>');

export const ScannedImageSchema = z.strictObject({
  reference: z.string(),
  manifestDigest: DigestSchema,
  configDigest: DigestSchema.optional(),
  platform: z.string(),
});

/** A scan finished, one way or the other. Findings and verdicts follow in their own events. */
export const ScanCompletedData = z.strictObject({
  scanId: z.uuid(),
  submissionId: z.uuid(),
  status: z.enum(['succeeded', 'failed']),
  image: ScannedImageSchema.optional(),
  os: z.strictObject({ id: z.string(), versionId: z.string().optional() }).optional(),
  packageCount: z.number().int().nonnegative(),
  layerCount: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});

export const ScanCompletedV1 = defineEvent({
  type: 'lazaret.scan.completed.v1',
  subject: 'lazaret.scan.completed.v1',
  stream: 'IMAGES',
  data: ScanCompletedData,
});
