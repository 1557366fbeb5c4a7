import { ImageError } from './errors';

const ZSTD_MAGIC = 0xfd2fb528;

/**
 * Walks zstd frame and block headers alongside the decompressor (without decompressing) to
 * refuse frames whose window would make the decompressor allocate — and repeatedly copy — more
 * memory than allowed. fzstd allocates the whole window up front, so this must run before it
 * sees a frame. Everything else (invalid data) is left for fzstd to report.
 */
export class ZstdFrameGuard {
  private header: number[] = [];
  private need = 4;
  private state: 'magic' | 'descriptor' | 'frame-header' | 'block-header' | 'skip-size' = 'magic';
  private skip = 0;
  private afterSkip: 'magic' | 'block-header' = 'magic';
  private lastBlock = false;
  private checksum = false;

  constructor(
    private readonly maxWindow: number,
    private readonly what: string,
  ) {}

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0) this.enter(this.afterSkip);
        continue;
      }
      this.header.push(chunk[i++]);
      if (this.header.length < this.need) continue;
      this.step();
    }
  }

  private enter(state: 'magic' | 'block-header'): void {
    this.state = state;
    this.header = [];
    this.need = state === 'magic' ? 4 : 3;
  }

  private step(): void {
    const h = this.header;
    switch (this.state) {
      case 'magic': {
        const magic = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          this.state = 'descriptor';
          this.need = 5;
        } else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
          this.state = 'skip-size';
          this.need = 8;
        } else {
          this.stopTracking();
        }
        return;
      }
      case 'skip-size': {
        this.skip = (h[4] | (h[5] << 8) | (h[6] << 16)) + h[7] * 0x1000000;
        this.afterSkip = 'magic';
        if (this.skip === 0) this.enter('magic');
        else this.header = [];
        return;
      }
      case 'descriptor': {
        const fhd = h[4];
        const singleSegment = (fhd >> 5) & 1;
        const fcsFlag = fhd >> 6;
        const dictBytes = [0, 1, 2, 4][fhd & 3];
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        this.checksum = ((fhd >> 2) & 1) === 1;
        this.state = 'frame-header';
        this.need = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        if (this.header.length >= this.need) this.step();
        return;
      }
      case 'frame-header': {
        const fhd = h[4];
        const singleSegment = (fhd >> 5) & 1;
        const fcsFlag = fhd >> 6;
        const dictBytes = [0, 1, 2, 4][fhd & 3];
        let window: number;
        if (!singleSegment) {
          const wd = h[5];
          const base = 2 ** (10 + (wd >> 3));
          window = base + (base / 8) * (wd & 7);
        } else {
          const start = 5 + dictBytes;
          const fcsBytes = fcsFlag === 0 ? 1 : 1 << fcsFlag;
          window = 0;
          for (let b = fcsBytes - 1; b >= 0; b--) window = window * 256 + h[start + b];
          if (fcsFlag === 1) window += 256;
        }
        if (window > this.maxWindow) {
          throw new ImageError(
            'decompression-bomb',
            `${this.what}: zstd frame needs a ${window}-byte window, more than the limit of ${this.maxWindow}`,
          );
        }
        this.lastBlock = false;
        this.enter('block-header');
        return;
      }
      case 'block-header': {
        const v = h[0] | (h[1] << 8) | (h[2] << 16);
        this.lastBlock = (v & 1) === 1;
        const type = (v >> 1) & 3;
        const size = v >>> 3;
        let body = type === 1 ? 1 : size;
        if (type === 3) {
          this.stopTracking();
          return;
        }
        let next: 'magic' | 'block-header' = 'block-header';
        if (this.lastBlock) {
          next = 'magic';
          if (this.checksum) body += 4;
        }
        this.header = [];
        if (body === 0) this.enter(next);
        else {
          this.skip = body;
          this.afterSkip = next;
        }
        return;
      }
    }
  }

  /** Not a frame we understand: fzstd will raise the error; stop looking. */
  private stopTracking(): void {
    this.state = 'magic';
    this.header = [];
    this.need = Number.POSITIVE_INFINITY;
  }
}
