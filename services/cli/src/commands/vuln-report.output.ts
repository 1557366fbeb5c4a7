import { createHash } from 'node:crypto';
import type { OsRelease, Package } from '@lazaret/scanner';
import type { Finding, MatchResult, Rating } from '@lazaret/vulndb';
import { table } from '../output';

/** Identifies `--format json` reports; bump when the shape changes incompatibly. */
export const SCAN_SCHEMA = 'lazaret-scan/v1';

export interface ReportTarget {
  /** What was scanned: the image reference or the SBOM file. */
  name: string;
  kind: 'image' | 'sbom';
  manifestDigest?: string;
  os?: OsRelease;
  packages: readonly Package[];
}

export interface ReportContext {
  target: ReportTarget;
  result: MatchResult;
  findings: Finding[];
  tool: { name: string; version: string };
  timestamp: Date;
}

const SHORT = (s: string | undefined) => (s ? s.replace(/^sha256:/, '').slice(0, 12) : '-');

export function renderTable(r: ReportContext): string {
  const rows = r.findings.map((f) => [
    f.package.name,
    f.installedVersion,
    f.fixedVersions[0] ?? (f.state === 'wont-fix' ? "(won't fix)" : f.state === 'unfixed' ? '(no fix yet)' : '(fixed later)'),
    f.id,
    f.severity,
    f.score === undefined ? '-' : f.score.toFixed(1),
    f.kev ? 'KEV' : '-',
    f.epss ? f.epss.score.toFixed(3) : '-',
    SHORT(f.layerDigest),
  ]);
  const lines = [table(['PACKAGE', 'INSTALLED', 'FIXED', 'VULNERABILITY', 'SEVERITY', 'SCORE', 'KEV', 'EPSS', 'LAYER'], rows)];
  const counts = new Map<Rating, number>();
  for (const f of r.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  lines.push('');
  lines.push(
    `${r.target.name}: ${r.findings.length} findings (${[...counts.entries()].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}) in ${r.target.packages.length} packages` +
      (r.target.os ? ` (${r.target.os.prettyName ?? `${r.target.os.id} ${r.target.os.versionId ?? ''}`.trim()})` : ''),
  );
  for (const u of r.result.unknownOrdering) {
    lines.push(`unknown ordering: ${u.package.name} ${u.version} (${u.ecosystem}): ${u.reason}; not judged against ${u.advisories.join(', ')}`);
  }
  return lines.join('\n');
}

export function renderJson(r: ReportContext): string {
  return JSON.stringify(
    {
      schema: SCAN_SCHEMA,
      tool: r.tool,
      timestamp: r.timestamp.toISOString(),
      target: { name: r.target.name, kind: r.target.kind, manifestDigest: r.target.manifestDigest, os: r.target.os, packages: r.target.packages.length },
      findings: r.findings,
      unknownOrdering: r.result.unknownOrdering,
      skipped: r.result.skipped,
    },
    null,
    2,
  );
}

const CDX_SEVERITY: Record<Rating, string> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'unknown' };
const CDX_METHOD: Record<string, string> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function sourceOf(id: string): { name: string; url?: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${id}` };
}

/** CycloneDX 1.6 with the packages as components and a `vulnerabilities` section. */
export function renderCycloneDx(r: ReportContext): string {
  const refOf = new Map<Package, string>();
  const used = new Set<string>();
  const components = r.target.packages.map((p) => {
    let ref = p.purl;
    for (let i = 2; used.has(ref); i++) ref = `${p.purl}#${i}`;
    used.add(ref);
    refOf.set(p, ref);
    return { type: 'library', 'bom-ref': ref, name: p.name, version: p.version, purl: p.purl, ...(p.namespace ? { group: p.namespace } : {}) };
  });
  const byPurl = new Map<string, string>();
  for (const [p, ref] of refOf) if (!byPurl.has(p.purl)) byPurl.set(p.purl, ref);
  const vulns = new Map<string, { f: Finding; refs: Set<string> }>();
  for (const f of r.findings) {
    const v = vulns.get(f.id) ?? { f, refs: new Set<string>() };
    const ref = byPurl.get(f.package.purl);
    if (ref) v.refs.add(`${ref}\u0000${f.installedVersion}`);
    vulns.set(f.id, v);
  }
  const vulnerabilities = [...vulns.values()].map(({ f, refs }) => {
    const ratings = f.cvss.map((c) => ({ source: sourceOf(f.id), score: c.score, severity: CDX_SEVERITY[c.rating], method: CDX_METHOD[c.version], vector: c.vector }));
    if (f.vendorSeverity) ratings.push({ source: { name: f.vendorSeverity.source }, severity: CDX_SEVERITY[f.vendorSeverity.rating], method: 'other' } as never);
    if (ratings.length === 0) ratings.push({ source: { name: f.severitySource }, severity: CDX_SEVERITY[f.severity], method: 'other' } as never);
    const properties: { name: string; value: string }[] = [{ name: 'lazaret:state', value: f.state }];
    if (f.kev) properties.push({ name: 'lazaret:kev:dateAdded', value: f.kev.dateAdded });
    if (f.epss) properties.push({ name: 'lazaret:epss:score', value: String(f.epss.score) }, { name: 'lazaret:epss:percentile', value: String(f.epss.percentile) });
    return {
      'bom-ref': `vuln:${f.id}`,
      id: f.id,
      source: sourceOf(f.id),
      references: f.aliases.map((a) => ({ id: a, source: sourceOf(a) })),
      ratings,
      ...(f.summary ? { description: f.summary } : {}),
      ...(f.fixedVersions.length ? { recommendation: `Upgrade to ${f.fixedVersions[0]} or later` } : {}),
      ...(f.published ? { published: f.published } : {}),
      ...(f.modified ? { updated: f.modified } : {}),
      advisories: f.references.slice(0, 5).map((url) => ({ url })),
      affects: [...refs].map((x) => {
        const [ref, version] = x.split('\u0000');
        return { ref: ref!, versions: [{ version: version!, status: 'affected' }] };
      }),
      properties,
    };
  });
  const serial = uuidFrom(`${r.target.name}|${r.target.manifestDigest ?? ''}|${r.tool.version}|${r.findings.length}`);
  return JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${serial}`,
      version: 1,
      metadata: {
        timestamp: r.timestamp.toISOString(),
        tools: { components: [{ type: 'application', name: r.tool.name, version: r.tool.version }] },
        component: { type: r.target.kind === 'image' ? 'container' : 'application', 'bom-ref': 'target', name: r.target.name },
      },
      components,
      vulnerabilities,
    },
    null,
    2,
  );
}

const SARIF_LEVEL: Record<Rating, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', negligible: 'note', unknown: 'warning' };

/** A location path as a relative URI (SARIF artifactLocation.uri). */
function uriOf(path: string): string {
  return encodeURI(path.replace(/^\/+/, '')) || '.';
}

/**
 * SARIF 2.1.0: one rule per vulnerability id (stable `ruleId` = the CVE/GHSA id), one result per
 * (vulnerability, package, location), with `partialFingerprints` from id + purl + path so code
 * scanning tools recognise the same finding across runs.
 */
export function renderSarif(r: ReportContext): string {
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of r.findings) {
    if (ruleIndex.has(f.id)) continue;
    ruleIndex.set(f.id, rules.length);
    rules.push({
      id: f.id,
      name: f.id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: f.summary ? f.summary.slice(0, 200) : f.id },
      fullDescription: { text: f.summary ?? `${f.id} (${f.aliases.join(', ') || 'no aliases'})` },
      helpUri: sourceOf(f.id).url,
      help: { text: `${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}. ${f.fixedVersions.length ? `Fixed in ${f.fixedVersions[0]}.` : 'No fixed version known.'}` },
      defaultConfiguration: { level: SARIF_LEVEL[f.severity] },
      properties: {
        tags: ['security', 'vulnerability', f.severity],
        ...(f.score !== undefined ? { 'security-severity': f.score.toFixed(1) } : {}),
        precision: 'very-high',
      },
    });
  }
  const results = r.findings.flatMap((f) => {
    const locations = f.locations.length ? f.locations : [{ path: r.target.name, layerDigest: f.layerDigest ?? '' }];
    return locations.map((loc) => ({
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id)!,
      level: SARIF_LEVEL[f.severity],
      message: {
        text: `${f.package.name} ${f.installedVersion} is affected by ${f.id} (${f.severity}${f.score !== undefined ? ` ${f.score.toFixed(1)}` : ''}); ${
          f.fixedVersions.length ? `fixed in ${f.fixedVersions[0]}` : f.state === 'wont-fix' ? "the distribution will not fix it" : 'no fix yet'
        }.`,
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: uriOf(loc.path) } },
          logicalLocations: [{ name: f.package.purl, kind: 'package' }],
        },
      ],
      partialFingerprints: { 'lazaretFinding/v1': createHash('sha256').update(`${f.id}\n${f.package.purl}\n${loc.path}`).digest('hex') },
      properties: { purl: f.package.purl, state: f.state, fixedVersions: f.fixedVersions, aliases: f.aliases, ...(loc.layerDigest ? { layerDigest: loc.layerDigest } : {}), ...(f.kev ? { kev: true } : {}) },
    }));
  });
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: r.tool.name, version: r.tool.version, rules } },
          automationDetails: { id: `lazaret/scan/${r.target.name}/` },
          results,
        },
      ],
    },
    null,
    2,
  );
}
