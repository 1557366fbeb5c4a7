import { DomainError } from '@lazaret/platform';
import type { ScanRepository } from '../adapters/scan.repository';

/** Reads of scans, packages and SBOM documents. */
export class ScanQueryService {
  constructor(private readonly scans: ScanRepository) {}

  async scan(id: string) {
    const found = await this.scans.get(id);
    if (!found) throw new DomainError('not-found', `no scan ${id} (yet: a submission becomes a scan within moments)`);
    return found;
  }

  async packages(filter: { digest: string; type?: string; name?: string; layerDigest?: string; limit: number; offset: number }) {
    if (!(await this.scans.imageExists(filter.digest))) throw new DomainError('not-found', `no scanned image ${filter.digest}`);
    return this.scans.packages(filter);
  }

  async sbomChunk(req: { digest: string; format: 'cyclonedx' | 'spdx'; offset: number; length: number }) {
    const row = await this.scans.sbomChunk(req.digest, req.format, req.offset, req.length);
    if (!row) throw new DomainError('not-found', `no ${req.format} SBOM for ${req.digest}`);
    if (req.offset > row.total) throw new DomainError('validation-failed', `offset ${req.offset} is past the end (${row.total} bytes)`);
    return {
      digest: req.digest,
      format: req.format,
      contentType: row.content_type,
      totalBytes: row.total,
      sha256: row.sha256,
      offset: req.offset,
      dataBase64: row.chunk.toString('base64'),
    };
  }
}
