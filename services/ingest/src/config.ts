import { z } from 'zod';

export const IngestConfigSchema = z.object({
  /** Registries users may submit images from: comma-separated hosts with `*` wildcards; `*` for all. */
  LAZARET_REGISTRY_ALLOWLIST: z.string().min(1).default('*'),
  /** Whether a submission may ask for a plain-HTTP registry (`insecure: true`). */
  LAZARET_ALLOW_INSECURE_REGISTRIES: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').default(true),
});
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
