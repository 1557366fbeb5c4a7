import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { OBJECT_BUCKETS } from '@lazaret/contracts';
import { DomainError } from '@lazaret/platform';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { nanos, type NatsConnection } from '@nats-io/transport-node';

export interface StoredUpload {
  objectName: string;
  digest: string;
  size: number;
}

/** Uploaded image archives, streamed into the NATS Object Store (never buffered whole). */
export class UploadStore {
  private store?: Promise<ObjectStore>;

  constructor(private readonly nc: NatsConnection) {}

  private bucket(): Promise<ObjectStore> {
    const b = OBJECT_BUCKETS.uploads;
    this.store ??= new Objm(this.nc).create(b.name, { ttl: nanos(b.ttlSeconds * 1000), max_bytes: b.maxBytes }).catch((err: unknown) => {
      this.store = undefined;
      throw err;
    });
    return this.store;
  }

  async put(body: Readable, limitBytes: number): Promise<StoredUpload> {
    const objectName = `upload-${randomUUID()}`;
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limitBytes) return done(new DomainError('payload-too-large', `the archive exceeds the upload limit of ${limitBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    body.on('error', (err) => meter.destroy(err));
    const store = await this.bucket();
    try {
      await store.put({ name: objectName, description: 'image archive upload' }, Readable.toWeb(body.pipe(meter)) as ReadableStream<Uint8Array>);
    } catch (err) {
      await store.delete(objectName).catch(() => undefined);
      throw err instanceof DomainError ? err : new DomainError('unavailable', `the upload could not be stored: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (size === 0) {
      await store.delete(objectName).catch(() => undefined);
      throw new DomainError('validation-failed', 'the archive is empty');
    }
    return { objectName, digest: `sha256:${hash.digest('hex')}`, size };
  }
}
