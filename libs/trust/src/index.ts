// Public API of @lazaret/trust (hand-picked).
export { TrustError, isTrustError, type TrustErrorCode } from './errors';
export { sha256Digest, isImageDigest, digestSet } from './digest.util';

// Registry seam and image targets.
export { MemoryOciStore } from './memory-oci.store';
export { imageTarget, parseImageTarget, parseReference, repositoryName, type OciStore, type ImageTarget, type ArtifactLocation } from './oci-store.port';

// cosign's registry layout.
export {
  cosignTag,
  appendSignatureLayers,
  parseArtifactManifest,
  serializeManifest,
  signatureConfig,
  goTime,
  SIMPLE_SIGNING_MEDIA_TYPE,
  DSSE_MEDIA_TYPE,
  SIGNATURE_ANNOTATION,
  PREDICATE_TYPE_ANNOTATION,
  TIMESTAMP_ANNOTATION,
  OCI_MANIFEST,
  type ArtifactKind,
  type OciDescriptor,
  type OciManifestDoc,
} from './cosign.layout';

// Keys, rotation, revocation, trusted time.
export { KeyRing, trustedKey, keyValidity, type TrustedKey, type TrustedKeyInput, type KeyUsage, type KeyValidity } from './key-ring';
export {
  localTimestampAuthority,
  verifyTimestampToken,
  parseTimestampToken,
  encodeTimestampToken,
  type TimestampAuthority,
  type TimestampToken,
} from './timestamp.authority';

// Signatures.
export { signImage, resolveSigningKey, type SigningKey, type SignImageOptions, type ImageSignatureResult } from './image-signature.signer';
export {
  verifyImageSignatures,
  verifySignatureLayer,
  isVerifiedSignature,
  MAX_SIGNED_PAYLOAD_BYTES,
  type VerifiedSignature,
  type RejectedSignature,
  type SignatureVerification,
  type VerifyImageSignaturesOptions,
} from './image-signature.verifier';

// Attestations.
export { attachAttestation, signAttestation, type AttestOptions, type AttestationResult } from './attestation.signer';
export {
  verifyAttestations,
  verifyAttestationEnvelope,
  isVerifiedAttestation,
  type VerifiedAttestation,
  type RejectedAttestation,
  type AttestationVerification,
  type VerifyAttestationsOptions,
} from './attestation.verifier';
export {
  PREDICATE_TYPES,
  SEVERITIES,
  VULN_VERDICT_SCHEMA,
  vulnVerdict,
  assertVulnVerdict,
  assertSlsaProvenanceV1,
  assertCycloneDx,
  type Severity,
  type SeverityCount,
  type VulnFinding,
  type VulnVerdictPredicate,
} from './predicates';

// Sigstore bundles.
export { messageSignatureBundle, dsseBundle, verifySigstoreBundle, SIGSTORE_BUNDLE_V03, type SigstoreBundle, type BundleVerification } from './sigstore-bundle.codec';

// Trust policy.
export { loadTrustPolicy, PolicyError, type TrustPolicy, type PolicyRule, type PolicyIssue, type AttestationRequirement, type VulnerabilityRequirement } from './trust-policy.loader';
export { evaluatePolicy, matchRule, type PolicyInput, type PolicyDecision } from './trust-policy.evaluator';
export { compileImagePattern, type ImagePattern } from './image-pattern.matcher';

// Kubernetes admission.
export {
  parseAdmissionReview,
  admissionResponse,
  podSpecImages,
  ADMISSION_API_VERSION,
  type ParsedAdmissionRequest,
  type AdmissionResponse,
  type ContainerImage,
  type WorkloadKind,
} from './admission-review.parser';
export {
  AdmissionController,
  registryTagResolver,
  registryEvidence,
  type AdmissionControllerOptions,
  type TagResolver,
  type EvidenceSource,
  type ImageEvidence,
  type ImageDecision,
} from './admission.controller';
