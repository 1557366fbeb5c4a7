import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseDigest } from './digest';
import { ImageError } from './errors';
import type { Descriptor } from './manifest';
import type { LayoutStore } from './oci.source';

/**
 * An OCI image layout directory. Blob paths are built from validated digests only, must be
 * regular files (no symlinks out of the layout, no devices) and must have the declared size.
 */
export class DirectoryLayoutStore implements LayoutStore {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `OCI layout ${dir}`;
  }

  private async openRegular(path: string, what: string, expectedSize?: number): Promise<Readable | undefined> {
    let stat;
    try {
      stat = await fs.lstat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ImageError('source-not-found', `${this.description}: cannot read ${what}: ${(err as Error).message}`, { cause: err });
    }
    if (!stat.isFile()) {
      throw new ImageError('unsafe-blob-path', `${this.description}: ${what} is not a regular file`);
    }
    if (expectedSize !== undefined && stat.size !== expectedSize) {
      throw new ImageError('size-mismatch', `${this.description}: ${what} is ${stat.size} bytes, its descriptor declares ${expectedSize}`);
    }
    const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    return handle.createReadStream({ highWaterMark: 256 * 1024 });
  }

  async readMetadata(name: 'oci-layout' | 'index.json'): Promise<Readable | undefined> {
    return this.openRegular(join(this.dir, name), name);
  }

  async openBlob(descriptor: Descriptor): Promise<Readable> {
    const { algorithm, hex } = parseDigest(descriptor.digest);
    const stream = await this.openRegular(join(this.dir, 'blobs', algorithm, hex), `blob ${descriptor.digest}`, descriptor.size);
    if (!stream) throw new ImageError('blob-not-found', `${this.description}: blob ${descriptor.digest} is missing`);
    return stream;
  }

  async close(): Promise<void> {}
}
