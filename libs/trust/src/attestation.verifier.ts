import { IN_TOTO_PAYLOAD_TYPE, parseDsseEnvelope, parseStatement, verifyDsse, type Statement } from '@lazaret/crypto';
import { cosignTag, DSSE_MEDIA_TYPE, parseArtifactManifest, PREDICATE_TYPE_ANNOTATION, TIMESTAMP_ANNOTATION, type OciDescriptor } from './cosign.layout';
import { sha256Digest } from './digest.util';
import { TrustError, type TrustErrorCode } from './errors';
import { keyValidity, type KeyRing, type TrustedKey } from './key-ring';
import { imageTarget, viaRegistry, type ArtifactLocation, type ImageTarget, type OciStore } from './oci-store.port';
import { assertKnownPredicate } from './predicates';
import { parseTimestampToken, verifyTimestampToken } from './timestamp.authority';

export const MAX_ENVELOPE_BYTES = 16 * 1024 * 1024;

export interface VerifiedAttestation {
  predicateType: string;
  statement: Statement;
  keyId: string;
  key: TrustedKey;
  layerDigest: string;
  source: 'tag' | 'referrers';
  trustedTime?: Date;
}

export interface RejectedAttestation {
  code: TrustErrorCode;
  reason: string;
  layerDigest?: string;
  predicateType?: string;
}

export interface AttestationVerification {
  image: ImageTarget;
  verified: VerifiedAttestation[];
  rejected: RejectedAttestation[];
  referrersSupported: boolean;
}

export interface VerifyEnvelopeInput {
  envelope: Buffer;
  imageDigest: string;
  keys: KeyRing;
  now: Date;
  /** Only statements of this predicate type count (others are rejected with `predicate-mismatch`). */
  predicateType?: string;
  /** The layer's unsigned `predicateType` annotation, if any: it must agree with the statement. */
  annotatedPredicateType?: string;
  timestampToken?: string;
  layerDigest?: string;
}

/**
 * Verifies one DSSE attestation (pure). Signatures are checked over the PAE of the exact payload
 * bytes; the payload must be an in-toto Statement v1 whose subjects include the resolved image
 * digest, of the predicate type asked for, with a predicate that passes its schema when the type
 * is one we know.
 */
export function verifyAttestationEnvelope(input: VerifyEnvelopeInput): VerifiedAttestation | RejectedAttestation {
  const base = input.layerDigest ? { layerDigest: input.layerDigest } : {};
  const reject = (code: TrustErrorCode, reason: string, predicateType?: string): RejectedAttestation => ({ code, reason, ...base, ...(predicateType ? { predicateType } : {}) });
  let envelope;
  try {
    envelope = parseDsseEnvelope(input.envelope);
  } catch (err) {
    return reject('malformed-attestation', (err as Error).message);
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return reject('malformed-attestation', `payload type ${envelope.payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const signers = input.keys.list('signing');
  let verification;
  try {
    verification = verifyDsse(
      envelope,
      signers.map((k) => ({ keyid: k.id, publicKey: k.publicKey })),
      { threshold: 1, supportedPayloadTypes: [IN_TOTO_PAYLOAD_TYPE] },
    );
  } catch (err) {
    return reject('malformed-attestation', (err as Error).message);
  }
  if (!verification.ok) return reject('signature-invalid', `DSSE signature does not verify with any of the ${signers.length} trusted signing keys`);
  const key = signers.find((k) => k.id === verification.verifiedKeyIds[0]) as TrustedKey;
  let statement: Statement;
  try {
    statement = parseStatement(verification.payload);
  } catch (err) {
    return reject('malformed-attestation', (err as Error).message);
  }
  if (input.annotatedPredicateType !== undefined && input.annotatedPredicateType !== statement.predicateType) {
    return reject('predicate-mismatch', `layer annotation says ${input.annotatedPredicateType}, the signed statement says ${statement.predicateType}`, statement.predicateType);
  }
  if (input.predicateType !== undefined && statement.predicateType !== input.predicateType) {
    return reject('predicate-mismatch', `statement predicate type is ${statement.predicateType}, wanted ${input.predicateType}`, statement.predicateType);
  }
  const [alg, hex] = input.imageDigest.split(':');
  if (!statement.subject.some((s) => s.digest[alg] === hex)) {
    return reject('subject-mismatch', `statement subjects do not include the resolved image ${input.imageDigest}`, statement.predicateType);
  }
  try {
    assertKnownPredicate(statement.predicateType, statement.predicate);
  } catch (err) {
    return reject('invalid-predicate', (err as Error).message, statement.predicateType);
  }
  const verdictDigest = (statement.predicate as { image?: { digest?: unknown } } | undefined)?.image?.digest;
  if (statement.predicateType === 'https://lazaret.dev/attestations/vuln-verdict/v1' && verdictDigest !== input.imageDigest) {
    return reject('subject-mismatch', `verdict is about ${String(verdictDigest)}, not ${input.imageDigest}`, statement.predicateType);
  }
  let trustedTime: Date | undefined;
  if (input.timestampToken !== undefined) {
    try {
      const sig = envelope.signatures.find((s) => s.sig !== '');
      trustedTime = verifyTimestampToken(parseTimestampToken(input.timestampToken), Buffer.from(sig?.sig ?? '', 'base64'), input.keys, input.now);
    } catch (err) {
      return reject('timestamp-invalid', (err as Error).message, statement.predicateType);
    }
  }
  const validity = keyValidity(key, trustedTime, input.now);
  if (!validity.ok) return reject(validity.code ?? 'key-revoked', validity.reason ?? 'key not valid', statement.predicateType);
  const out: VerifiedAttestation = { predicateType: statement.predicateType, statement, keyId: key.id, key, layerDigest: input.layerDigest ?? sha256Digest(input.envelope), source: 'tag' };
  if (trustedTime) out.trustedTime = trustedTime;
  return out;
}

export function isVerifiedAttestation(v: VerifiedAttestation | RejectedAttestation): v is VerifiedAttestation {
  return 'statement' in v;
}

export interface VerifyAttestationsOptions {
  image: ImageTarget;
  store: OciStore;
  location?: ArtifactLocation;
  keys: KeyRing;
  predicateType?: string;
  now?: Date;
  /** Also look through the OCI 1.1 referrers API when the registry has it (default true). */
  referrers?: boolean;
  maxAttestations?: number;
}

/** Collects attestations from the `.att` tag and the referrers API, and verifies each. */
export async function verifyAttestations(opts: VerifyAttestationsOptions): Promise<AttestationVerification> {
  const image = imageTarget(opts.image?.registry, opts.image?.repository, opts.image?.digest);
  const now = opts.now ?? new Date();
  const location = opts.location ?? { store: opts.store, repository: image.repository };
  const max = opts.maxAttestations ?? 64;
  const out: AttestationVerification = { image, verified: [], rejected: [], referrersSupported: false };
  const layers: { layer: OciDescriptor; source: 'tag' | 'referrers'; store: OciStore; repository: string }[] = [];

  const tag = cosignTag(image.digest, 'att');
  const where = `${location.store.registry}/${location.repository}:${tag}`;
  const manifest = await viaRegistry(`reading ${where}`, () => location.store.getManifest(location.repository, tag));
  if (manifest) {
    try {
      for (const l of parseArtifactManifest(manifest.bytes, `attestation manifest ${where}`).layers) layers.push({ layer: l, source: 'tag', store: location.store, repository: location.repository });
    } catch (err) {
      if (!(err instanceof TrustError)) throw err;
      out.rejected.push({ code: 'malformed-attestation', reason: err.message });
    }
  }
  if (opts.referrers !== false && opts.store.listReferrers) {
    const refs = await viaRegistry(`referrers of ${image.digest}`, () => opts.store.listReferrers!(image.repository, image.digest, DSSE_MEDIA_TYPE));
    if (refs !== undefined) {
      out.referrersSupported = true;
      for (const r of refs.slice(0, max)) {
        const m = await viaRegistry(`reading referrer ${r.digest}`, () => opts.store.getManifest(image.repository, r.digest)).catch((err: Error) => {
          out.rejected.push({ code: 'registry-error', reason: err.message });
          return undefined;
        });
        if (!m) continue;
        try {
          const doc = parseArtifactManifest(m.bytes, `referrer ${r.digest}`);
          if (doc.subject?.digest !== image.digest) {
            out.rejected.push({ code: 'subject-mismatch', reason: `referrer ${r.digest} names subject ${doc.subject?.digest ?? 'none'}` });
            continue;
          }
          for (const l of doc.layers) layers.push({ layer: l, source: 'referrers', store: opts.store, repository: image.repository });
        } catch (err) {
          if (!(err instanceof TrustError)) throw err;
          out.rejected.push({ code: 'malformed-attestation', reason: err.message });
        }
      }
    }
  }

  const seen = new Set<string>();
  for (const { layer, source, store, repository } of layers) {
    if (seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    if (seen.size > max) {
      out.rejected.push({ code: 'malformed-attestation', reason: `more than ${max} attestations; the rest were not examined` });
      break;
    }
    const annotated = layer.annotations?.[PREDICATE_TYPE_ANNOTATION];
    if (layer.mediaType !== DSSE_MEDIA_TYPE) {
      out.rejected.push({ code: 'malformed-attestation', reason: `layer media type ${layer.mediaType} is not ${DSSE_MEDIA_TYPE}`, layerDigest: layer.digest });
      continue;
    }
    // Skip other predicate types cheaply when the (unsigned) annotation already says so; the
    // signed statement is checked again for the ones we read.
    if (opts.predicateType && annotated !== undefined && annotated !== opts.predicateType) continue;
    if (layer.size > MAX_ENVELOPE_BYTES) {
      out.rejected.push({ code: 'malformed-attestation', reason: `envelope is ${layer.size} bytes (limit ${MAX_ENVELOPE_BYTES})`, layerDigest: layer.digest });
      continue;
    }
    let envelope: Buffer;
    try {
      envelope = await viaRegistry(`reading attestation ${layer.digest}`, () => store.getBlob(repository, layer.digest, MAX_ENVELOPE_BYTES));
    } catch (err) {
      out.rejected.push({ code: 'registry-error', reason: (err as Error).message, layerDigest: layer.digest });
      continue;
    }
    const input: VerifyEnvelopeInput = { envelope, imageDigest: image.digest, keys: opts.keys, now, layerDigest: layer.digest };
    if (opts.predicateType) input.predicateType = opts.predicateType;
    if (annotated !== undefined) input.annotatedPredicateType = annotated;
    const token = layer.annotations?.[TIMESTAMP_ANNOTATION];
    if (token !== undefined) input.timestampToken = token;
    const res = verifyAttestationEnvelope(input);
    if (isVerifiedAttestation(res)) out.verified.push({ ...res, source });
    else out.rejected.push(res);
  }
  return out;
}
