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
