export type { SbomInput, SbomImage, SbomLayer } from './sbom-input';
export { toCycloneDx, cycloneDxJson, type CycloneDxBom, type CdxComponent } from './cyclonedx.writer';
export { toSpdx, spdxJson, type SpdxDocument, type SpdxPackage } from './spdx.writer';
export { readSbom, type SbomReadResult } from './sbom.reader';
export { SbomError, type SbomErrorCode } from './sbom.error';
export { sbomInputFromCatalog } from './from-catalog';
