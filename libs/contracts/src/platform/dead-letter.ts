import { z } from 'zod';
import { defineEvent } from '../common/envelope';

/**
 * What a consumer could not process, after the allowed deliveries or at once when the message
 * cannot be parsed. The original bytes are kept (base64) so nothing is lost.
 */
export const DeadLetterData = z.strictObject({
  stream: z.string(),
  consumer: z.string(),
  subject: z.string(),
  streamSequence: z.number().int().nonnegative(),
  deliveries: z.number().int().nonnegative(),
  reason: z.strictObject({ code: z.string(), message: z.string() }),
  originalMessageId: z.string().optional(),
  headers: z.record(z.string(), z.array(z.string())),
  payloadBase64: z.string(),
});

export const DeadLetterV1 = defineEvent({
  type: 'lazaret.deadletter.v1',
  subject: 'lazaret.deadletter.*',
  stream: 'DEADLETTER',
  data: DeadLetterData,
});
