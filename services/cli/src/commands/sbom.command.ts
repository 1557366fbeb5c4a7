import { promises as fs, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CatalogError,
  catalogImage,
  cycloneDxJson,
  defaultCatalogers,
  DirectoryLayerCache,
  formatPlatform,
  ImageError,
  parsePlatform,
  SbomError,
  sbomInputFromCatalog,
  spdxJson,
  type ImageCatalog,
  type LayerCache,
  type LayerAnalysis,
  type RegistryCredentials,
  type ScanProgress,
  type SourceFormat,
} from '@lazaret/scanner';
import type { Command, CommandContext, Io } from '../command';
import { CliError } from '../errors';
import { formatOf } from '../output';
import { ProgressBar } from '../progress';

const FORMATS = ['cyclonedx', 'spdx', 'json'] as const;
const INPUT_FORMATS: readonly SourceFormat[] = ['auto', 'registry', 'oci-layout', 'oci-archive', 'docker-archive', 'rootfs'];
/** Identifies `--format json` documents; bump when the shape changes incompatibly. */
export const CATALOG_SCHEMA = 'lazaret-catalog/v1';
const MAX_PASSWORD_BYTES = 64 * 1024;
const MAX_WARNINGS = 20;

const USAGE = `lazaret sbom <image> [options]

  <image>                      registry reference (host/repo:tag[@digest], docker://...), or a path:
                               oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:TAG], rootfs:DIR
  --format cyclonedx|spdx|json CycloneDX 1.6 JSON (default), SPDX 2.3 JSON, or lazaret's catalog JSON
  --output FILE                write there (atomically) instead of stdout
  --input-format FORMAT        auto (default), registry, oci-layout, oci-archive, docker-archive, rootfs
  --platform OS/ARCH[/VARIANT] platform to pick from a multi-platform image (default linux/amd64)
  --insecure                   allow a plain-HTTP registry (only when asked for)
  --username USER              registry user (env LAZARET_REGISTRY_USERNAME)
  --password-stdin             read the registry password from stdin (else env LAZARET_REGISTRY_PASSWORD)
                               without either: credentials from $DOCKER_CONFIG or ~/.docker/config.json
  --cache-dir DIR              layer cache (default ~/.cache/lazaret/layers; $XDG_CACHE_HOME respected)
  --no-cache                   neither read nor write the layer cache
  --timeout SECONDS            per registry request (default 30)

Exit codes: 0 written, 2 error (one line: lazaret: <code>: <message>).`;

/** The version in services/cli/package.json (same relative path from src/commands and dist/commands). */
function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function stringValue(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new CliError('usage', `--${name} needs a value`);
  return v;
}

async function readStdin(max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += b.length;
    if (total > max) throw new CliError('usage', `--password-stdin: more than ${max} bytes on stdin`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Registry credentials: flags (`--username` + `--password-stdin`), else the environment, else
 * (returned as a config path) the docker config.json the scanner reads for registry inputs only.
 */
async function credentialsOf(ctx: CommandContext): Promise<{ credentials?: RegistryCredentials; dockerConfig?: string }> {
  const username = stringValue(ctx.values, 'username') ?? (ctx.env.LAZARET_REGISTRY_USERNAME || undefined);
  let password: string | undefined;
  if (ctx.values['password-stdin'] === true) {
    if (stringValue(ctx.values, 'username') === undefined) throw new CliError('usage', '--password-stdin needs --username');
    password = (await readStdin(MAX_PASSWORD_BYTES)).replace(/\r?\n$/, '');
    if (password === '') throw new CliError('usage', '--password-stdin: stdin was empty');
  } else {
    password = ctx.env.LAZARET_REGISTRY_PASSWORD || undefined;
  }
  if (username !== undefined && password !== undefined) return { credentials: { username, password } };
  if (username !== undefined) throw new CliError('usage', 'a registry username needs a password: --password-stdin or LAZARET_REGISTRY_PASSWORD');
  if (password !== undefined) throw new CliError('usage', 'LAZARET_REGISTRY_PASSWORD is set but no username: --username or LAZARET_REGISTRY_USERNAME');
  const file = join(ctx.env.DOCKER_CONFIG || join(ctx.env.HOME || homedir(), '.docker'), 'config.json');
  try {
    await fs.access(file);
    return { dockerConfig: file };
  } catch {
    return {};
  }
}

function cacheDirOf(ctx: CommandContext): string | undefined {
  if (ctx.values['no-cache'] === true) {
    if (ctx.values['cache-dir'] !== undefined) throw new CliError('usage', '--cache-dir and --no-cache contradict each other');
    return undefined;
  }
  const given = stringValue(ctx.values, 'cache-dir');
  if (given) return resolve(given);
  const base = ctx.env.XDG_CACHE_HOME || join(ctx.env.HOME || homedir(), '.cache');
  return join(base, 'lazaret', 'layers');
}

/** A disk cache that never fails a scan: a write error (read-only or full disk) is one warning. */
class TolerantCache implements LayerCache {
  private warned = false;

  constructor(
    private readonly inner: LayerCache,
    private readonly dir: string,
    private readonly io: Io,
  ) {}

  get(key: string): Promise<LayerAnalysis | undefined> {
    return this.inner.get(key);
  }

  async set(key: string, value: LayerAnalysis): Promise<void> {
    try {
      await this.inner.set(key, value);
    } catch (err) {
      if (!this.warned) this.io.err(`lazaret: warning: cache-write-failed: layer cache ${this.dir}: ${err instanceof Error ? err.message : String(err)}`);
      this.warned = true;
    }
  }
}

/** `SOURCE_DATE_EPOCH` (reproducible builds) when set, else now. */
function timestampOf(env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date();
  if (!/^\d{1,12}$/.test(epoch)) throw new CliError('config', `SOURCE_DATE_EPOCH must be seconds since 1970, not ${JSON.stringify(epoch)}`);
  return new Date(Number(epoch) * 1000);
}

function render(format: (typeof FORMATS)[number], catalog: ImageCatalog, version: string, timestamp: Date): string {
  if (format === 'json') {
    const { files: _files, ...rest } = catalog;
    return JSON.stringify({ schema: CATALOG_SCHEMA, tool: { name: 'lazaret', version }, timestamp: timestamp.toISOString(), ...rest }, null, 2);
  }
  const input = sbomInputFromCatalog(catalog, { name: 'lazaret', version }, timestamp);
  return format === 'spdx' ? spdxJson(input) : cycloneDxJson(input);
}

/** Writes next to the target, then renames: a failed scan or write never leaves half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const target = resolve(file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o644 });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new OutputError(`cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

class OutputError extends Error {
  readonly code = 'output-error';
}

function progressLabel(p: ScanProgress): string {
  switch (p.phase) {
    case 'resolving':
      return 'resolving image';
    case 'reading':
      return `reading layer ${(p.layerIndex ?? 0) + 1}${p.cached ? ' (cached)' : ''}`;
    case 'merging':
      return 'merging layers';
    default:
      return 'done';
  }
}

/** Scanner errors carry stable codes; they become `lazaret: <code>: <message>`. */
function coded(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof ImageError || err instanceof CatalogError || err instanceof SbomError || err instanceof OutputError) {
    return { code: err.code, message: err.message };
  }
  return undefined;
}

/** `lazaret sbom <image>`: read an image (registry, OCI layout/archive, docker archive, rootfs) and write its SBOM. */
export const sbomCommand: Command = {
  name: 'sbom',
  summary: 'write the SBOM (CycloneDX, SPDX or catalog JSON) of an image, archive or root filesystem',
  usage: USAGE,
  options: {
    output: { type: 'string', short: 'o' },
    'input-format': { type: 'string' },
    platform: { type: 'string' },
    insecure: { type: 'boolean' },
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'cache-dir': { type: 'string' },
    'no-cache': { type: 'boolean' },
  },
  async run(ctx) {
    const { values, io, args } = ctx;
    if (args.length !== 1) throw new CliError('usage', args.length === 0 ? 'name an image: lazaret sbom <image> (see --help)' : `one image at a time, got ${args.length}: ${args.join(' ')}`);
    const image = args[0]!;
    const format = formatOf(values.format, FORMATS);
    const inputFormat = stringValue(values, 'input-format') ?? 'auto';
    if (!(INPUT_FORMATS as readonly string[]).includes(inputFormat)) {
      throw new CliError('usage', `--input-format must be one of ${INPUT_FORMATS.join(', ')}, not ${inputFormat}`);
    }
    const platformText = stringValue(values, 'platform');
    let platform: string | undefined;
    if (platformText !== undefined) {
      try {
        platform = formatPlatform(parsePlatform(platformText));
      } catch (err) {
        throw new CliError('usage', `--platform: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const output = stringValue(values, 'output');
    const timeoutMs = Number(values.timeout ?? 30) * 1000;
    const timestamp = timestampOf(ctx.env);
    const { credentials, dockerConfig } = await credentialsOf(ctx);
    const cacheDir = cacheDirOf(ctx);
    const version = toolVersion();

    const bar = io.isTty ? new ProgressBar({ write: (s) => process.stderr.write(s), columns: process.stderr.columns || 80 }) : undefined;
    try {
      const catalog = await catalogImage(image, {
        format: inputFormat as SourceFormat,
        catalogers: defaultCatalogers(),
        ...(platform ? { platform } : {}),
        insecure: values.insecure === true,
        ...(credentials ? { credentials } : {}),
        ...(dockerConfig ? { dockerConfig } : {}),
        // A directory's listing changes with every mtime: caching host scans would only grow the cache.
        ...(cacheDir && !(await isRootfs(image, inputFormat)) ? { cache: new TolerantCache(new DirectoryLayerCache(cacheDir), cacheDir, io) } : {}),
        limits: { requestTimeoutMs: timeoutMs },
        ...(bar
          ? {
              onProgress: (p: ScanProgress) => {
                if (p.phase === 'done') bar.finish();
                else bar.update({ label: progressLabel(p), done: p.bytesRead, total: p.bytesTotal });
              },
            }
          : {}),
      });
      bar?.finish();
      const warnings = catalog.notes.filter((n) => n.level === 'warning');
      for (const n of warnings.slice(0, MAX_WARNINGS)) io.err(`lazaret: warning: ${n.code}: ${n.message}`);
      if (warnings.length > MAX_WARNINGS) io.err(`lazaret: warning: ${warnings.length - MAX_WARNINGS} more warnings not shown (see --format json, notes)`);
      const text = render(format, catalog, version, timestamp);
      if (output) await writeAtomically(output, text);
      else io.out(text);
      return 0;
    } catch (err) {
      bar?.finish();
      const c = coded(err);
      if (!c) throw err;
      // TLS spoken to a plain-HTTP port: say what would help.
      const hint = c.code === 'network-error' && values.insecure !== true && /SSL|TLS|EPROTO|wrong version/i.test(c.message) ? ' (a plain-HTTP registry? --insecure allows it)' : '';
      io.err(`lazaret: ${c.code}: ${c.message.replace(/\s*\n\s*/g, ' ')}${hint}`);
      return 2;
    }
  },
};

/** Whether the input will be read as a plain directory (same rules as the scanner's `auto`). */
async function isRootfs(image: string, inputFormat: string): Promise<boolean> {
  if (inputFormat === 'rootfs' || image.startsWith('rootfs:') || image.startsWith('dir:')) return true;
  if (inputFormat !== 'auto' || /^[a-z-]+:/.test(image)) return false;
  try {
    if (!(await fs.stat(image)).isDirectory()) return false;
  } catch {
    return false;
  }
  try {
    await fs.access(join(image, 'oci-layout'));
    return false;
  } catch {
    return true;
  }
}
