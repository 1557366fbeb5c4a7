import { Readable } from 'node:stream';
import { OBJECT_BUCKETS } from '@lazaret/contracts';
import { DomainError } from '@lazaret/platform';
import type { ArchiveBlob } from '@lazaret/scanner';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';

/** Reads uploaded archives from the NATS Object Store, checking the digest the upload was submitted with. */
export class UploadReader {
  private store?: Promise<ObjectStore>;

  constructor(private readonly nc: NatsConnection) {}

  private bucket(): Promise<ObjectStore> {
    this.store ??= new Objm(this.nc).open(OBJECT_BUCKETS.uploads.name).catch((err: unknown) => {
      this.store = undefined;
      throw err;
    });
    return this.store;
  }

  /** An archive the scanner may stream several times (each `open()` is a fresh read). */
  async blob(objectName: string, digest: string): Promise<ArchiveBlob> {
    const store = await this.bucket();
    const info = await store.info(objectName);
    if (!info || info.deleted) throw new DomainError('not-found', `upload ${objectName} is gone (uploads are kept for a day)`);
    // The object store keeps SHA-256 of the object as "SHA-256=<base64url>".
    const stored = /^SHA-256=(.+)$/i.exec(info.digest)?.[1];
    const expected = Buffer.from(digest.replace(/^sha256:/, ''), 'hex').toString('base64url');
    if (!stored || stored.replace(/=+$/, '') !== expected) {
      throw new DomainError('validation-failed', `upload ${objectName} does not match the submitted digest ${digest}`);
    }
    return {
      name: objectName,
      open: async () => {
        const result = await store.get(objectName);
        if (!result) throw new DomainError('not-found', `upload ${objectName} is gone`);
        return Readable.fromWeb(result.data as Parameters<typeof Readable.fromWeb>[0]);
      },
    };
  }
}
