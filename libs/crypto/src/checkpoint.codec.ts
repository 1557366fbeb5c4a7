import { decodeBase64 } from './encoding.util';
import { CryptoError } from './errors';
import { HASH_SIZE } from './merkle.tree';
import { openNote, signNote } from './signed-note.codec';
import type { KeyInput } from './signing.keys';

/**
 * Transparency-log checkpoints (https://c2sp.org/tlog-checkpoint): a signed note whose text is
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n...]
 *
 * signed by the log key. The audit service signs one after each batch; anyone holding the public
 * key can check it offline together with inclusion and consistency proofs.
 */
export interface Checkpoint {
  /** Log identity, e.g. `lazaret.example/audit`. No newline; SHOULD have no spaces or '+'. */
  origin: string;
  treeSize: number;
  /** RFC 9162 root hash (32 bytes). */
  rootHash: Uint8Array;
  /** Optional, opaque, non-empty extension lines (not recommended by the spec). */
  extensions?: string[];
}

export interface SignCheckpointOptions {
  /** Key name on the signature line; defaults to the origin, as the spec recommends. */
  keyName?: string;
}

export interface VerifyCheckpointOptions {
  /** Key name to accept; defaults to the checkpoint's origin line. */
  keyName?: string;
  /** When given, the checkpoint's origin must be exactly this. */
  origin?: string;
}

export function formatCheckpointText(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (typeof origin !== 'string' || origin.length === 0 || /[\n\r]/.test(origin)) {
    throw new CryptoError('invalid-argument', 'checkpoint origin must be a non-empty single line');
  }
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new CryptoError('invalid-argument', 'checkpoint treeSize must be a non-negative safe integer');
  }
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) {
    throw new CryptoError('invalid-argument', `checkpoint rootHash must be ${HASH_SIZE} bytes`);
  }
  for (const line of extensions) {
    if (typeof line !== 'string' || line.length === 0 || /[\n\r]/.test(line)) {
      throw new CryptoError('invalid-argument', 'checkpoint extension lines must be non-empty single lines');
    }
  }
  const root = Buffer.from(rootHash).toString('base64');
  return [origin, String(treeSize), root, ...extensions].join('\n') + '\n';
}

/** Parses checkpoint note text (without signatures). Throws `malformed-note`. */
export function parseCheckpointText(text: string): Checkpoint & { rootHash: Buffer } {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw new CryptoError('malformed-note', 'checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CryptoError('malformed-note', 'checkpoint needs origin, tree size and root hash lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CryptoError('malformed-note', 'checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new CryptoError('malformed-note', 'checkpoint tree size is not a decimal number without leading zeros');
  }
  const rootHash = decodeBase64(root, 'checkpoint root hash', 'malformed-note');
  if (rootHash.length !== HASH_SIZE) throw new CryptoError('malformed-note', `checkpoint root hash is not ${HASH_SIZE} bytes`);
  if (extensions.some((line) => line.length === 0)) throw new CryptoError('malformed-note', 'checkpoint extension lines must be non-empty');
  return { origin, treeSize: Number(size), rootHash, extensions };
}

/** Signed-note text: origin, size, base64 root, blank line, `— <keyName> <base64(keyID||sig)>`. */
export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyInput, options: SignCheckpointOptions = {}): string {
  return signNote(formatCheckpointText(checkpoint), privateKey, options.keyName ?? checkpoint.origin);
}

/**
 * Verifies a signed checkpoint and returns its content. Throws `malformed-note` for bad syntax
 * and `signature-invalid` when no signature of this key verifies (or one of it fails).
 */
export function verifyCheckpoint(
  note: string,
  publicKey: KeyInput,
  options: VerifyCheckpointOptions = {},
): Checkpoint & { rootHash: Buffer; extensions: string[] } {
  if (typeof note !== 'string') throw new CryptoError('malformed-note', 'checkpoint must be a string');
  const split = note.lastIndexOf('\n\n');
  // The unverified origin only chooses which key name to look for; the key itself decides.
  const unverified = parseCheckpointText(split >= 0 ? note.slice(0, split + 1) : note);
  const keyName = options.keyName ?? unverified.origin;
  const { text } = openNote(note, [{ name: keyName, publicKey }]);
  const checkpoint = parseCheckpointText(text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new CryptoError('signature-invalid', 'checkpoint is for another log origin');
  }
  return { ...checkpoint, extensions: checkpoint.extensions ?? [] };
}
