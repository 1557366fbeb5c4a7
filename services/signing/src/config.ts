import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const SigningConfigSchema = z.object({
  /** Key-encryption key: 32 bytes, base64 or hex (npm start generates one into .lazaret/kek). */
  LAZARET_KEK: z.string().min(32, 'expected 32 bytes as base64 or hex').optional(),
  /** Several KEKs for rotation, `id=key,id=key` with the current one first (wins over LAZARET_KEK). */
  LAZARET_KEKS: z.string().min(1).optional(),
  /** Admission answers "allowed" with warnings instead of denying (for a first roll-out). */
  LAZARET_ADMISSION_WARN_ONLY: bool.default(false),
  /** Whether sign/verify may talk plain HTTP to a registry when asked (`insecure: true`). */
  LAZARET_ALLOW_INSECURE_REGISTRIES: bool.default(true),
}).refine((c) => c.LAZARET_KEK || c.LAZARET_KEKS, { message: 'a key-encryption key is required (32 bytes, base64 or hex)', path: ['LAZARET_KEK'] });
export type SigningConfig = z.infer<typeof SigningConfigSchema>;
