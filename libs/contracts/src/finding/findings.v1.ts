import { z } from 'zod';
import { defineEvent } from '../common/envelope';
import { ActorSchema, defineRequest } from '../common/request';
import { DigestSchema } from '../scan/scan-completed.v1';

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'negligible', 'unknown']);

export const FindingViewSchema = z.strictObject({
  id: z.string(),
  aliases: z.array(z.string()),
  summary: z.string().nullable(),
  severity: SeveritySchema,
  severitySource: z.string(),
  score: z.number().nullable(),
  package: z.strictObject({ name: z.string(), version: z.string(), type: z.string(), purl: z.string(), ecosystem: z.string() }),
  installedVersion: z.string(),
  fixedVersions: z.array(z.string()),
  fixAvailable: z.boolean(),
  state: z.enum(['fixed', 'unfixed', 'wont-fix']),
  kev: z.boolean(),
  epss: z.number().nullable(),
  layerDigest: z.string().nullable(),
  locations: z.array(z.strictObject({ path: z.string(), layerDigest: z.string() })),
  advisories: z.array(z.string()),
  references: z.array(z.string()),
  firstSeen: z.string(),
});
export type FindingView = z.infer<typeof FindingViewSchema>;

/** New findings for an image: after its scan, or when a database import matched stored packages. */
export const FindingsDetectedV1 = defineEvent({
  type: 'lazaret.finding.detected.v1',
  subject: 'lazaret.finding.detected.v1',
  stream: 'IMAGES',
  data: z.strictObject({
    imageDigest: DigestSchema,
    reference: z.string(),
    trigger: z.enum(['scan', 'vulndb-import']),
    /** New findings, at most 500 per event (`total` counts them all). */
    findings: z.array(z.strictObject({ id: z.string(), aliases: z.array(z.string()), package: z.string(), version: z.string(), severity: SeveritySchema, fixAvailable: z.boolean(), kev: z.boolean() })),
    total: z.number().int().nonnegative(),
  }),
});

export const ListFindingsV1 = defineRequest({
  subject: 'lazaret.scanning.list-findings.v1',
  request: z.strictObject({
    digest: DigestSchema,
    severity: z.array(SeveritySchema).optional(),
    fixable: z.boolean().optional(),
    package: z.string().max(200).optional(),
    id: z.string().max(100).optional(),
    kev: z.boolean().optional(),
    sort: z.enum(['severity', 'score', 'epss', 'package', 'id']).default('severity'),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().nonnegative().default(0),
  }),
  response: z.strictObject({ total: z.number().int().nonnegative(), items: z.array(FindingViewSchema) }),
});

export const VerdictSchema = z.strictObject({
  digest: DigestSchema,
  pass: z.boolean(),
  policy: z.strictObject({ failOnFixable: SeveritySchema, failOnKev: z.boolean() }),
  counts: z.record(z.string(), z.number().int()),
  violations: z.array(z.strictObject({ id: z.string(), package: z.string(), severity: SeveritySchema, reason: z.string() })),
});

export const GetVerdictV1 = defineRequest({
  subject: 'lazaret.scanning.get-verdict.v1',
  request: z.strictObject({ digest: DigestSchema }),
  response: VerdictSchema,
});

export const GetVulnerabilityV1 = defineRequest({
  subject: 'lazaret.scanning.get-vulnerability.v1',
  request: z.strictObject({ id: z.string().min(1).max(100) }),
  response: z.strictObject({
    id: z.string(),
    aliases: z.array(z.string()),
    summary: z.string().nullable(),
    advisories: z.array(z.strictObject({ id: z.string(), modified: z.string(), published: z.string().nullable(), withdrawn: z.string().nullable(), references: z.array(z.string()) })),
    images: z.array(
      z.strictObject({
        digest: z.string(),
        reference: z.string(),
        packages: z.array(z.strictObject({ name: z.string(), version: z.string(), purl: z.string(), severity: SeveritySchema, fixAvailable: z.boolean(), layerDigest: z.string().nullable() })),
      }),
    ),
  }),
});

export const VulnDbImportSchema = z.strictObject({
  id: z.uuid(),
  status: z.enum(['running', 'succeeded', 'failed']),
  fileName: z.string().nullable(),
  report: z
    .strictObject({ kind: z.string(), read: z.number().int(), imported: z.number().int(), unchanged: z.number().int(), withdrawn: z.number().int(), invalid: z.number().int(), issues: z.array(z.string()) })
    .nullable(),
  rematched: z.strictObject({ images: z.number().int(), newFindings: z.number().int() }).nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const ImportVulnDbV1 = defineRequest({
  subject: 'lazaret.scanning.import-vulndb.v1',
  request: z.strictObject({ actor: ActorSchema, objectName: z.string().min(1).max(300), digest: DigestSchema, fileName: z.string().max(200).optional() }),
  response: VulnDbImportSchema,
});

export const GetVulnDbImportV1 = defineRequest({
  subject: 'lazaret.scanning.get-vulndb-import.v1',
  request: z.strictObject({ importId: z.uuid() }),
  response: VulnDbImportSchema,
});

export const VulnDbStatusV1 = defineRequest({
  subject: 'lazaret.scanning.vulndb-status.v1',
  request: z.strictObject({}),
  response: z.strictObject({
    advisories: z.number().int(),
    withdrawn: z.number().int(),
    ecosystems: z.array(z.strictObject({ ecosystem: z.string(), advisories: z.number().int(), packages: z.number().int() })),
    kevEntries: z.number().int(),
    epssEntries: z.number().int(),
    newestModified: z.string().nullable(),
    lastImport: z.string().nullable(),
  }),
});
