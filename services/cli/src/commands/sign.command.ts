import { promises as fs, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CryptoError, importCosignPrivateKey, importPrivateKey, keyId as computeKeyId, signingKeyPair } from '@lazaret/crypto';
import { CatalogError, ImageError, loadDockerConfig, RegistryPushClient, SbomError, type CredentialStore, type RegistryCredentials } from '@lazaret/scanner';
import { imageTarget, parseReference, PolicyError, repositoryName, signImage, TrustError, type ImageTarget } from '@lazaret/trust';
import { VulnDbError } from '@lazaret/vulndb';
import type { Command, CommandContext, Io, OptionSpec } from '../command';
import { CliError } from '../errors';
import { formatOf, table } from '../output';

/*
 * `lazaret sign` and the pieces `verify`, `attest` and `keygen` share: key files and their
 * passwords, registry access (credentials, tag → digest), engine errors as one line each.
 */

const MAX_STDIN_BYTES = 64 * 1024;
const MAX_KEY_FILE_BYTES = 64 * 1024;
export const OUTPUT_FORMATS = ['table', 'json'] as const;

/** A failure of these commands with a stable code: printed `lazaret: <code>: <message>`, exit 2. */
export class SigningCliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Registry options shared by sign, verify and attest. */
export const REGISTRY_OPTIONS: OptionSpec = {
  insecure: { type: 'boolean' },
  username: { type: 'string' },
  'registry-password-stdin': { type: 'boolean' },
};

export const REGISTRY_USAGE = `  --insecure                   allow a plain-HTTP registry (only when asked for)
  --username USER              registry user (env LAZARET_REGISTRY_USERNAME)
  --registry-password-stdin    read the registry password from stdin (else env LAZARET_REGISTRY_PASSWORD);
                               without either: credentials from $DOCKER_CONFIG or ~/.docker/config.json
  --timeout SECONDS            per registry request (default 30)`;

export function stringValue(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new CliError('usage', `--${name} needs a value`);
  return v;
}

export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Reads all of stdin once (a password); the trailing newline `echo` adds is dropped. */
export async function readStdinSecret(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += b.length;
    if (total > MAX_STDIN_BYTES) throw new CliError('usage', `${what}: more than ${MAX_STDIN_BYTES} bytes on stdin`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new CliError('usage', `${what}: stdin was empty`);
  return text;
}

function checkOneStdin(ctx: CommandContext): void {
  if (ctx.values['password-stdin'] === true && ctx.values['registry-password-stdin'] === true) {
    throw new CliError('usage', '--password-stdin and --registry-password-stdin both want stdin; pass one secret by environment instead');
  }
}

/** The key password: `--password-stdin`, else LAZARET_KEY_PASSWORD, else COSIGN_PASSWORD. */
export async function keyPasswordOf(ctx: CommandContext): Promise<string | undefined> {
  checkOneStdin(ctx);
  if (ctx.values['password-stdin'] === true) return readStdinSecret('--password-stdin');
  const env = ctx.env.LAZARET_KEY_PASSWORD ?? ctx.env.COSIGN_PASSWORD;
  return env === undefined ? undefined : env;
}

export async function readSmallFile(file: string, what: string, max = MAX_KEY_FILE_BYTES): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw new SigningCliError('file-not-found', `${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!stat.isFile()) throw new SigningCliError('file-not-found', `${what} ${file} is not a file`);
  if (stat.size > max) throw new SigningCliError('file-too-large', `${what} ${file} is larger than ${max} bytes`);
  return fs.readFile(file, 'utf8');
}

const COSIGN_PEM = /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----/;

export interface LoadedPrivateKey {
  privateKey: KeyObject;
  keyId: string;
}

/** `--key FILE` for signing: a cosign encrypted private key (needs the password) or a PKCS#8/SEC1 PEM. */
export async function loadPrivateKey(ctx: CommandContext, file: string): Promise<LoadedPrivateKey> {
  const text = await readSmallFile(file, 'key file');
  if (COSIGN_PEM.test(text)) {
    const password = await keyPasswordOf(ctx);
    if (password === undefined) {
      throw new SigningCliError('password-required', `${file} is an encrypted cosign key: give its password with --password-stdin or LAZARET_KEY_PASSWORD (or COSIGN_PASSWORD)`);
    }
    try {
      const k = importCosignPrivateKey(text, password);
      return { privateKey: k.privateKey, keyId: k.keyId };
    } catch (err) {
      if (err instanceof CryptoError && err.code === 'decryption-failed') throw new SigningCliError('wrong-password', `${file}: wrong password for this key (or the file is damaged)`);
      if (err instanceof CryptoError) throw new SigningCliError('invalid-key', `${file}: ${err.message}`);
      throw err;
    }
  }
  if (/-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(text) && !/PRIVATE KEY/.test(text)) {
    throw new SigningCliError('invalid-key', `${file} holds a public key; signing needs the private key (cosign.key)`);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    throw new SigningCliError('invalid-key', `${file} is a password-protected PKCS#8 key; decrypt it (openssl pkcs8) or use a cosign key (lazaret keygen)`);
  }
  try {
    const privateKey = importPrivateKey(text);
    return { privateKey, keyId: computeKeyId(signingKeyPair(privateKey).publicKey) };
  } catch (err) {
    throw new SigningCliError('invalid-key', `${file}: not a private key PEM (PKCS#8, SEC1 or PKCS#1) or cosign key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function registryCredentials(ctx: CommandContext): Promise<{ credentials?: RegistryCredentials; credentialStore?: CredentialStore }> {
  checkOneStdin(ctx);
  const flagUser = stringValue(ctx.values, 'username');
  const username = flagUser ?? (ctx.env.LAZARET_REGISTRY_USERNAME || undefined);
  let password: string | undefined;
  if (ctx.values['registry-password-stdin'] === true) {
    if (username === undefined) throw new CliError('usage', '--registry-password-stdin needs --username (or LAZARET_REGISTRY_USERNAME)');
    password = await readStdinSecret('--registry-password-stdin');
  } else {
    password = ctx.env.LAZARET_REGISTRY_PASSWORD || undefined;
  }
  if (username !== undefined && password !== undefined) return { credentials: { username, password } };
  if (username !== undefined) throw new CliError('usage', 'a registry username needs a password: --registry-password-stdin or LAZARET_REGISTRY_PASSWORD');
  if (password !== undefined) throw new CliError('usage', 'LAZARET_REGISTRY_PASSWORD is set but no username: --username or LAZARET_REGISTRY_USERNAME');
  const file = join(ctx.env.DOCKER_CONFIG || join(ctx.env.HOME || homedir(), '.docker'), 'config.json');
  try {
    await fs.access(file);
  } catch {
    return {};
  }
  return { credentialStore: await loadDockerConfig(file) };
}

export interface ResolvedImage {
  store: RegistryPushClient;
  image: ImageTarget;
  /** `registry/repository` (what policies match). */
  name: string;
  /** `registry/repository@digest`. */
  pinned: string;
  /** The tag the user named, if any (informative). */
  tag?: string;
  credentials?: RegistryCredentials;
  credentialStore?: CredentialStore;
}

/** Parses a registry reference and resolves it to the manifest digest (never a tag). */
export async function resolveImage(ctx: CommandContext, reference: string): Promise<ResolvedImage> {
  const text = reference.startsWith('docker://') ? reference.slice('docker://'.length) : reference;
  if (/^(oci|oci-archive|docker-archive|rootfs|dir):/.test(text)) {
    throw new CliError('usage', `${reference}: signatures live in a registry; name the image as host/repository:tag or host/repository@sha256:...`);
  }
  const ref = parseReference(text);
  const { credentials, credentialStore } = await registryCredentials(ctx);
  const timeout = Number(ctx.values.timeout ?? 30);
  const store = new RegistryPushClient({
    registry: ref.registry,
    insecure: ctx.values.insecure === true,
    ...(credentials ? { credentials } : {}),
    ...(credentialStore ? { credentialStore } : {}),
    requestTimeoutMs: timeout * 1000,
    userAgent: `lazaret-cli/${toolVersion()}`,
  });
  const wanted = ref.digest ?? ref.tag ?? 'latest';
  let digest: string | undefined;
  try {
    digest = await store.resolveDigest(ref.repository, wanted);
  } catch (err) {
    if (err instanceof ImageError) {
      const hint = err.code === 'network-error' && ctx.values.insecure !== true && /SSL|TLS|EPROTO|wrong version/i.test(err.message) ? ' (a plain-HTTP registry? --insecure allows it)' : '';
      throw new SigningCliError(err.code, `${ref.registry}/${ref.repository}: ${err.message.replace(/\s*\n\s*/g, ' ')}${hint}`);
    }
    throw err;
  }
  if (digest === undefined) throw new SigningCliError('image-not-found', `${text}: no such image in ${ref.registry} (manifest ${wanted} not found)`);
  if (ref.digest && digest !== ref.digest) throw new SigningCliError('digest-mismatch', `${text}: the registry answers ${digest} for ${ref.digest}`);
  const image = imageTarget(ref.registry, ref.repository, digest);
  return {
    store,
    image,
    name: repositoryName(image),
    pinned: `${repositoryName(image)}@${digest}`,
    ...(ref.tag ? { tag: ref.tag } : {}),
    ...(credentials ? { credentials } : {}),
    ...(credentialStore ? { credentialStore } : {}),
  };
}

/** Engine errors (trust, crypto, scanner, vulndb) become one line each; CliErrors go to main. */
export async function guardedSigning(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof PolicyError) {
      if (err.issues.length === 0) io.err(`lazaret: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}`);
      // The loader's message lists `file:line:col: path: reason`, one issue a line.
      else for (const line of err.message.split('\n').slice(1)) io.err(`lazaret: ${err.code}: ${line}`);
      return 2;
    }
    if (err instanceof SigningCliError || err instanceof TrustError || err instanceof CryptoError || err instanceof ImageError || err instanceof CatalogError || err instanceof SbomError || err instanceof VulnDbError) {
      io.err(`lazaret: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    if (err instanceof Error && (err as { code?: unknown }).code === 'output-error') {
      io.err(`lazaret: output-error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/** Writes next to the target, then renames: never half a file. */
export async function writeAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  const target = resolve(file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`, { mode });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new SigningCliError('output-error', `cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function oneImage(args: string[], command: string): string {
  if (args.length !== 1) throw new CliError('usage', args.length === 0 ? `name an image: lazaret ${command} <image> (see --help)` : `one image at a time, got ${args.length}: ${args.join(' ')}`);
  return args[0]!;
}

const USAGE = `lazaret sign <image> --key FILE [options]

  <image>                      registry reference: host/repository:tag or host/repository@sha256:...
                               (the tag is resolved to its manifest digest; the digest is what is signed)
  --key FILE                   cosign.key (encrypted; password from --password-stdin, env
                               LAZARET_KEY_PASSWORD or COSIGN_PASSWORD) or a PKCS#8/SEC1 private key PEM
  --password-stdin             read the key password from stdin
  -a, --annotation KEY=VALUE   signed annotation in the payload (repeatable)
  --output FILE                also write the signature as a Sigstore bundle (v0.3 JSON) there
  --format table|json          what to print (default table)
${REGISTRY_USAGE}

The signature is appended to <repository>:sha256-<hex>.sig the way cosign does.
Exit codes: 0 signed (or already signed by this key), 2 error (one line: lazaret: <code>: <message>).`;

function annotationsOf(values: CommandContext['values']): Record<string, string> | undefined {
  const raw = values.annotation;
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : [String(raw)];
  const out: Record<string, string> = {};
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new CliError('usage', `--annotation ${a}: expected KEY=VALUE`);
    const k = a.slice(0, eq);
    if (k === 'creator' || k === 'timestamp') throw new CliError('usage', `--annotation ${k} is written by lazaret itself`);
    out[k] = a.slice(eq + 1);
  }
  return out;
}

/** `lazaret sign <image> --key FILE`: cosign-compatible signature of the image's manifest digest. */
export const signCommand: Command = {
  name: 'sign',
  summary: 'sign an image in its registry (cosign layout) with a key file',
  usage: USAGE,
  options: {
    key: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    annotation: { type: 'string', short: 'a', multiple: true },
    output: { type: 'string', short: 'o' },
    ...REGISTRY_OPTIONS,
  },
  async run(ctx) {
    const reference = oneImage(ctx.args, 'sign');
    const format = formatOf(ctx.values.format, OUTPUT_FORMATS);
    const keyFile = stringValue(ctx.values, 'key');
    if (!keyFile) throw new CliError('usage', 'lazaret sign needs --key FILE (make one with lazaret keygen)');
    const output = stringValue(ctx.values, 'output');
    const annotations = annotationsOf(ctx.values);
    checkOneStdin(ctx);
    return guardedSigning(ctx.io, async () => {
      // The key first: a wrong password fails before the registry is touched.
      const key = await loadPrivateKey(ctx, keyFile);
      const target = await resolveImage(ctx, reference);
      const result = await signImage({ image: target.image, key, store: target.store, ...(annotations ? { annotations } : {}) });
      if (output) {
        if (!result.bundle) throw new SigningCliError('bundle-unsupported', `the image is signed, but ${result.keyId.slice(0, 12)}… is an Ed25519 key and a Sigstore message-signature bundle cannot carry it`);
        await writeAtomically(output, JSON.stringify(result.bundle, null, 2));
      }
      if (format === 'json') {
        ctx.io.out(
          JSON.stringify(
            {
              image: target.pinned,
              digest: target.image.digest,
              ...(target.tag ? { tag: target.tag } : {}),
              keyId: result.keyId,
              signatureReference: result.signatureReference,
              signatureManifestDigest: result.signatureManifestDigest,
              signatureCount: result.signatureCount,
              alreadySigned: result.alreadySigned,
              ...(output ? { bundle: resolve(output) } : {}),
            },
            null,
            2,
          ),
        );
      } else {
        ctx.io.out(
          table(
            ['FIELD', 'VALUE'],
            [
              ['image', target.pinned],
              ['key', result.keyId],
              ['signature', `${result.signatureReference} (${result.alreadySigned ? 'already signed by this key, nothing pushed' : 'pushed'}; ${result.signatureCount} in total)`],
              ...(output ? [['bundle', resolve(output)]] : []),
            ],
          ),
        );
      }
      return 0;
    });
  },
};
