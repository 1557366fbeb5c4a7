import initSqlJs from 'sql.js';
import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { basename, clip } from '../../internal/text';
import { parseRpmHeader, RPMTAG } from './rpm-header.parser';

const DIRS = ['/var/lib/rpm/', '/usr/lib/sysimage/rpm/', '/usr/share/rpm/'];
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

let sqlJs: ReturnType<typeof initSqlJs> | undefined;
/** sql.js compiles its WebAssembly once per process. */
function sqlite(): ReturnType<typeof initSqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/** Vendor tag → purl namespace (the distribution); unknown vendors get none. */
const VENDORS: [RegExp, string][] = [
  [/^Fedora Project/i, 'fedora'],
  [/^Red Hat/i, 'redhat'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Enterprise Software Foundation|^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Amazon/i, 'amazon'],
  [/^Oracle/i, 'oracle'],
  [/^openSUSE/i, 'opensuse'],
  [/^SUSE/i, 'suse'],
];

/** `bash-5.2.15-3.fc38.src.rpm` → name `bash`, version `5.2.15-3.fc38`. */
export function parseSourceRpm(srpm: string | undefined): { name: string; version: string } | undefined {
  if (!srpm) return undefined;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(srpm);
  return m ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}

/**
 * rpm database in the sqlite format (rpm ≥ 4.16: Fedora 33+, RHEL/Rocky/Alma 9, Amazon Linux
 * 2023). The `Packages` table holds one rpm header blob per package. The older BerkeleyDB
 * `Packages` (RHEL ≤ 8, CentOS 7) and SUSE's NDB `Packages.db` are detected and reported as an
 * unsupported-format note, so the gap is visible in the scan instead of silently empty.
 */
export class RpmCataloger implements Cataloger {
  readonly id = 'rpm-db';
  readonly version = 1;
  readonly maxFileSize = 512 * 1024 * 1024;

  required(info: FileInfo): boolean {
    if (info.type !== 'file') return false;
    const dir = DIRS.find((d) => info.path.startsWith(d));
    if (!dir) return false;
    const name = info.path.slice(dir.length);
    return name === 'rpmdb.sqlite' || name === 'Packages' || name === 'Packages.db';
  }

  async analyze(input: AnalysisInput): Promise<CatalogResult> {
    const { info, content } = input;
    const name = basename(info.path);
    if (name === 'Packages') return this.legacy(info.path, content, 'BerkeleyDB');
    if (name === 'Packages.db') return this.legacy(info.path, content, 'NDB');
    if (!content.subarray(0, 16).equals(SQLITE_MAGIC)) {
      return { packages: [], notes: [{ level: 'warning', code: 'rpmdb-unreadable', message: `${info.path} is not an sqlite database`, path: info.path }] };
    }
    // rpm opens its database in WAL mode; an image holds the checkpointed file. Bytes 18-19
    // say "WAL" and would make sqlite look for a -wal file it cannot have: mark it legacy.
    const bytes = Uint8Array.from(content);
    if (bytes.length > 19) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    const SQL = await sqlite();
    let db: InstanceType<typeof SQL.Database> | undefined;
    const packages: Package[] = [];
    const notes: ScanNote[] = [];
    try {
      db = new SQL.Database(bytes);
      const stmt = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum');
      let bad = 0;
      try {
        while (stmt.step()) {
          const [hnum, blob] = stmt.get();
          if (!(blob instanceof Uint8Array)) {
            bad++;
            continue;
          }
          try {
            const pkg = this.fromHeader(blob, input);
            if (pkg) packages.push(pkg);
          } catch (err) {
            bad++;
            if (bad <= 3) notes.push({ level: 'warning', code: 'rpmdb-bad-header', message: `rpm header #${String(hnum)} in ${info.path}: ${errorMessage(err)}`, path: info.path });
          }
        }
      } finally {
        stmt.free();
      }
      if (bad > 3) notes.push({ level: 'warning', code: 'rpmdb-bad-header', message: `${bad} unreadable rpm headers in ${info.path}`, path: info.path });
    } catch (err) {
      return { packages: [], notes: [{ level: 'warning', code: 'rpmdb-unreadable', message: `cannot read rpm database ${info.path}: ${errorMessage(err)}`, path: info.path }] };
    } finally {
      db?.close();
    }
    return notes.length ? { packages, notes } : { packages };
  }

  private fromHeader(blob: Uint8Array, input: AnalysisInput): Package | undefined {
    const h = parseRpmHeader(blob);
    const name = h.string(RPMTAG.NAME);
    const version = h.string(RPMTAG.VERSION);
    const release = h.string(RPMTAG.RELEASE);
    if (!name || !version) throw new Error('no NAME or VERSION tag');
    // Imported signing keys live in the database as fake packages.
    if (name === 'gpg-pubkey') return undefined;
    const epoch = h.int32(RPMTAG.EPOCH);
    const arch = h.string(RPMTAG.ARCH);
    const vr = release ? `${version}-${release}` : version;
    const src = parseSourceRpm(h.string(RPMTAG.SOURCERPM));
    const vendor = h.string(RPMTAG.VENDOR);
    const namespace = vendor ? VENDORS.find(([re]) => re.test(vendor))?.[1] : undefined;
    const metadata: Record<string, string | number> = {};
    if (epoch !== undefined) metadata.epoch = epoch;
    if (vendor) metadata.vendor = clip(vendor);
    const modularity = h.string(RPMTAG.MODULARITYLABEL);
    if (modularity) metadata.modularityLabel = clip(modularity);
    return makePackage(
      {
        type: 'rpm',
        namespace,
        name: clip(name),
        // The epoch is part of the version that advisories compare; purls carry it as a qualifier.
        version: epoch ? `${epoch}:${vr}` : vr,
        purlVersion: vr,
        qualifiers: { arch: arch && arch !== '(none)' ? arch : undefined, epoch: epoch ? String(epoch) : undefined },
        licenses: [h.string(RPMTAG.LICENSE)],
        sourceName: src?.name,
        sourceVersion: src ? (epoch ? `${epoch}:${src.version}` : src.version) : undefined,
        arch: arch ? clip(arch, 32) : undefined,
        metadata,
      },
      this.id,
      input,
    );
  }

  private legacy(path: string, content: Buffer, format: 'BerkeleyDB' | 'NDB'): CatalogResult {
    const isBdb = content.length >= 16 && (content.readUInt32LE(12) === 0x00061561 || content.readUInt32BE(12) === 0x00061561);
    const isNdb = content.length >= 4 && content.subarray(0, 4).toString('latin1') === 'RpmP';
    if ((format === 'BerkeleyDB' && !isBdb) || (format === 'NDB' && !isNdb)) {
      return { packages: [], notes: [{ level: 'info', code: 'rpmdb-unknown-file', message: `${path} is not an rpm ${format} database; ignored`, path }] };
    }
    return {
      packages: [],
      notes: [
        {
          level: 'warning',
          code: format === 'BerkeleyDB' ? 'rpmdb-bdb-unsupported' : 'rpmdb-ndb-unsupported',
          message: `${path} is an rpm ${format} database (${format === 'BerkeleyDB' ? 'RHEL/CentOS ≤ 8, Amazon Linux 2' : 'SUSE'}); only the sqlite rpmdb is supported, so this image's rpm packages are NOT listed`,
          path,
        },
      ],
    };
  }
}
