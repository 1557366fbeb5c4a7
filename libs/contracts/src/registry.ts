import type { EventContract } from './common/envelope';
import type { RequestContract } from './common/request';
import { AlertRaisedV1 } from './alert/alert-raised.v1';
import { GetAlertV1, ListAlertsV1 } from './alert/alert-requests.v1';
import { AuditRecordedV1 } from './audit/audit-recorded.v1';
import { AuditQueryV1, AuditVerifyV1 } from './audit/audit-requests.v1';
import { ImageSubmittedV1 } from './image/image-submitted.v1';
import { GetSubmissionV1, SubmitImageV1 } from './ingest/submit-image.v1';
import { DeadLetterV1 } from './platform/dead-letter';
import { HealthRequests } from './platform/health.v1';
import { CreateExceptionV1, GetVerdictV2, ListExceptionsV1, RevokeExceptionV1 } from './finding/exceptions.v1';
import { AdmissionReviewV1, AttestImageV1, CreateKeyV1, GetPolicyV1, ImportKeyV1, ListKeysV1, PutPolicyV1, RevokeKeyV1, RotateKeyV1, SetRegistryCredentialsV1, SignImageV1, VerifyImageV1 } from './signing/signing.v1';
import { FindingsDetectedV1, GetVerdictV1, GetVulnDbImportV1, GetVulnerabilityV1, ImportVulnDbV1, ListFindingsV1, VulnDbStatusV1 } from './finding/findings.v1';
import { ScanCompletedV1 } from './scan/scan-completed.v1';
import { GetImageV1, GetSbomChunkV1, GetScanV1, ListPackagesV1 } from './scan/scan-requests.v1';

/** Every event contract, for schema snapshots and docs. Add new contracts here explicitly. */
export const ALL_EVENTS: readonly EventContract[] = [AuditRecordedV1, DeadLetterV1, ImageSubmittedV1, ScanCompletedV1, FindingsDetectedV1, AlertRaisedV1];

export const ALL_REQUESTS: readonly RequestContract[] = [
  ...Object.values(HealthRequests),
  AuditQueryV1,
  AuditVerifyV1,
  SubmitImageV1,
  GetSubmissionV1,
  GetScanV1,
  GetSbomChunkV1,
  ListPackagesV1,
  GetImageV1,
  ListFindingsV1,
  CreateExceptionV1,
  ListExceptionsV1,
  RevokeExceptionV1,
  GetVerdictV2,
  GetVerdictV1,
  GetVulnerabilityV1,
  ImportVulnDbV1,
  GetVulnDbImportV1,
  VulnDbStatusV1,
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
  ListAlertsV1,
  GetAlertV1,
];
