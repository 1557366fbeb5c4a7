import { createHash } from 'node:crypto';
import { CryptoError } from './errors';
import { assertBytes } from './encoding.util';

/**
 * RFC 9162 (section 2.1) / RFC 6962 Merkle hash trees over SHA-256.
 *
 * Leaves are the raw leaf inputs (the bytes that were logged); the tree hashes them as
 * `SHA-256(0x00 || data)`, interior nodes as `SHA-256(0x01 || left || right)`, and splits a
 * list of n > 1 leaves at the largest power of two smaller than n. Tree sizes and indices are
 * JavaScript numbers; every computation uses arithmetic, not 32-bit bitwise operators, so sizes
 * up to Number.MAX_SAFE_INTEGER work.
 */

export const HASH_SIZE = 32;

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

export function leafHash(data: Uint8Array): Buffer {
  assertBytes(data, 'leaf data');
  return createHash('sha256').update(Buffer.from([0x00])).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.from([0x01])).update(left).update(right).digest();
}

/** MTH(D[n]): the root hash of the given leaves (EMPTY_ROOT for none). */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  assertLeaves(leaves);
  return rootOfHashes(leaves.map(leafHash));
}

/** Root from already computed leaf hashes (for callers that store leaf hashes, not leaves). */
export function merkleRootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  assertLeaves(leafHashes);
  leafHashes.forEach((h, i) => assertHash(h, `leaf hash ${i}`));
  return rootOfHashes(leafHashes);
}

/**
 * PATH(m, D[n]) of RFC 9162 section 2.1.3.1: the audit path proving that leaf `leafIndex` is in
 * the tree made of the first `treeSize` leaves.
 */
export function inclusionProof(leafIndex: number, treeSize: number, leaves: readonly Uint8Array[]): Buffer[] {
  assertLeaves(leaves);
  assertSize(treeSize, 'treeSize');
  assertSize(leafIndex, 'leafIndex');
  if (treeSize > leaves.length) {
    throw new CryptoError('invalid-argument', `treeSize ${treeSize} exceeds the ${leaves.length} leaves given`);
  }
  if (leafIndex >= treeSize) {
    throw new CryptoError('invalid-argument', `leafIndex ${leafIndex} is outside a tree of size ${treeSize}`);
  }
  const hashes = leaves.slice(0, treeSize).map(leafHash);
  const proof: Buffer[] = [];
  path(hashes, leafIndex, 0, treeSize, proof);
  return proof;
}

/**
 * PROOF(m, D[n]) of RFC 9162 section 2.1.4.1: proves that the tree of the first `oldSize` leaves
 * is a prefix of the tree of the first `newSize`. Empty when oldSize is 0 or equals newSize.
 */
export function consistencyProof(oldSize: number, newSize: number, leaves: readonly Uint8Array[]): Buffer[] {
  assertLeaves(leaves);
  assertSize(oldSize, 'oldSize');
  assertSize(newSize, 'newSize');
  if (newSize > leaves.length) {
    throw new CryptoError('invalid-argument', `newSize ${newSize} exceeds the ${leaves.length} leaves given`);
  }
  if (oldSize > newSize) {
    throw new CryptoError('invalid-argument', `oldSize ${oldSize} is larger than newSize ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const hashes = leaves.slice(0, newSize).map(leafHash);
  const proof: Buffer[] = [];
  subproof(hashes, oldSize, 0, newSize, true, proof);
  return proof;
}

/**
 * RFC 9162 section 2.1.3.2. Returns false (never throws) for anything that does not prove
 * inclusion: wrong sizes, an index outside the tree, hashes that are not 32 bytes, extra or
 * missing proof elements.
 */
export function verifyInclusion(
  leafHashValue: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafHashValue, leafIndex, treeSize, proof);
  return computed !== undefined && isHash(root) && computed.equals(root);
}

/** The root that an inclusion proof leads to, or undefined if the proof is malformed for the sizes. */
export function rootFromInclusionProof(
  leafHashValue: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return undefined;
  if (!isHash(leafHashValue) || !Array.isArray(proof) || !proof.every(isHash)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHashValue);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/**
 * RFC 9162 section 2.1.4.2, plus the trivial cases the RFC leaves out: sizes equal (proof must be
 * empty and roots equal) and oldSize 0 (proof must be empty and oldRoot the empty-tree root).
 * Returns false, never throws, for anything that does not prove consistency.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (oldSize === 0) return proof.length === 0 && EMPTY_ROOT.equals(oldRoot);
  if (proof.length === 0) return false;

  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

// --- internals -------------------------------------------------------------------------------

/** Largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOfHashes(hashes: readonly Uint8Array[]): Buffer {
  return hashes.length === 0 ? Buffer.from(EMPTY_ROOT) : subtree(hashes, 0, hashes.length);
}

function subtree(hashes: readonly Uint8Array[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 1) return Buffer.from(hashes[lo]!);
  const k = splitPoint(n);
  return nodeHash(subtree(hashes, lo, lo + k), subtree(hashes, lo + k, hi));
}

function path(hashes: readonly Uint8Array[], m: number, lo: number, hi: number, out: Buffer[]): void {
  const n = hi - lo;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(hashes, m, lo, lo + k, out);
    out.push(subtree(hashes, lo + k, hi));
  } else {
    path(hashes, m - k, lo + k, hi, out);
    out.push(subtree(hashes, lo, lo + k));
  }
}

function subproof(hashes: readonly Uint8Array[], m: number, lo: number, hi: number, complete: boolean, out: Buffer[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(subtree(hashes, lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(hashes, m, lo, lo + k, complete, out);
    out.push(subtree(hashes, lo + k, hi));
  } else {
    subproof(hashes, m - k, lo + k, hi, false, out);
    out.push(subtree(hashes, lo, lo + k));
  }
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function assertSize(n: unknown, what: string): asserts n is number {
  if (!isSize(n)) throw new CryptoError('invalid-argument', `${what} must be a non-negative safe integer`);
}

function assertHash(h: unknown, what: string): void {
  if (!isHash(h)) throw new CryptoError('invalid-argument', `${what} must be ${HASH_SIZE} bytes`);
}

function assertLeaves(leaves: unknown): asserts leaves is readonly Uint8Array[] {
  if (!Array.isArray(leaves)) throw new CryptoError('invalid-argument', 'leaves must be an array of byte arrays');
  leaves.forEach((leaf, i) => assertBytes(leaf, `leaf ${i}`));
}
