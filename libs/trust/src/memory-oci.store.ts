import type { PushedManifest, ReferrerDescriptor, RemoteManifest } from '@lazaret/scanner';
import { sha256Digest } from './digest.util';
import { TrustError } from './errors';
import type { OciStore } from './oci-store.port';

/**
 * An in-memory registry implementing `OciStore`, for tests of code built on this library (the
 * signing service's too). With `referrers: true` it indexes manifests' `subject` and answers
 * the referrers API like an OCI 1.1 registry; otherwise `listReferrers` says "unsupported".
 */
export class MemoryOciStore implements OciStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  private readonly tags = new Map<string, string>();
  readonly writes: string[] = [];

  constructor(
    readonly registry = 'registry.test',
    private readonly options: { referrers?: boolean } = {},
  ) {}

  async getManifest(repository: string, reference: string): Promise<RemoteManifest | undefined> {
    const digest = reference.includes(':') ? reference : this.tags.get(`${repository}:${reference}`);
    const m = digest ? this.manifests.get(`${repository}@${digest}`) : undefined;
    return m && digest ? { bytes: Buffer.from(m.bytes), mediaType: m.mediaType, digest } : undefined;
  }

  async resolveDigest(repository: string, reference: string): Promise<string | undefined> {
    return (await this.getManifest(repository, reference))?.digest;
  }

  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<PushedManifest> {
    const digest = sha256Digest(bytes);
    if (reference.includes(':') && reference !== digest) throw new TrustError('registry-error', `manifest pushed as ${reference} hashes to ${digest}`);
    this.manifests.set(`${repository}@${digest}`, { bytes: Buffer.from(bytes), mediaType });
    if (!reference.includes(':')) this.tags.set(`${repository}:${reference}`, digest);
    this.writes.push(`manifest ${repository}:${reference}`);
    let subjectIndexed = false;
    if (this.options.referrers) {
      try {
        subjectIndexed = typeof (JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown } }).subject?.digest === 'string';
      } catch {
        subjectIndexed = false;
      }
    }
    return { digest, subjectIndexed };
  }

  async getBlob(repository: string, digest: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const b = this.blobs.get(`${repository}@${digest}`);
    if (!b) throw new TrustError('registry-error', `blob ${digest} not found in ${repository}`);
    if (b.length > maxBytes) throw new TrustError('registry-error', `blob ${digest} is larger than ${maxBytes} bytes`);
    return Buffer.from(b);
  }

  async putBlob(repository: string, bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    this.blobs.set(`${repository}@${digest}`, Buffer.from(bytes));
    this.writes.push(`blob ${repository}@${digest}`);
    return digest;
  }

  async listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | undefined> {
    if (!this.options.referrers) return undefined;
    const out: ReferrerDescriptor[] = [];
    for (const [key, m] of this.manifests) {
      if (!key.startsWith(`${repository}@`)) continue;
      const doc = JSON.parse(m.bytes.toString('utf8')) as { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string> };
      if (doc.subject?.digest !== digest) continue;
      const type = doc.artifactType ?? doc.config?.mediaType;
      if (artifactType && type !== artifactType) continue;
      const d: ReferrerDescriptor = { mediaType: m.mediaType, digest: key.slice(repository.length + 1), size: m.bytes.length };
      if (type) d.artifactType = type;
      if (doc.annotations) d.annotations = doc.annotations;
      out.push(d);
    }
    return out;
  }

  /** Test helpers: raw access to tags and blobs (to tamper with them). */
  tagList(repository: string): string[] {
    return [...this.tags.keys()].filter((k) => k.startsWith(`${repository}:`)).map((k) => k.slice(repository.length + 1));
  }

  setBlobUnchecked(repository: string, digest: string, bytes: Buffer): void {
    this.blobs.set(`${repository}@${digest}`, bytes);
  }

  /** Stores a manifest under a tag without any check (e.g. a signature manifest copied from another image). */
  setTagUnchecked(repository: string, tag: string, bytes: Buffer, mediaType: string): void {
    const digest = sha256Digest(bytes);
    this.manifests.set(`${repository}@${digest}`, { bytes, mediaType });
    this.tags.set(`${repository}:${tag}`, digest);
  }
}
