import { z } from 'zod';
import { defineRequest } from '../common/request';
import { DigestSchema, ScannedImageSchema } from './scan-completed.v1';

export const ScanStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);

export const ScanViewSchema = z.strictObject({
  id: z.uuid(),
  submissionId: z.uuid(),
  status: ScanStatusSchema,
  source: z.string(),
  platform: z.string(),
  progress: z.strictObject({ phase: z.string(), bytesRead: z.number(), bytesTotal: z.number() }).nullable(),
  image: ScannedImageSchema.nullable(),
  os: z.strictObject({ id: z.string(), versionId: z.string().optional(), prettyName: z.string().optional() }).nullable(),
  packageCount: z.number().int().nullable(),
  notes: z.array(z.strictObject({ level: z.string(), code: z.string(), message: z.string(), path: z.string().optional() })),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ScanView = z.infer<typeof ScanViewSchema>;

export const GetScanV1 = defineRequest({
  subject: 'lazaret.scanning.get-scan.v1',
  request: z.strictObject({ scanId: z.uuid() }),
  response: ScanViewSchema,
});

export const SbomFormatSchema = z.enum(['cyclonedx', 'spdx']);

/** SBOMs can be larger than one NATS message: they are read in chunks. */
export const GetSbomChunkV1 = defineRequest({
  subject: 'lazaret.scanning.get-sbom.v1',
  request: z.strictObject({
    digest: DigestSchema,
    format: SbomFormatSchema,
    offset: z.number().int().nonnegative().default(0),
    length: z.number().int().min(1).max(512 * 1024).default(512 * 1024),
  }),
  response: z.strictObject({
    digest: DigestSchema,
    format: SbomFormatSchema,
    contentType: z.string(),
    totalBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[a-f0-9]{64}$/),
    offset: z.number().int().nonnegative(),
    dataBase64: z.string(),
  }),
});

export const PackageViewSchema = z.strictObject({
  type: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  version: z.string(),
  purl: z.string(),
  licenses: z.array(z.string()),
  sourceName: z.string().nullable(),
  sourceVersion: z.string().nullable(),
  arch: z.string().nullable(),
  layerDigest: z.string().nullable(),
  locations: z.array(z.strictObject({ path: z.string(), layerDigest: z.string() })),
  foundBy: z.string(),
});

export const ListPackagesV1 = defineRequest({
  subject: 'lazaret.scanning.list-packages.v1',
  request: z.strictObject({
    digest: DigestSchema,
    type: z.string().max(20).optional(),
    name: z.string().max(200).optional(),
    layerDigest: DigestSchema.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().nonnegative().default(0),
  }),
  response: z.strictObject({ total: z.number().int().nonnegative(), items: z.array(PackageViewSchema) }),
});

/** What the platform knows of a scanned image (for access checks by repository). */
export const GetImageV1 = defineRequest({
  subject: 'lazaret.scanning.get-image.v1',
  request: z.strictObject({ digest: DigestSchema }),
  response: z.strictObject({ digest: DigestSchema, reference: z.string(), platform: z.string(), packageCount: z.number().int(), scannedAt: z.string() }),
});
