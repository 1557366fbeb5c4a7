import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  KeyObject,
} from 'node:crypto';
import { bytesOf } from './encoding.util';
import { CryptoError } from './errors';

/** Algorithms that can be generated here. ECDSA P-256 is cosign's default. */
export type GeneratedKeyAlgorithm = 'ecdsa-p256' | 'ed25519';

/** Algorithms accepted for signing and verification (imported cosign keys may be RSA or P-384/521). */
export type SigningAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ed25519' | 'rsa-pkcs1v15-sha256';

export interface SigningKeyPair {
  algorithm: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
  keyId: string;
}

/** A PEM string (SPKI / PKCS#8 / SEC1 / PKCS#1) or a node KeyObject. */
export type KeyInput = KeyObject | string;

export function generateSigningKeyPair(algorithm: GeneratedKeyAlgorithm = 'ecdsa-p256'): SigningKeyPair {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (algorithm === 'ecdsa-p256') {
    pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  } else if (algorithm === 'ed25519') {
    pair = generateKeyPairSync('ed25519');
  } else {
    throw new CryptoError('unsupported-algorithm', `cannot generate keys for algorithm ${String(algorithm)}`);
  }
  return { algorithm, ...pair, keyId: keyId(pair.publicKey) };
}

/** Builds the pair (public key, key id, algorithm) for a private key, checking it is supported. */
export function signingKeyPair(privateKey: KeyInput): SigningKeyPair {
  const priv = importPrivateKey(privateKey);
  const pub = createPublicKey(priv);
  return { algorithm: keyAlgorithm(priv), privateKey: priv, publicKey: pub, keyId: keyId(pub) };
}

export function importPublicKey(key: KeyInput): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type === 'public') return key;
    if (key.type === 'private') return createPublicKey(key);
    throw new CryptoError('invalid-key', 'a symmetric key is not a public key');
  }
  if (typeof key !== 'string') throw new CryptoError('invalid-argument', 'public key must be a PEM string or a KeyObject');
  try {
    return createPublicKey({ key, format: 'pem' });
  } catch (error) {
    throw new CryptoError('invalid-key', 'public key is not a valid PEM public key (SPKI)', { cause: error });
  }
}

export function importPrivateKey(key: KeyInput): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type === 'private') return key;
    throw new CryptoError('invalid-key', `a ${key.type} key is not a private key`);
  }
  if (typeof key !== 'string') throw new CryptoError('invalid-argument', 'private key must be a PEM string or a KeyObject');
  if (key.includes('ENCRYPTED')) {
    throw new CryptoError('invalid-key', 'private key is encrypted: use importCosignPrivateKey for cosign/sigstore keys');
  }
  try {
    return createPrivateKey({ key, format: 'pem' });
  } catch {
    // The cause could quote the key's PEM; keep it out of the error.
    throw new CryptoError('invalid-key', 'private key is not a valid PEM private key (PKCS#8, SEC1 or PKCS#1)');
  }
}

/** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (of the public half of a private key). */
export function keyId(key: KeyInput): string {
  return createHash('sha256').update(publicKeyDer(key)).digest('hex');
}

export function publicKeyDer(key: KeyInput): Buffer {
  return importPublicKeyOrDerive(key).export({ type: 'spki', format: 'der' });
}

export function exportPublicKeyPem(key: KeyInput): string {
  return importPublicKeyOrDerive(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** Unencrypted PKCS#8 PEM. Handle with care; see exportCosignPrivateKey for an encrypted form. */
export function exportPrivateKeyPem(key: KeyInput): string {
  return importPrivateKey(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function keyAlgorithm(key: KeyInput): SigningAlgorithm {
  const k = typeof key === 'string' ? importPublicKeyOrDerive(key) : key;
  switch (k.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'ec': {
      const curve = k.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ecdsa-p256';
      if (curve === 'secp384r1') return 'ecdsa-p384';
      if (curve === 'secp521r1') return 'ecdsa-p521';
      throw new CryptoError('unsupported-algorithm', `unsupported EC curve ${curve ?? 'unknown'} (P-256, P-384, P-521 only)`);
    }
    case 'rsa': {
      const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 2048 || bits > 4096) {
        throw new CryptoError('unsupported-algorithm', `unsupported RSA key size ${bits} (2048 to 4096 bits)`);
      }
      return 'rsa-pkcs1v15-sha256';
    }
    default:
      throw new CryptoError('unsupported-algorithm', `unsupported key type ${k.asymmetricKeyType ?? 'unknown'}`);
  }
}

function digestFor(algorithm: SigningAlgorithm): string | null {
  switch (algorithm) {
    case 'ed25519':
      return null;
    case 'ecdsa-p384':
      return 'sha384';
    case 'ecdsa-p521':
      return 'sha512';
    default:
      return 'sha256';
  }
}

/**
 * Signs `data` as cosign does: ECDSA with SHA-256 (SHA-384/512 for P-384/P-521) and an ASN.1 DER
 * signature, Ed25519 pure (over the message itself), RSA PKCS#1 v1.5 with SHA-256.
 */
export function sign(data: string | Uint8Array, privateKey: KeyInput): Buffer {
  const key = importPrivateKey(privateKey);
  const algorithm = keyAlgorithm(key);
  return nodeSign(digestFor(algorithm), bytesOf(data, 'data'), { key, dsaEncoding: 'der' });
}

export interface VerifyOptions {
  /** ECDSA signature encoding: 'der' (cosign, default) or 'ieee-p1363' (raw r||s, as JOSE and some DSSE tools). */
  dsaEncoding?: 'der' | 'ieee-p1363';
}

/** True when `signature` is a valid signature of `data` by `publicKey`; false for any bad signature. */
export function verify(data: string | Uint8Array, signature: Uint8Array, publicKey: KeyInput, options: VerifyOptions = {}): boolean {
  const key = importPublicKeyOrDerive(publicKey);
  const algorithm = keyAlgorithm(key);
  if (!(signature instanceof Uint8Array)) throw new CryptoError('invalid-argument', 'signature must be bytes');
  try {
    return nodeVerify(digestFor(algorithm), bytesOf(data, 'data'), { key, dsaEncoding: options.dsaEncoding ?? 'der' }, signature);
  } catch {
    // OpenSSL rejects some malformed encodings by throwing instead of returning false.
    return false;
  }
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Ed25519 private key from its 32-byte RFC 8032 seed. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new CryptoError('invalid-key', 'an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Ed25519 public key from its 32-byte RFC 8032 encoding. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (!(raw instanceof Uint8Array) || raw.length !== 32) throw new CryptoError('invalid-key', 'an Ed25519 public key is 32 bytes');
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch (error) {
    throw new CryptoError('invalid-key', 'not a valid Ed25519 public key', { cause: error });
  }
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
export function ed25519RawPublicKey(key: KeyInput): Buffer {
  const pub = importPublicKeyOrDerive(key);
  if (pub.asymmetricKeyType !== 'ed25519') throw new CryptoError('invalid-key', 'not an Ed25519 key');
  return pub.export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX.length);
}

function importPublicKeyOrDerive(key: KeyInput): KeyObject {
  if (typeof key === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    return createPublicKey(importPrivateKey(key));
  }
  return importPublicKey(key);
}
