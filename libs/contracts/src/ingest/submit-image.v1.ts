import { z } from 'zod';
import { defineRequest, ActorSchema } from '../common/request';
import { ImageSourceSchema, PlatformSchema } from '../image/image-submitted.v1';

export const SubmissionSchema = z.strictObject({
  submissionId: z.string().uuid(),
  status: z.enum(['submitted']),
  source: ImageSourceSchema,
  platform: PlatformSchema,
  submittedAt: z.string(),
  messageId: z.string(),
  tenant: z.string(),
  requestedBy: ActorSchema,
});

export const SubmitImageV1 = defineRequest({
  subject: 'lazaret.ingest.submit-image.v1',
  request: z.strictObject({
    actor: ActorSchema,
    source: ImageSourceSchema,
    platform: PlatformSchema.default('linux/amd64'),
  }),
  response: SubmissionSchema,
});

export const GetSubmissionV1 = defineRequest({
  subject: 'lazaret.ingest.get-submission.v1',
  request: z.strictObject({ actor: ActorSchema, submissionId: z.string().uuid() }),
  response: SubmissionSchema,
});
