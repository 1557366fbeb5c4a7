import { describe, expect, it } from 'vitest';
import { formatCheckpointText, parseCheckpointText, signCheckpoint, verifyCheckpoint } from './checkpoint.codec';
import { CryptoError } from './errors';
import { consistencyProof, inclusionProof, leafHash, merkleRoot, verifyConsistency, verifyInclusion } from './merkle.tree';
import { signNote } from './signed-note.codec';
import { generateSigningKeyPair } from './signing.keys';

const ORIGIN = 'lazaret.test/audit';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const leaves = Array.from({ length: 13 }, (_, i) => Buffer.from(`audit record ${i}`));
  const root = merkleRoot(leaves);

  it('formats origin, size and base64 root, then a blank line and the signature line', () => {
    const pair = generateSigningKeyPair('ed25519');
    const note = signCheckpoint({ origin: ORIGIN, treeSize: 13, rootHash: root }, pair.privateKey);
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([ORIGIN, '13', root.toString('base64'), '']);
    expect(lines[4]).toMatch(new RegExp(`^\u2014 ${ORIGIN.replace('.', '\\.')} [A-Za-z0-9+/]+=*$`));
    expect(Buffer.from(lines[4]!.split(' ')[2]!, 'base64')).toHaveLength(4 + 64);
    expect(lines[5]).toBe('');
    expect(lines).toHaveLength(6);
  });

  it.each(['ed25519', 'ecdsa-p256'] as const)('signs and verifies with %s, and the proofs check against it', (algorithm) => {
    const pair = generateSigningKeyPair(algorithm);
    const old = signCheckpoint({ origin: ORIGIN, treeSize: 8, rootHash: merkleRoot(leaves.slice(0, 8)) }, pair.privateKey);
    const now = signCheckpoint({ origin: ORIGIN, treeSize: 13, rootHash: root }, pair.privateKey);
    const a = verifyCheckpoint(old, pair.publicKey, { origin: ORIGIN });
    const b = verifyCheckpoint(now, pair.publicKey);
    expect(b).toEqual({ origin: ORIGIN, treeSize: 13, rootHash: root, extensions: [] });
    expect(verifyInclusion(leafHash(leaves[11]!), 11, b.treeSize, inclusionProof(11, 13, leaves), b.rootHash)).toBe(true);
    expect(verifyConsistency(a.treeSize, b.treeSize, a.rootHash, b.rootHash, consistencyProof(8, 13, leaves))).toBe(true);
  });

  it('rejects any change to the signed fields, other keys and other origins', () => {
    const pair = generateSigningKeyPair('ed25519');
    const note = signCheckpoint({ origin: ORIGIN, treeSize: 13, rootHash: root }, pair.privateKey);
    const otherRoot = merkleRoot(leaves.slice(0, 12)).toString('base64');
    expect(code(() => verifyCheckpoint(note.replace('\n13\n', '\n14\n'), pair.publicKey))).toBe('signature-invalid');
    expect(code(() => verifyCheckpoint(note.replace(root.toString('base64'), otherRoot), pair.publicKey))).toBe('signature-invalid');
    // Another origin changes the key name looked for: the log's signature no longer counts.
    expect(code(() => verifyCheckpoint(note.replaceAll(ORIGIN, 'evil.test/audit'), pair.publicKey))).toBe('signature-invalid');
    expect(code(() => verifyCheckpoint(note, generateSigningKeyPair('ed25519').publicKey))).toBe('signature-invalid');
    expect(code(() => verifyCheckpoint(note, pair.publicKey, { origin: 'other.test/audit' }))).toBe('signature-invalid');
    const sig = note.lastIndexOf(' ') + 12;
    const tampered = note.slice(0, sig) + (note[sig] === 'A' ? 'B' : 'A') + note.slice(sig + 1);
    expect(code(() => verifyCheckpoint(tampered, pair.publicKey))).toBe('signature-invalid');
  });

  it('supports a key name other than the origin and signed extension lines', () => {
    const pair = generateSigningKeyPair('ed25519');
    const note = signCheckpoint({ origin: ORIGIN, treeSize: 1, rootHash: merkleRoot(leaves.slice(0, 1)), extensions: ['ext one'] }, pair.privateKey, {
      keyName: 'audit-key-2024',
    });
    expect(code(() => verifyCheckpoint(note, pair.publicKey))).toBe('signature-invalid');
    expect(verifyCheckpoint(note, pair.publicKey, { keyName: 'audit-key-2024' }).extensions).toEqual(['ext one']);
  });

  it('rejects malformed checkpoint bodies, even when properly signed', () => {
    const pair = generateSigningKeyPair('ed25519');
    const r = root.toString('base64');
    for (const body of [`${ORIGIN}\n13\n`, `${ORIGIN}\n013\n${r}\n`, `${ORIGIN}\n-1\n${r}\n`, `${ORIGIN}\n13\nAAAA\n`]) {
      const note = signNote(body, pair.privateKey, ORIGIN);
      expect(code(() => verifyCheckpoint(note, pair.publicKey)), JSON.stringify(body)).toBe('malformed-note');
    }
    expect(code(() => parseCheckpointText(`${ORIGIN}\n1\n${r}\n\nx\n`))).toBe('malformed-note');
    expect(code(() => verifyCheckpoint('garbage', pair.publicKey))).toBe('malformed-note');
  });

  it('refuses to format impossible checkpoints', () => {
    expect(code(() => formatCheckpointText({ origin: '', treeSize: 1, rootHash: root }))).toBe('invalid-argument');
    expect(code(() => formatCheckpointText({ origin: 'a\nb', treeSize: 1, rootHash: root }))).toBe('invalid-argument');
    expect(code(() => formatCheckpointText({ origin: ORIGIN, treeSize: -1, rootHash: root }))).toBe('invalid-argument');
    expect(code(() => formatCheckpointText({ origin: ORIGIN, treeSize: 1, rootHash: root.subarray(1) }))).toBe('invalid-argument');
    expect(parseCheckpointText(formatCheckpointText({ origin: ORIGIN, treeSize: 0, rootHash: merkleRoot([]) })).treeSize).toBe(0);
  });
});
