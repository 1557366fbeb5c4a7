import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { formatNoteVerifierKey, noteKeyId, openNote, parseNoteVerifierKey, signNote } from './signed-note.codec';
import { ed25519PrivateKeyFromSeed, generateSigningKeyPair } from './signing.keys';

// golang.org/x/mod/sumdb/note note_test.go: the PeterNeumann key pair and signed note.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE =
  PETER_TEXT + '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
// sigstore/rekor note tests: the public Rekor log key as an ECDSA (type 0x02) verifier key.
const REKOR_VKEY =
  'rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=';

function peterPrivateKey() {
  const material = Buffer.from(PETER_SKEY.split('+').slice(4).join('+'), 'base64');
  expect(material[0]).toBe(0x01);
  return ed25519PrivateKeyFromSeed(material.subarray(1));
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('signed notes (c2sp.org/signed-note)', () => {
  it('reproduces the Go reference note byte for byte and verifies it', () => {
    expect(signNote(PETER_TEXT, peterPrivateKey(), 'PeterNeumann')).toBe(PETER_NOTE);
    const verifier = parseNoteVerifierKey(PETER_VKEY);
    expect(verifier.name).toBe('PeterNeumann');
    expect(verifier.keyId).toBe(0xc74f20a3);
    expect(openNote(PETER_NOTE, [verifier])).toEqual({ text: PETER_TEXT, verifiedNames: ['PeterNeumann'] });
    expect(formatNoteVerifierKey('PeterNeumann', verifier.publicKey)).toBe(PETER_VKEY);
  });

  it('rejects a tampered text or signature', () => {
    const verifier = parseNoteVerifierKey(PETER_VKEY);
    expect(code(() => openNote(PETER_NOTE.replace('cryptography', 'cryptographY'), [verifier]))).toBe('signature-invalid');
    const sigStart = PETER_NOTE.lastIndexOf(' ') + 10;
    const flipped = PETER_NOTE.slice(0, sigStart) + (PETER_NOTE[sigStart] === 'A' ? 'B' : 'A') + PETER_NOTE.slice(sigStart + 1);
    expect(code(() => openNote(flipped, [verifier]))).toBe('signature-invalid');
  });

  it('ignores signatures from unknown keys but requires one known signature', () => {
    const other = generateSigningKeyPair('ed25519');
    const cosigned = PETER_NOTE + signNote(PETER_TEXT, other.privateKey, 'witness.example').slice(PETER_TEXT.length + 1);
    const verifier = parseNoteVerifierKey(PETER_VKEY);
    expect(openNote(cosigned, [verifier]).verifiedNames).toEqual(['PeterNeumann']);
    expect(openNote(cosigned, [verifier, { name: 'witness.example', publicKey: other.publicKey }]).verifiedNames).toEqual([
      'PeterNeumann',
      'witness.example',
    ]);
    expect(code(() => openNote(PETER_NOTE, [{ name: 'witness.example', publicKey: other.publicKey }]))).toBe('signature-invalid');
    // Same name, other key: different key ID, so the signature is ignored, and none verifies.
    expect(code(() => openNote(PETER_NOTE, [{ name: 'PeterNeumann', publicKey: other.publicKey }]))).toBe('signature-invalid');
  });

  it('rejects malformed notes with malformed-note', () => {
    const v = [parseNoteVerifierKey(PETER_VKEY)];
    for (const bad of [
      PETER_TEXT,
      PETER_NOTE.slice(0, -1),
      PETER_NOTE.replace('\u2014 ', '- '),
      PETER_NOTE.replace('PeterNeumann x08', 'Peter+Neumann x08'),
      PETER_NOTE.replace('x08go/', 'x08go!'),
      PETER_NOTE.replace('\n\n', '\n\t\n'),
      PETER_NOTE + '\u2014 PeterNeumann AAAA\n',
    ]) {
      expect(code(() => openNote(bad, v)), JSON.stringify(bad.slice(-40))).toBe('malformed-note');
    }
    expect(code(() => signNote('no newline', peterPrivateKey(), 'PeterNeumann'))).toBe('malformed-note');
    expect(code(() => signNote('x\n', peterPrivateKey(), 'has space'))).toBe('invalid-argument');
  });

  it('rejects every substring and every single-byte change of a verifier key (as the Go tests do)', () => {
    const b = Buffer.from(PETER_VKEY);
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i !== 0 || j !== b.length) expect(code(() => parseNoteVerifierKey(b.subarray(i, j).toString()))).toBeDefined();
      }
    }
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b);
      c[i]! += 1;
      expect(code(() => parseNoteVerifierKey(c.toString())), c.toString()).toBeDefined();
    }
  });

  it('derives ECDSA key IDs from the DER SPKI (the published Rekor verifier key)', () => {
    const rekor = parseNoteVerifierKey(REKOR_VKEY);
    expect(rekor.keyId).toBe(0xc0d23d6a);
    expect(formatNoteVerifierKey('rekor.sigstore.dev', rekor.publicKey)).toBe(REKOR_VKEY);
  });

  it('signs and opens notes with ECDSA P-256 keys', () => {
    const pair = generateSigningKeyPair('ecdsa-p256');
    const note = signNote('hello\nworld\n', pair.privateKey, 'lazaret.test/log');
    expect(openNote(note, [{ name: 'lazaret.test/log', publicKey: pair.publicKey }]).text).toBe('hello\nworld\n');
    expect(noteKeyId('lazaret.test/log', pair.publicKey)).toBe(Buffer.from(note.split(' ').pop()!, 'base64').readUInt32BE(0));
    expect(code(() => openNote(note.replace('world', 'World'), [{ name: 'lazaret.test/log', publicKey: pair.publicKey }]))).toBe(
      'signature-invalid',
    );
  });
});
