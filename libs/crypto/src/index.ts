export { CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { canonicalJson, canonicalJsonBytes } from './canonical-json.encoder';
export {
  chainHash,
  verifyChain,
  GENESIS_HASH,
  type ChainEntry,
  type ChainBreakReason,
  type ChainVerification,
} from './hash-chain.verifier';
export {
  merkleRoot,
  merkleRootFromLeafHashes,
  leafHash,
  nodeHash,
  inclusionProof,
  consistencyProof,
  verifyInclusion,
  verifyConsistency,
  rootFromInclusionProof,
  EMPTY_ROOT,
} from './merkle.tree';
export {
  generateSigningKeyPair,
  signingKeyPair,
  importPublicKey,
  importPrivateKey,
  exportPublicKeyPem,
  exportPrivateKeyPem,
  publicKeyDer,
  keyId,
  keyAlgorithm,
  sign,
  verify,
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyFromRaw,
  ed25519RawPublicKey,
  type GeneratedKeyAlgorithm,
  type SigningAlgorithm,
  type SigningKeyPair,
  type KeyInput,
  type VerifyOptions,
} from './signing.keys';
export {
  signNote,
  openNote,
  noteKeyId,
  formatNoteVerifierKey,
  parseNoteVerifierKey,
  type NoteVerifier,
  type OpenedNote,
} from './signed-note.codec';
export {
  signCheckpoint,
  verifyCheckpoint,
  formatCheckpointText,
  parseCheckpointText,
  type Checkpoint,
  type SignCheckpointOptions,
  type VerifyCheckpointOptions,
} from './checkpoint.codec';
export {
  encryptSecret,
  decryptSecret,
  rewrapSecret,
  needsRewrap,
  assertSecretEnvelope,
  parseSecretEnvelope,
  type KeyEncryptionKeyProvider,
  type WrappedKey,
  type SecretEnvelope,
} from './envelope.cipher';
export { LocalKekProvider, type LocalKekConfig } from './local-kek.provider';
export {
  importCosignPrivateKey,
  exportCosignPrivateKey,
  exportCosignKeyPair,
  SIGSTORE_PEM_TYPE,
  COSIGN_PEM_TYPE,
  SCRYPT_LIMITS,
  type CosignPemType,
  type CosignScryptN,
  type CosignKeyExportOptions,
  type CosignKeyPairPem,
  type ImportedCosignKey,
} from './cosign-key.codec';
export { secretboxSeal, secretboxOpen } from './secretbox.cipher';
export { xsalsa20Xor, hsalsa20 } from './xsalsa20.cipher';
export { poly1305, poly1305Verify } from './poly1305.mac';
export {
  pae,
  signDsse,
  verifyDsse,
  keySigner,
  assertDsseEnvelope,
  parseDsseEnvelope,
  type DsseEnvelope,
  type DsseSignature,
  type DsseSigner,
  type DsseTrustedKey,
  type DsseVerifyOptions,
  type DsseVerification,
} from './dsse.envelope';
export {
  makeStatement,
  statementPayload,
  parseStatement,
  signStatement,
  verifyStatement,
  IN_TOTO_STATEMENT_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  type Statement,
  type StatementSubject,
} from './in-toto.statement';
export {
  buildSimpleSigningPayload,
  parseSimpleSigningPayload,
  COSIGN_SIGNATURE_TYPE,
  type SimpleSigningPayload,
} from './simple-signing.payload';
