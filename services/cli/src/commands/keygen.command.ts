import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { exportCosignKeyPair, generateSigningKeyPair } from '@lazaret/crypto';
import type { Command } from '../command';
import { CliError } from '../errors';
import { formatOf, table } from '../output';
import { guardedSigning, keyPasswordOf, OUTPUT_FORMATS, SigningCliError, stringValue } from './sign.command';

const USAGE = `lazaret keygen [options]

  --output-key-prefix PREFIX   write PREFIX.key and PREFIX.pub (default cosign: cosign.key, cosign.pub)
  --password-stdin             read the password for the private key from stdin
                               (else env LAZARET_KEY_PASSWORD, else COSIGN_PASSWORD)
  --force                      overwrite existing files
  --format table|json          what to print (default table)

Writes an ECDSA P-256 key pair in cosign's format: PREFIX.key is encrypted (scrypt + NaCl
secretbox, as cosign generate-key-pair writes it) and readable by cosign; PREFIX.pub is the
public key PEM for lazaret verify --key, trust policies and cosign verify.
Exit codes: 0 written, 2 error.`;

async function writeNew(file: string, text: string, mode: number, force: boolean): Promise<void> {
  try {
    await fs.writeFile(file, text, { mode, flag: force ? 'w' : 'wx' });
    // `mode` only applies to new files: tighten an overwritten one too.
    await fs.chmod(file, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new SigningCliError('file-exists', `${file} already exists (--force overwrites it)`);
    throw new SigningCliError('output-error', `cannot write ${file}: ${code ?? String(err)}`);
  }
}

/** `lazaret keygen`: a cosign key pair, so users need no cosign binary. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'write a cosign-format key pair (cosign.key encrypted, cosign.pub)',
  usage: USAGE,
  options: {
    'output-key-prefix': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length > 0) throw new CliError('usage', `lazaret keygen takes no arguments (got ${ctx.args.join(' ')}); see --output-key-prefix`);
    const format = formatOf(ctx.values.format, OUTPUT_FORMATS);
    const prefix = stringValue(ctx.values, 'output-key-prefix') ?? 'cosign';
    const keyFile = resolve(`${prefix}.key`);
    const pubFile = resolve(`${prefix}.pub`);
    const force = ctx.values.force === true;
    return guardedSigning(ctx.io, async () => {
      const password = await keyPasswordOf(ctx);
      if (password === undefined || password === '') {
        throw new SigningCliError('password-required', 'the private key is written encrypted: give a password with --password-stdin or LAZARET_KEY_PASSWORD (or COSIGN_PASSWORD)');
      }
      if (!force) {
        for (const f of [keyFile, pubFile]) {
          const exists = await fs.access(f).then(
            () => true,
            () => false,
          );
          if (exists) throw new SigningCliError('file-exists', `${f} already exists (--force overwrites it)`);
        }
      }
      const pair = generateSigningKeyPair('ecdsa-p256');
      const pem = exportCosignKeyPair(pair.privateKey, password);
      await writeNew(keyFile, pem.privateKeyPem, 0o600, force);
      await writeNew(pubFile, pem.publicKeyPem, 0o644, force);
      if (format === 'json') {
        ctx.io.out(JSON.stringify({ privateKey: keyFile, publicKey: pubFile, keyId: pair.keyId, algorithm: pair.algorithm }, null, 2));
      } else {
        ctx.io.out(
          table(
            ['FIELD', 'VALUE'],
            [
              ['private key', `${keyFile} (encrypted, mode 0600)`],
              ['public key', pubFile],
              ['key id', pair.keyId],
              ['algorithm', pair.algorithm],
            ],
          ),
        );
      }
      return 0;
    });
  },
};
