export {
  uuidv7,
  UUID_V7,
  MessageIdSchema,
  TenantSchema,
  SourceSchema,
  DEFAULT_TENANT,
  envelopeSchema,
  AnyEnvelopeSchema,
  defineEvent,
  createEnvelope,
  subjectFor,
  type Envelope,
  type EventContract,
  type EventData,
  type EventEnvelope,
  type StreamName,
} from './common/envelope';
export {
  ERROR_CODES,
  ErrorBodySchema,
  defineRequest,
  ActorSchema,
  type ErrorCode,
  type ErrorBody,
  type RequestContract,
  type RequestOf,
  type ResponseOf,
  type Actor,
} from './common/request';
export {
  SERVICES,
  BACKEND_SERVICES,
  DEFAULT_OPS_PORTS,
  STREAMS,
  DEADLETTER_SUBJECT_PREFIX,
  deadLetterSubject,
  subjectMatches,
  OBJECT_BUCKETS,
  type ServiceName,
  type BackendService,
  type StreamDefinition,
} from './common/topology';
export { HealthRequests, HealthResponseSchema, type HealthResponse } from './platform/health.v1';
export { DeadLetterV1, DeadLetterData } from './platform/dead-letter';
export { AuditRecordedV1, AuditRecordData, AuditOutcomeSchema, auditSubject, type AuditRecord } from './audit/audit-recorded.v1';
export { AuditQueryV1, AuditVerifyV1, AuditQueryRequest, AuditEntrySchema, type AuditEntry } from './audit/audit-requests.v1';
export { RepositoryMatcher, repositoryOf, repositoryPattern, SCOPE_PATTERN } from './image/repository-pattern';
export { ImageSubmittedV1, ImageSubmittedData, ImageSourceSchema, ImageReferenceSchema, PlatformSchema, type ImageSource } from './image/image-submitted.v1';
export { SubmitImageV1, GetSubmissionV1, SubmissionSchema } from './ingest/submit-image.v1';
export { ScanCompletedV1, ScanCompletedData, DigestSchema, ScannedImageSchema } from './scan/scan-completed.v1';
export { GetScanV1, GetImageV1, GetSbomChunkV1, ListPackagesV1, ScanViewSchema, ScanStatusSchema, SbomFormatSchema, PackageViewSchema, type ScanView } from './scan/scan-requests.v1';
export {
  FindingsDetectedV1,
  ListFindingsV1,
  GetVerdictV1,
  GetVulnerabilityV1,
  ImportVulnDbV1,
  GetVulnDbImportV1,
  VulnDbStatusV1,
  FindingViewSchema,
  SeveritySchema,
  VerdictSchema,
  VulnDbImportSchema,
  type FindingView,
} from './finding/findings.v1';
export { CreateExceptionV1, ListExceptionsV1, RevokeExceptionV1, GetVerdictV2, VulnExceptionSchema } from './finding/exceptions.v1';
export {
  CreateKeyV1,
  ImportKeyV1,
  ListKeysV1,
  RotateKeyV1,
  RevokeKeyV1,
  SetRegistryCredentialsV1,
  SignImageV1,
  VerifyImageV1,
  PutPolicyV1,
  GetPolicyV1,
  AdmissionReviewV1,
  AttestImageV1,
  SigningKeyViewSchema,
  PolicyViewSchema,
} from './signing/signing.v1';
export { AlertRaisedV1, AlertData, AlertSeveritySchema, AlertEvidenceSchema, RuleIdSchema, type Alert, type AlertSeverity } from './alert/alert-raised.v1';
export { ListAlertsV1, GetAlertV1, AlertViewSchema, type AlertView } from './alert/alert-requests.v1';
export { ALL_EVENTS, ALL_REQUESTS } from './registry';
