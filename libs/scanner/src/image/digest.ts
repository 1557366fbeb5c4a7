import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ImageError, type ImageErrorCode } from './errors';

const DIGEST_RE = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Parses `sha256:<64 hex>` / `sha512:<128 hex>`; anything else (including path tricks) throws. */
export function parseDigest(digest: unknown): ParsedDigest {
  if (typeof digest !== 'string') {
    throw new ImageError('invalid-digest', `digest must be a string, got ${typeof digest}`);
  }
  const m = DIGEST_RE.exec(digest);
  if (!m || m[2].length !== HEX_LENGTH[m[1]]) {
    throw new ImageError('invalid-digest', `unsupported or malformed digest "${digest.slice(0, 100)}"`);
  }
  return { algorithm: m[1] as ParsedDigest['algorithm'], hex: m[2] };
}

export function isDigest(value: unknown): value is string {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestOf(data: Buffer, algorithm: ParsedDigest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Throws `digest-mismatch` unless `data` hashes to `expected`. */
export function verifyDigest(data: Buffer, expected: string, what: string): void {
  const { algorithm } = parseDigest(expected);
  const actual = digestOf(data, algorithm);
  if (actual !== expected) {
    throw new ImageError('digest-mismatch', `${what}: content hashes to ${actual}, expected ${expected}`);
  }
}

export interface VerifierOptions {
  /** Expected digest, checked when the stream ends; without one the stream is only counted. */
  digest?: string;
  /** Expected size in bytes, when known; more bytes fail immediately, fewer at the end. */
  size?: number;
  /** Hard cap whatever `size` says. */
  maxBytes?: number;
  what: string;
  code?: ImageErrorCode;
  onBytes?: (n: number) => void;
}

/**
 * Pass-through stream that hashes what flows through it and fails the pipeline if the content
 * does not match the expected digest and size. Errors surface before `end`, so a consumer never
 * sees a clean end of a tampered blob.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash | undefined;
  private readonly algorithm: ParsedDigest['algorithm'] | undefined;
  private bytes = 0;

  constructor(private readonly opts: VerifierOptions) {
    super();
    if (opts.digest !== undefined) {
      this.algorithm = parseDigest(opts.digest).algorithm;
      this.hash = createHash(this.algorithm);
    }
  }

  get bytesSeen(): number {
    return this.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.opts.size !== undefined && this.bytes > this.opts.size) {
      cb(new ImageError('size-mismatch', `${this.opts.what}: more than the ${this.opts.size} bytes its descriptor declares`));
      return;
    }
    if (this.opts.maxBytes !== undefined && this.bytes > this.opts.maxBytes) {
      cb(new ImageError('layer-too-large', `${this.opts.what}: larger than the limit of ${this.opts.maxBytes} bytes`));
      return;
    }
    this.hash?.update(chunk);
    this.opts.onBytes?.(chunk.length);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.opts.size !== undefined && this.bytes !== this.opts.size) {
      cb(new ImageError('size-mismatch', `${this.opts.what}: ${this.bytes} bytes, its descriptor declares ${this.opts.size}`));
      return;
    }
    if (!this.hash || this.opts.digest === undefined) {
      cb();
      return;
    }
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.opts.digest) {
      cb(new ImageError(this.opts.code ?? 'digest-mismatch', `${this.opts.what}: content hashes to ${actual}, expected ${this.opts.digest}`));
      return;
    }
    cb();
  }
}
