/**
 * `lazaret scan` and `lazaret db update` end to end: the real Debian bookworm image in every
 * input format, SARIF validated against the official 2.1.0 schema, CycloneDX against 1.6, and a
 * mirror served over loopback HTTP.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTools, checkTools } from '@lazaret/testing';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main';
// Test-only reuse of other projects' fixture builders and validators (not public APIs).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { TestZipWriter } from '../../../libs/vulndb/test/zip-writer';
import { cycloneDxValidator, ensureDebianFixture, errorsOf, type DebianFixture } from './sbom-helpers';

const SAMPLE = join(__dirname, '..', '..', '..', 'libs', 'vulndb', 'data', 'sample');
const TOOLS = ['debootstrap', 'umoci', 'skopeo'];
const tools = checkTools(...TOOLS);
const dir = mkdtempSync(join(tmpdir(), 'lazaret-vulnscan-'));
const env = { HOME: join(dir, 'home'), LAZARET_DB: join(dir, 'db.sqlite') };

async function cli(argv: string[], e: NodeJS.ProcessEnv = env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, e);
  return { code, out: out.join('\n'), err };
}

function sarifValidator() {
  const ajv = new Ajv4({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(__dirname, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(tools.skip)('lazaret scan on the real Debian image', () => {
  let debian: DebianFixture;
  beforeAll(async () => {
    assertTools(...TOOLS);
    debian = await ensureDebianFixture();
    expect((await cli(['db', 'import', join(SAMPLE, 'osv')])).code).toBe(0);
    expect((await cli(['db', 'import', join(SAMPLE, 'enrichment', 'known_exploited_vulnerabilities.json')])).code).toBe(0);
  });

  it('gives the same findings for every input format', async () => {
    const inputs = [`oci:${debian.ociLayoutDir}:${debian.tag}`, `oci-archive:${debian.ociArchive}`, `docker-archive:${debian.dockerArchive}`, `rootfs:${debian.rootfsDir}`];
    const sets: string[][] = [];
    for (const input of inputs) {
      const r = await cli(['scan', input, '--format', 'json']);
      expect(r.code, input).toBe(0);
      const doc = JSON.parse(r.out) as { findings: { id: string; package: { name: string } }[] };
      sets.push(doc.findings.map((f) => `${f.id} ${f.package.name}`).sort());
    }
    for (const s of sets) expect(s).toEqual(sets[0]);
    expect(sets[0]).toContain('CVE-2005-2541 tar');
    expect(sets[0]!.some((s) => s.startsWith('CVE-2023-4911'))).toBe(false);
  });

  it('writes SARIF 2.1.0 that validates, with stable rule ids and fingerprints', async () => {
    const image = `oci:${debian.ociLayoutDir}:${debian.tag}`;
    const a = JSON.parse((await cli(['scan', image, '--format', 'sarif'])).out);
    const b = JSON.parse((await cli(['scan', `docker-archive:${debian.dockerArchive}`, '--format', 'sarif'])).out);
    const validate = sarifValidator();
    expect(validate(a), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = a.runs[0].results as { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.ruleId)).toContain('CVE-2005-2541');
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('var/lib/dpkg/status');
    const fp = (doc: typeof a) => (doc.runs[0].results as typeof results).map((r) => r.partialFingerprints['lazaretFinding/v1']).sort();
    expect(fp(b)).toEqual(fp(a));
    expect(new Set(fp(a)).size).toBe(results.length);
  });

  it('writes CycloneDX 1.6 with a vulnerabilities section that validates', async () => {
    const r = await cli(['scan', `oci:${debian.ociLayoutDir}:${debian.tag}`, '--format', 'cyclonedx']);
    expect(r.code).toBe(0);
    const bom = JSON.parse(r.out);
    const validate = cycloneDxValidator();
    expect(validate(bom), errorsOf(validate)).toBe(true);
    const tar = bom.vulnerabilities.find((v: { id: string }) => v.id === 'CVE-2005-2541');
    expect(tar.affects[0].ref).toMatch(/^pkg:deb\/debian\/tar@/);
    expect(bom.components.some((c: { 'bom-ref': string }) => c['bom-ref'] === tar.affects[0].ref)).toBe(true);
  });
});

describe('lazaret db update --from a loopback mirror', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const zipPath = join(dir, 'all.zip');
    const zip = new TestZipWriter(zipPath, { deflate: true });
    for (const f of readdirSync(join(SAMPLE, 'osv'))) await zip.add(f, readFileSync(join(SAMPLE, 'osv', f)));
    await zip.close();
    const body = readFileSync(zipPath);
    server = createServer((req, res) => {
      if (req.url === '/Debian/all.zip') {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
        res.end(body);
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads and imports a zip, then only newer records', async () => {
    const e = { HOME: join(dir, 'home3'), LAZARET_DB: join(dir, 'mirror.sqlite') };
    const first = await cli(['db', 'update', '--from', `${base}/Debian/all.zip`], e);
    expect(first.code, first.err.join('\n')).toBe(0);
    expect(first.out).toMatch(/^imported 14 advisories from http:\/\/127\.0\.0\.1:\d+\/Debian\/all\.zip/);
    const second = await cli(['db', 'update', '--from', `${base}/Debian/all.zip`], e);
    expect(second.out).toMatch(/imported 0 advisories .*unchanged 14/);
    const missing = await cli(['db', 'update', '--from', `${base}/nope.zip`], e);
    expect(missing).toMatchObject({ code: 2, err: [expect.stringMatching(/^lazaret: download-failed: .*HTTP 404/)] });
    expect(readdirSync(dir).filter((f) => f.startsWith('.download-'))).toEqual([]);
  });
});
