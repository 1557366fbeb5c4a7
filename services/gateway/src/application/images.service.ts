import { GetSubmissionV1, SubmitImageV1, type ImageSource } from '@lazaret/contracts';
import type { ServiceClient } from '@lazaret/platform';
import { actorOf, type Caller } from './auth.service';
import type { RepositoryAccessService } from './repository-access.service';

/** Image submissions are ingest's: the gateway forwards them with the caller's identity. */
export class ImagesService {
  constructor(
    private readonly client: ServiceClient,
    private readonly access: RepositoryAccessService,
  ) {}

  async submit(caller: Caller, source: ImageSource, platform: string) {
    if (source.kind === 'registry') await this.access.check(caller, source.reference, 'scan');
    return this.client.request(SubmitImageV1, { actor: actorOf(caller), source, platform });
  }

  submission(caller: Caller, submissionId: string) {
    return this.client.request(GetSubmissionV1, { actor: actorOf(caller), submissionId });
  }
}
