import { createHash } from 'node:crypto';
import type { AnalysisInput, Cataloger, CatalogResult, FileInfo, Package, ScanNote } from '../../../model';
import { CatalogError, errorMessage } from '../../catalog.error';
import { makePackage } from '../../internal/package.builder';
import { basename, clip, decodeText } from '../../internal/text';
import { ZipArchive, type ZipLimits } from '../../internal/zip.reader';

const ARCHIVE_RE = /\.(jar|war|ear|jpi|hpi|par|sar|rar)$/i;
/** Archives nested deeper than this are not opened (a JAR in a WAR in an EAR is depth 2). */
export const MAX_NESTING = 4;
/** Inflated bytes for one top-level archive including everything nested in it. */
const TOTAL_BUDGET = 1024 * 1024 * 1024;
const NESTED_MAX = 256 * 1024 * 1024;
const SMALL_MAX = 4 * 1024 * 1024;

/** `java.util.Properties` text format, enough for pom.properties. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) continue;
    out[m[1].replace(/\\(.)/g, '$1')] = m[2].replace(/\\(.)/g, '$1').trim();
  }
  return out;
}

/** MANIFEST.MF main section: `Key: value`, continuation lines start with one space and are glued on. */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') break;
    if (line.startsWith(' ') && last) {
      out[last] += line.slice(1);
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim();
    out[last] = line.slice(i + 1).trim();
  }
  return out;
}

/** `commons-lang3-3.12.0.jar` → {name: commons-lang3, version: 3.12.0}. */
export function parseArchiveFileName(fileName: string): { name: string; version?: string } {
  const stem = fileName.replace(ARCHIVE_RE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return m ? { name: m[1], version: m[2] } : { name: stem };
}

/** Licenses named in a pom.xml's `<licenses>` block. */
export function pomLicenses(xml: string): string[] {
  const block = /<licenses>([\s\S]*?)<\/licenses>/.exec(xml)?.[1];
  if (!block) return [];
  const out: string[] = [];
  for (const m of block.matchAll(/<license>([\s\S]*?)<\/license>/g)) {
    const name = /<name>\s*([\s\S]*?)\s*<\/name>/.exec(m[1])?.[1];
    const url = /<url>\s*([\s\S]*?)\s*<\/url>/.exec(m[1])?.[1];
    if (name) out.push(name);
    else if (url) out.push(url);
    if (out.length >= 8) break;
  }
  return out;
}

const IDENT_RE = /^[A-Za-z0-9_.+-]{1,256}$/;

/**
 * Java archives (JAR, WAR, EAR, Jenkins plugins...). Identity comes, best first, from
 * `META-INF/maven/<group>/<artifact>/pom.properties` (one package per file: shaded jars hold
 * several), then the MANIFEST.MF (`Implementation-*`, `Bundle-*`), then the file name.
 * Nested archives (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, EAR modules) are opened up to
 * MAX_NESTING deep within one shared inflate budget.
 */
export class JavaArchiveCataloger implements Cataloger {
  readonly id = 'java-archive';
  readonly version = 1;
  readonly maxFileSize = 512 * 1024 * 1024;

  required(info: FileInfo): boolean {
    return info.type === 'file' && ARCHIVE_RE.test(info.path);
  }

  analyze(input: AnalysisInput): CatalogResult {
    const packages: Package[] = [];
    const notes: ScanNote[] = [];
    const budget = { remaining: TOTAL_BUDGET };
    this.archive(input, input.content, [], 0, budget, packages, notes);
    // The same artifact can be declared twice (a pom.properties in the jar and again in a nested copy).
    const seen = new Set<string>();
    const unique = packages.filter((p) => {
      const key = `${p.purl}|${String(p.metadata?.virtualPath ?? '')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return notes.length ? { packages: unique, notes } : { packages: unique };
  }

  private archive(input: AnalysisInput, buf: Buffer, nesting: string[], depth: number, budget: { remaining: number }, out: Package[], notes: ScanNote[]): void {
    const { info } = input;
    const where = [info.path, ...nesting].join('!/');
    const limits: ZipLimits = { maxEntries: 200_000, maxEntrySize: depth === 0 ? NESTED_MAX : NESTED_MAX / 2, budget, maxRatio: 1000 };
    let zip: ZipArchive;
    try {
      zip = ZipArchive.open(buf, limits);
    } catch (err) {
      notes.push({ level: 'warning', code: err instanceof CatalogError ? `java-${err.code}` : 'java-invalid-archive', message: `${where}: ${errorMessage(err)}`, path: info.path });
      return;
    }
    const readText = (name: string): string | undefined => {
      const e = zip.find(name);
      if (!e || e.uncompressedSize > SMALL_MAX) return undefined;
      try {
        return decodeText(zip.read(e));
      } catch (err) {
        notes.push({ level: 'warning', code: 'java-unreadable-entry', message: `${where}!/${name}: ${errorMessage(err)}`, path: info.path });
        return undefined;
      }
    };
    const sha1 = createHash('sha1').update(buf).digest('hex');
    const common: Record<string, string> = { sha1 };
    if (nesting.length) common.virtualPath = where;

    let fromPom = 0;
    for (const e of zip.entries) {
      if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e.name)) continue;
      const text = readText(e.name);
      if (!text) continue;
      const props = parseProperties(text);
      const { groupId, artifactId, version } = props;
      if (!groupId || !artifactId || !version || !IDENT_RE.test(groupId) || !IDENT_RE.test(artifactId) || !IDENT_RE.test(version)) {
        notes.push({ level: 'info', code: 'java-pom-properties-invalid', message: `${where}!/${e.name} has no valid groupId/artifactId/version`, path: info.path });
        continue;
      }
      const pomXml = readText(e.name.replace(/pom\.properties$/, 'pom.xml'));
      out.push(
        makePackage(
          { type: 'maven', namespace: groupId, name: artifactId, version, licenses: pomXml ? pomLicenses(pomXml) : [], metadata: { ...common, source: 'pom.properties' } },
          this.id,
          input,
        ),
      );
      fromPom++;
    }

    if (fromPom === 0) {
      const fileName = nesting.length ? basename(nesting[nesting.length - 1]) : basename(info.path);
      const fromName = parseArchiveFileName(fileName);
      const mfText = readText('META-INF/MANIFEST.MF');
      const mf = mfText ? parseManifest(mfText) : {};
      const symbolic = mf['Bundle-SymbolicName']?.split(';')[0].trim();
      // The file name carries the Maven artifactId far more often than the manifest's titles.
      const name = fromName.version ? fromName.name : (mf['Implementation-Title'] ?? symbolic ?? fromName.name);
      const version = mf['Implementation-Version'] ?? mf['Bundle-Version'] ?? mf['Specification-Version'] ?? fromName.version;
      // Without pom.properties the groupId is only known when the manifest states it.
      const group = mf['Implementation-Vendor-Id'];
      if (name && version && IDENT_RE.test(name.replace(/\s/g, '-')) && IDENT_RE.test(version)) {
        const metadata: Record<string, string> = { ...common, source: mfText && (mf['Implementation-Version'] || mf['Bundle-Version']) ? 'manifest' : 'file-name' };
        if (symbolic) metadata.bundleSymbolicName = clip(symbolic);
        out.push(
          makePackage(
            {
              type: 'maven',
              namespace: group && IDENT_RE.test(group) ? group : undefined,
              name: name.replace(/\s/g, '-'),
              version,
              licenses: mf['Bundle-License'] ? mf['Bundle-License'].split(/,(?![^(]*\))/).slice(0, 8) : [],
              metadata,
            },
            this.id,
            input,
          ),
        );
      }
    }

    for (const e of zip.entries) {
      if (!ARCHIVE_RE.test(e.name) || e.name.endsWith('/')) continue;
      if (depth + 1 > MAX_NESTING) {
        notes.push({ level: 'warning', code: 'java-nesting-limit', message: `${where}!/${e.name} is nested more than ${MAX_NESTING} archives deep; not opened`, path: info.path });
        continue;
      }
      let inner: Buffer;
      try {
        inner = zip.read(e);
      } catch (err) {
        notes.push({ level: 'warning', code: err instanceof CatalogError ? `java-${err.code}` : 'java-unreadable-entry', message: `${where}!/${e.name}: ${errorMessage(err)}`, path: info.path });
        continue;
      }
      this.archive(input, inner, [...nesting, e.name], depth + 1, budget, out, notes);
    }
  }
}
