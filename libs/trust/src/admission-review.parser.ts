import { TrustError } from './errors';

/**
 * Kubernetes AdmissionReview v1 (`admission.k8s.io/v1`): the request a validating webhook gets
 * and the response it returns. Parsing fails closed: anything missing or of the wrong type is an
 * `admission-invalid` error, which the controller turns into a denial.
 */

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

export interface ContainerImage {
  image: string;
  /** `spec.template.spec.initContainers[0]` and so on (JSON path into the object). */
  path: string;
  container: string;
}

export interface ParsedAdmissionRequest {
  uid: string;
  kind: string;
  operation: string;
  namespace?: string;
  name?: string;
  /** Empty for operations without an object to judge (DELETE, CONNECT). */
  images: ContainerImage[];
  /** The kind is one we know how to read. */
  supported: boolean;
}

export interface AdmissionResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; message: string; reason?: string };
    warnings?: string[];
  };
}

/** Where the pod spec lives in each workload kind. */
const POD_SPEC_PATH: Record<WorkloadKind, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string): never {
  throw new TrustError('admission-invalid', message);
}

/** The `uid` of a review if one can be found, so that even a denial of a broken request is matched by the API server. */
export function admissionUid(body: unknown): string {
  const uid = isObj(body) && isObj(body.request) ? body.request.uid : undefined;
  return typeof uid === 'string' ? uid : '';
}

/** Every container image of a pod spec, in order (containers, initContainers, ephemeralContainers). */
export function podSpecImages(spec: unknown, base: string): ContainerImage[] {
  if (!isObj(spec)) bad(`${base} is missing or not an object`);
  const s = spec as Record<string, unknown>;
  if (!Array.isArray(s.containers) || s.containers.length === 0) bad(`${base}.containers is missing or empty`);
  const out: ContainerImage[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = s[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) bad(`${base}.${list} is not a list`);
    for (const [i, c] of (items as unknown[]).entries()) {
      const path = `${base}.${list}[${i}]`;
      if (!isObj(c)) bad(`${path} is not an object`);
      const container = c as Record<string, unknown>;
      if (typeof container.name !== 'string' || container.name === '') bad(`${path}.name is missing`);
      if (typeof container.image !== 'string' || container.image.trim() === '') bad(`${path}.image is missing`);
      out.push({ image: (container.image as string).trim(), path: `${path}.image`, container: container.name as string });
    }
  }
  return out;
}

/** Parses an AdmissionReview v1 request and extracts every image. Throws `admission-invalid`. */
export function parseAdmissionReview(body: unknown): ParsedAdmissionRequest {
  if (!isObj(body)) bad('AdmissionReview is not a JSON object');
  if (body.apiVersion !== ADMISSION_API_VERSION) bad(`apiVersion must be ${ADMISSION_API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  if (body.kind !== 'AdmissionReview') bad(`kind must be AdmissionReview, got ${JSON.stringify(body.kind)}`);
  const req = body.request;
  if (!isObj(req)) bad('request is missing');
  const r = req as Record<string, unknown>;
  if (typeof r.uid !== 'string' || r.uid === '') bad('request.uid is missing');
  if (!isObj(r.kind) || typeof r.kind.kind !== 'string' || r.kind.kind === '') bad('request.kind.kind is missing');
  if (typeof r.operation !== 'string' || !['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(r.operation)) bad('request.operation must be CREATE, UPDATE, DELETE or CONNECT');
  const kind = (r.kind as Record<string, string>).kind;
  const out: ParsedAdmissionRequest = { uid: r.uid as string, kind, operation: r.operation as string, images: [], supported: kind in POD_SPEC_PATH };
  if (typeof r.namespace === 'string' && r.namespace) out.namespace = r.namespace;
  if (typeof r.name === 'string' && r.name) out.name = r.name;
  if (r.operation === 'DELETE' || r.operation === 'CONNECT') return out;
  if (!out.supported) return out;
  const object = r.object;
  if (!isObj(object)) bad('request.object is missing');
  const specPath = POD_SPEC_PATH[kind as WorkloadKind];
  let node: unknown = object;
  const walked: string[] = [];
  for (const key of specPath) {
    walked.push(key);
    if (!isObj(node)) bad(`object.${walked.slice(0, -1).join('.')} is not an object`);
    node = (node as Record<string, unknown>)[key];
    if (node === undefined || node === null) bad(`object.${walked.join('.')} is missing`);
  }
  out.images = podSpecImages(node, `object.${specPath.join('.')}`);
  return out;
}

export function admissionResponse(uid: string, allowed: boolean, options: { message?: string; warnings?: string[]; code?: number } = {}): AdmissionResponse {
  const response: AdmissionResponse['response'] = { uid, allowed };
  if (!allowed) response.status = { code: options.code ?? 403, reason: 'Forbidden', message: options.message ?? 'denied by the trust policy' };
  else if (options.message) response.status = { code: 200, message: options.message };
  if (options.warnings && options.warnings.length) response.warnings = options.warnings;
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
