import { z } from 'zod';
import { defineEvent } from '../common/envelope';
import { ActorSchema } from '../common/request';

/**
 * An image reference as users write it: `[registry[:port]/]repository[:tag][@sha256:<hex>]`.
 * Checked for shape only; resolving it is the scanner's job.
 */
export const ImageReferenceSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(
    /^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::[0-9]{1,5})?\/|[a-zA-Z0-9-]+:[0-9]{1,5}\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    'must be an image reference like registry.example/repo:tag or repo@sha256:<64 hex>',
  );

export const PlatformSchema = z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'must be os/arch[/variant]');

export const ImageSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('registry'), reference: ImageReferenceSchema, insecure: z.boolean().default(false) }),
  /** An archive uploaded through the gateway, stored in the NATS Object Store. */
  z.strictObject({
    kind: z.literal('upload'),
    objectName: z.string().min(1).max(300),
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
    format: z.enum(['oci-archive', 'docker-archive']),
    name: z.string().max(300).optional(),
  }),
]);
export type ImageSource = z.infer<typeof ImageSourceSchema>;

export const ImageSubmittedData = z.strictObject({
  submissionId: z.string().uuid(),
  source: ImageSourceSchema,
  platform: PlatformSchema.default('linux/amd64'),
  requestedBy: ActorSchema,
});

export const ImageSubmittedV1 = defineEvent({
  type: 'lazaret.image.submitted.v1',
  subject: 'lazaret.image.submitted.v1',
  stream: 'IMAGES',
  data: ImageSubmittedData,
});
