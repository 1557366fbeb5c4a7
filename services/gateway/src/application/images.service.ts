import { GetSubmissionV1, SubmitImageV1, type ImageSource } from '@lazaret/contracts';
import type { ServiceClient } from '@lazaret/platform';
import { actorOf, type Caller } from './auth.service';

/** Image submissions are ingest's: the gateway forwards them with the caller's identity. */
export class ImagesService {
  constructor(private readonly client: ServiceClient) {}

  submit(caller: Caller, source: ImageSource, platform: string) {
    return this.client.request(SubmitImageV1, { actor: actorOf(caller), source, platform });
  }

  submission(caller: Caller, submissionId: string) {
    return this.client.request(GetSubmissionV1, { actor: actorOf(caller), submissionId });
  }
}
