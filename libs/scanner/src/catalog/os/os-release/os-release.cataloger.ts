import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, OsRelease } from '../../../model';
import { decodeText, looksBinary } from '../../internal/text';

/**
 * Which file told us the OS, best first. `/etc/os-release` is authoritative; the distribution
 * specific files are fallbacks for old or stripped images. Whoever merges per-file results
 * keeps the OS from the file with the lowest priority number (see `osReleasePriority`).
 */
const FILES: Record<string, number> = {
  '/etc/os-release': 0,
  '/usr/lib/os-release': 1,
  '/etc/alpine-release': 2,
  '/etc/redhat-release': 3,
  '/etc/centos-release': 3,
  '/etc/fedora-release': 3,
  '/etc/rocky-release': 3,
  '/etc/almalinux-release': 3,
  '/etc/system-release': 4,
  '/etc/debian_version': 5,
  '/etc/lsb-release': 6,
};

/** Lower is more authoritative; undefined for files this cataloger does not read. */
export function osReleasePriority(path: string): number | undefined {
  return FILES[path];
}

/** Parses the `KEY=value` shell-style format of os-release(5). */
export function parseOsReleaseFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\([$"\\`])/g, '$1');
    }
    out[m[1]] = v.slice(0, 512);
  }
  return out;
}

function fromOsRelease(kv: Record<string, string>): OsRelease | undefined {
  const id = kv.ID?.toLowerCase();
  if (!id) return undefined;
  const os: OsRelease = { id, idLike: (kv.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean) };
  if (kv.VERSION_ID) os.versionId = kv.VERSION_ID;
  if (kv.VERSION_CODENAME) os.versionCodename = kv.VERSION_CODENAME;
  if (kv.PRETTY_NAME) os.prettyName = kv.PRETTY_NAME;
  return os;
}

const RELEASE_LINES: [RegExp, string, string[]][] = [
  [/^Red Hat Enterprise Linux\b.*?release\s+([\d.]+)/i, 'rhel', ['fedora']],
  [/^CentOS Stream release\s+([\d.]+)/i, 'centos', ['rhel', 'fedora']],
  [/^CentOS\b.*?release\s+([\d.]+)/i, 'centos', ['rhel', 'fedora']],
  [/^Rocky Linux release\s+([\d.]+)/i, 'rocky', ['rhel', 'centos', 'fedora']],
  [/^AlmaLinux release\s+([\d.]+)/i, 'almalinux', ['rhel', 'centos', 'fedora']],
  [/^Oracle Linux Server release\s+([\d.]+)/i, 'ol', ['fedora']],
  [/^Fedora release\s+(\d+)/i, 'fedora', []],
  [/^Amazon Linux release\s+([\d.]+)/i, 'amzn', ['centos', 'rhel', 'fedora']],
  [/^Amazon Linux AMI release\s+([\d.]+)/i, 'amzn', ['rhel', 'fedora']],
];

function fromReleaseLine(text: string): OsRelease | undefined {
  const line = text.split('\n')[0].trim();
  for (const [re, id, idLike] of RELEASE_LINES) {
    const m = re.exec(line);
    if (m) return { id, versionId: m[1], prettyName: line.slice(0, 256), idLike: [...idLike] };
  }
  return undefined;
}

function detect(path: string, text: string): OsRelease | undefined {
  switch (path) {
    case '/etc/os-release':
    case '/usr/lib/os-release':
      return fromOsRelease(parseOsReleaseFile(text));
    case '/etc/alpine-release': {
      const v = text.trim().split('\n')[0];
      return /^\d+\.\d+/.test(v) || /_alpha|edge/.test(v) ? { id: 'alpine', versionId: v, idLike: [] } : undefined;
    }
    case '/etc/debian_version': {
      // "12.5" on a release, "trixie/sid" on testing; Ubuntu ships this file too ("bookworm/sid").
      const v = text.trim().split('\n')[0];
      if (!/^[\w.~+/-]{1,64}$/.test(v)) return undefined;
      const m = /^(\d+)(\.\d+)*/.exec(v);
      if (m) return { id: 'debian', versionId: m[1], prettyName: `Debian ${v}`, idLike: [] };
      return { id: 'debian', versionCodename: v.split('/')[0], prettyName: `Debian ${v}`, idLike: [] };
    }
    case '/etc/lsb-release': {
      const kv = parseOsReleaseFile(text);
      if (!kv.DISTRIB_ID) return undefined;
      const os: OsRelease = { id: kv.DISTRIB_ID.toLowerCase(), idLike: [] };
      if (kv.DISTRIB_RELEASE) os.versionId = kv.DISTRIB_RELEASE;
      if (kv.DISTRIB_CODENAME) os.versionCodename = kv.DISTRIB_CODENAME;
      if (kv.DISTRIB_DESCRIPTION) os.prettyName = kv.DISTRIB_DESCRIPTION;
      return os;
    }
    default:
      return fromReleaseLine(text);
  }
}

export class OsReleaseCataloger implements Cataloger {
  readonly id = 'os-release';
  readonly version = 1;
  readonly maxFileSize = 64 * 1024;

  required(info: FileInfo): boolean {
    // os-release is often a symlink (/etc/os-release -> ../usr/lib/os-release): the target is
    // read on its own, so only regular files are wanted.
    return info.type === 'file' && info.path in FILES;
  }

  analyze({ info, content }: AnalysisInput): CatalogResult {
    if (looksBinary(content)) {
      return { packages: [], notes: [{ level: 'warning', code: 'os-release-unreadable', message: `${info.path} is not a text file`, path: info.path }] };
    }
    const os = detect(info.path, decodeText(content));
    if (!os) {
      return { packages: [], notes: [{ level: 'info', code: 'os-release-unrecognised', message: `could not identify the OS from ${info.path}`, path: info.path }] };
    }
    return { packages: [], os };
  }
}
