import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
 
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportCosignKeyPair,
  formatNoteVerifierKey,
  generateSigningKeyPair,
  importCosignPrivateKey,
  merkleRoot,
  secretboxSeal,
  sign,
  signCheckpoint,
  verify,
} from '../src/index';

// Ground truth from Go: test/go/crosscheck/main.go uses golang.org/x/crypto (nacl/secretbox,
// scrypt), golang.org/x/mod/sumdb/note and Go's crypto/x509 + crypto/ecdsa, i.e. the code that
// cosign and the Go checksum database run. Debian packages: golang-go,
// golang-golang-x-crypto-dev, golang-golang-x-mod-dev (GOPATH mode from /usr/share/gocode).
const tools = checkTools('go');
const SOURCE_DIR = join(__dirname, 'go', 'crosscheck');
const GOPATH = '/usr/share/gocode';

interface GoResponse {
  ok: boolean;
  error?: string;
  keyType?: string;
  keyId?: string;
  publicKeyPem?: string;
  pem?: string;
  signature?: string;
  sigValid: boolean;
  boxes?: string[];
  text?: string;
}

let binary = '';

/** Builds the Go helper once per source version, cached outside the repository. */
function buildHelper(): string {
  const source = readFileSync(join(SOURCE_DIR, 'main.go'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const root = process.env.LAZARET_FIXTURE_CACHE ?? join(homedir(), '.cache', 'lazaret-fixtures');
  const dir = join(root, 'crypto-go-crosscheck', hash);
  const out = join(dir, 'crosscheck');
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync('go', ['build', '-o', tmp, 'main.go'], {
    cwd: SOURCE_DIR,
    env: { ...process.env, GOPATH, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: join(root, 'crypto-go-crosscheck', 'gocache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  renameSync(tmp, out);
  return out;
}

function go(request: Record<string, unknown>): GoResponse {
  const out = execFileSync(binary, [], { input: JSON.stringify(request), timeout: 60_000 });
  return JSON.parse(out.toString()) as GoResponse;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe.skipIf(tools.skip)('cross-check against Go (cosign and sumdb code paths)', () => {
  beforeAll(() => {
    assertTools('go');
    if (!existsSync(join(GOPATH, 'src/golang.org/x/crypto/nacl/secretbox')) || !existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note'))) {
      throw new Error('Go packages missing: apt-get install golang-golang-x-crypto-dev golang-golang-x-mod-dev');
    }
    binary = buildHelper();
  }, 180_000);

  it.each([
    ['ecdsa-p256', 65536],
    ['ecdsa-p256', 32768],
    ['ed25519', 131072],
  ] as const)('cosign loads our exported %s key (scrypt N=%i), and signatures verify both ways', (algorithm, scryptN) => {
    const pair = generateSigningKeyPair(algorithm);
    const { privateKeyPem } = exportCosignKeyPair(pair.privateKey, 'p@ss w0rd', { scryptN });
    const payload = Buffer.from('{"critical":{"type":"cosign container image signature"}}');
    const res = go({ mode: 'load-cosign-key', pem: privateKeyPem, password: 'p@ss w0rd', payload: b64(payload), signature: b64(sign(payload, pair.privateKey)) });
    expect(res.error).toBeUndefined();
    expect(res.ok).toBe(true);
    expect(res.keyType).toBe(algorithm === 'ed25519' ? 'ed25519' : 'ecdsa-P-256');
    expect(res.keyId).toBe(pair.keyId);
    expect(res.sigValid).toBe(true); // Go verifies our signature (ecdsa.VerifyASN1 / ed25519.Verify)
    expect(verify(payload, Buffer.from(res.signature!, 'base64'), pair.publicKey)).toBe(true); // and we verify Go's
  });

  it('Go rejects our key with a wrong password and our tampered signature (the check is not vacuous)', () => {
    const pair = generateSigningKeyPair();
    const { privateKeyPem } = exportCosignKeyPair(pair.privateKey, 'right', { scryptN: 32768 });
    expect(go({ mode: 'load-cosign-key', pem: privateKeyPem, password: 'wrong' })).toMatchObject({ ok: false, error: 'decryption failed' });
    const payload = Buffer.from('x');
    const sig = sign(payload, pair.privateKey);
    sig[sig.length - 1]! ^= 1;
    expect(go({ mode: 'load-cosign-key', pem: privateKeyPem, password: 'right', payload: b64(payload), signature: b64(sig) }).sigValid).toBe(false);
  });

  it('we import a key encrypted by Go exactly as go-securesystemslib does', () => {
    const payload = Buffer.from('hello from node');
    const res = go({ mode: 'make-cosign-key', password: 'go-made', payload: b64(payload) });
    expect(res.ok).toBe(true);
    const key = importCosignPrivateKey(res.pem!, 'go-made');
    expect(key.keyId).toBe(res.keyId);
    expect(key.algorithm).toBe('ecdsa-p256');
    expect(verify(payload, Buffer.from(res.signature!, 'base64'), key.publicKey)).toBe(true);
    expect(() => importCosignPrivateKey(res.pem!, 'go-madE')).toThrow(expect.objectContaining({ code: 'decryption-failed' }));
  });

  it('secretbox output is identical to golang.org/x/crypto/nacl/secretbox for random inputs', () => {
    const boxes = Array.from({ length: 120 }, (_, i) => ({ key: randomBytes(32), nonce: randomBytes(24), msg: randomBytes((i * 7) % 400) }));
    const res = go({ mode: 'secretbox', boxes: boxes.map((b) => ({ key: b64(b.key), nonce: b64(b.nonce), msg: b64(b.msg) })) });
    expect(res.boxes).toHaveLength(boxes.length);
    boxes.forEach((b, i) => expect(b64(secretboxSeal(b.msg, b.nonce, b.key)), `box ${i}`).toBe(res.boxes![i]));
  });

  it('golang.org/x/mod/sumdb/note opens our signed checkpoints with our verifier key string', () => {
    const pair = generateSigningKeyPair('ed25519');
    const origin = 'lazaret.test/audit';
    const leaves = Array.from({ length: 21 }, (_, i) => Buffer.from(`record ${i}`));
    const note = signCheckpoint({ origin, treeSize: 21, rootHash: merkleRoot(leaves) }, pair.privateKey);
    const vkey = formatNoteVerifierKey(origin, pair.publicKey);
    const res = go({ mode: 'open-note', note, vkey });
    expect(res.error).toBeUndefined();
    expect(res.text).toBe(`${origin}\n21\n${merkleRoot(leaves).toString('base64')}\n`);
    const tampered = go({ mode: 'open-note', note: note.replace('\n21\n', '\n22\n'), vkey });
    expect(tampered.ok).toBe(false);
  });
});
