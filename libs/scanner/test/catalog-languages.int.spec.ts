import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Test-only import: the scanner's Nx tag (type:scanner) has no constraint allowing type:testing yet.
 
import { assertTools, checkTools } from '@lazaret/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CargoLockCataloger,
  ComposerLockCataloger,
  GemspecCataloger,
  GoBinaryCataloger,
  JavaArchiveCataloger,
  normalizePythonName,
  NpmLockCataloger,
  NpmPackageCataloger,
  PythonPackageCataloger,
  RustBinaryCataloger,
} from '../src/catalog';
import type { Package } from '../src/model';
import { cachedFixture, run } from './catalog-fixtures/fixture-cache';
import { catalogTree, runCataloger } from './catalog-fixtures/harness';

// Every expectation below comes from the ecosystem's own tool run on the same files.
const TOOLS = ['apt-get', 'dpkg-deb', 'python3', 'unzip', 'zip', 'go', 'ruby', 'npm', 'cargo', 'objcopy', 'composer'];
const tools = checkTools(...TOOLS);
const nv = (p: Package): string => `${p.namespace ? p.namespace + (p.type === 'maven' ? ':' : '/') : ''}${p.name}@${p.version}`;
const sorted = (xs: string[]): string[] => [...xs].sort();

describe.skipIf(tools.skip)('language catalogers against real packages and real tools', () => {
  let deb: string;
  let lang: string;

  beforeAll(() => {
    assertTools(...TOOLS);
    deb = join(cachedFixture('catalog-debian', 'build-debian-packages.sh'), 'root');
    // npm packages are copied from the workspace's own node_modules (real published packages).
    lang = cachedFixture('catalog-language-projects', 'build-language-projects.sh', { WS_NODE_MODULES: join(__dirname, '../../../node_modules'), DEB_ROOT: deb });
  }, 600_000);

  it('python: dist-info and egg-info of Debian python3-* packages, as importlib.metadata reads them', async () => {
    const site = join(deb, 'usr/lib/python3/dist-packages');
    const truth = run('python3', ['-c', 'import sys, importlib.metadata as m\nfor d in m.distributions(path=[sys.argv[1]]): print(d.metadata["Name"] + "@" + d.version)', site])
      .trim()
      .split('\n')
      .map((l) => {
        const [n, v] = l.split('@');
        return `${normalizePythonName(n)}@${v}`;
      });
    expect(truth.length).toBeGreaterThanOrEqual(4);
    const r = await catalogTree(deb, [new PythonPackageCataloger()]);
    expect(sorted(r.packages.map(nv))).toEqual(sorted(truth));
    expect(r.notes).toEqual([]);
  });

  it('java: Debian jars, and the same jars nested in a WAR inside an EAR, as their pom.properties say (read by unzip)', async () => {
    const javaDir = join(deb, 'usr/share/java');
    const truthOf = (jar: string): string[] =>
      run('unzip', ['-p', jar, 'META-INF/maven/*/*/pom.properties'])
        .split(/\n(?=#|groupId|artifactId|version)/)
        .join('\n')
        .split(/(?=^#Generated)/m)
        .map((block) => Object.fromEntries([...block.matchAll(/^(groupId|artifactId|version)=(.*)$/gm)].map((m) => [m[1], m[2].trim()])))
        .filter((p) => p.groupId)
        .map((p) => `${p.groupId}:${p.artifactId}@${p.version}`);
    const r = await catalogTree(deb, [new JavaArchiveCataloger()]);
    const jars = [...new Set(r.packages.map((p) => p.locations[0].path))].filter((p) => p.startsWith('/usr/share/java/'));
    expect(jars.length).toBeGreaterThanOrEqual(10);
    for (const jar of jars) {
      const ours = r.packages.filter((p) => p.locations[0].path === jar).map(nv);
      expect(sorted(ours), jar).toEqual(sorted(truthOf(join(deb, jar))));
    }
    const ear = await runCataloger(new JavaArchiveCataloger(), '/srv/shop.ear', readFileSync(join(lang, 'java/shop.ear')));
    const nestedTruth = ['commons-lang3.jar', 'slf4j-api.jar', 'commons-io.jar'].flatMap((j) => truthOf(join(javaDir, j)));
    expect(sorted(ear.packages.map(nv))).toEqual(sorted(nestedTruth));
    expect(ear.packages.find((p) => p.name === 'slf4j-api')!.metadata?.virtualPath).toBe('/srv/shop.ear!/shop.war!/WEB-INF/lib/slf4j-api-1.7.32.jar');
    expect(ear.notes).toBeUndefined();
  });

  it('go: build info of Debian docker-registry and of a module build with a replace, as `go version -m` prints it', async () => {
    for (const bin of [join(deb, 'usr/bin/docker-registry'), join(lang, 'go/lzapp')]) {
      const lines = run('go', ['version', '-m', bin]).split('\n');
      const goVersion = lines[0].split(': ')[1].trim();
      const truth: string[] = [`stdlib@${goVersion.replace(/^go/, '')}`];
      let last: string | undefined;
      for (const l of lines.slice(1)) {
        const f = l.trim().split('\t');
        if (f[0] === 'mod' || f[0] === 'dep') {
          last = `${f[1]}@${f[2]}`;
          truth.push(last);
        }
        // Local-directory replacements keep the module's own path/version (see the cataloger).
        if (f[0] === '=>' && f[2] && f[2] !== '(devel)' && !f[1].startsWith('.') && last) truth.splice(truth.indexOf(last), 1, `${f[1]}@${f[2]}`);
      }
      const r = await runCataloger(new GoBinaryCataloger(), '/usr/bin/x', readFileSync(bin), { mode: 0o755 });
      expect(sorted(r.packages.map(nv)), bin).toEqual(sorted(truth));
      for (const p of r.packages) expect(p.metadata?.goVersion).toBe(goVersion);
    }
  });

  it('ruby: gemspecs of Debian ruby-* packages, as RubyGems loads them', async () => {
    const specDir = join(deb, 'usr/share/rubygems-integration/all/specifications');
    const truth = run('ruby', ['-e', 'Dir[File.join(ARGV[0], "*.gemspec")].sort.each { |f| s = Gem::Specification.load(f); puts [s.name, s.version.to_s, s.licenses.join(",")].join("|") }', specDir])
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(truth.length).toBe(3);
    const r = await catalogTree(deb, [new GemspecCataloger()]);
    expect(sorted(r.packages.map((p) => `${p.name}|${p.version}`))).toEqual(sorted(truth.map(([n, v]) => `${n}|${v}`)));
    for (const [n, , lic] of truth) expect(r.packages.find((p) => p.name === n)!.licenses.join(','), n).toBe(lic);
  });

  it('npm: installed node_modules and lockfiles v1/v2/v3, as `npm ls --all` reports the tree', async () => {
    const tree = JSON.parse(readFileSync(join(lang, 'npm/npm-ls.json'), 'utf8')) as { dependencies?: Record<string, { version: string; dependencies?: Record<string, unknown> }> };
    const truth = new Set<string>();
    const walk = (deps: Record<string, { version: string; dependencies?: Record<string, unknown> }> | undefined): void => {
      for (const [name, d] of Object.entries(deps ?? {})) {
        truth.add(`${name}@${d.version}`);
        walk(d.dependencies as typeof deps);
      }
    };
    walk(tree.dependencies);
    expect(truth.size).toBe(6);
    const installed = await catalogTree(join(lang, 'npm/app'), [new NpmPackageCataloger()], '/app');
    expect(sorted([...new Set(installed.packages.map(nv))])).toEqual(sorted([...truth]));
    for (const v of [1, 2, 3]) {
      const r = await runCataloger(new NpmLockCataloger(), '/app/package-lock.json', readFileSync(join(lang, `npm/lock-v${v}/package-lock.json`)));
      expect(sorted(r.packages.map(nv)), `lockfile v${v}`).toEqual(sorted([...truth]));
      expect(r.packages.find((p) => p.name === 'debug')!.metadata?.dependsOn, `lockfile v${v}`).toEqual(['pkg:npm/ms@2.1.3']);
      expect(r.packages.find((p) => p.name === 'node')!.metadata?.dev, `lockfile v${v}`).toBe(true);
    }
  });

  it('cargo: Cargo.lock written by cargo, and a binary with a .dep-v0 section, as `cargo metadata` resolves them', async () => {
    const meta = JSON.parse(readFileSync(join(lang, 'cargo/metadata.json'), 'utf8')) as { packages: { name: string; version: string }[] };
    const truth = meta.packages.map((p) => `${p.name}@${p.version}`);
    expect(truth.length).toBe(3);
    const lock = await runCataloger(new CargoLockCataloger(), '/src/Cargo.lock', readFileSync(join(lang, 'cargo/ws/Cargo.lock')));
    expect(sorted(lock.packages.map(nv))).toEqual(sorted(truth));
    expect(lock.packages.find((p) => p.name === 'lz-app')!.metadata?.dependsOn).toEqual(['pkg:cargo/lz-helper@1.4.0']);
    const bin = await runCataloger(new RustBinaryCataloger(), '/usr/local/bin/lz-app', readFileSync(join(lang, 'cargo/lz-app')), { mode: 0o755 });
    expect(sorted(bin.packages.map(nv))).toEqual(sorted(truth));
    const plain = await runCataloger(new RustBinaryCataloger(), '/usr/local/bin/lz-app', readFileSync(join(lang, 'cargo/lz-app.plain')), { mode: 0o755 });
    expect(plain.packages).toEqual([]);
  });

  it('composer: composer.lock written by composer, as `composer show --locked` lists it', async () => {
    const shown = JSON.parse(readFileSync(join(lang, 'composer/show-locked.json'), 'utf8')) as { locked: { name: string; version: string }[] };
    const truth = shown.locked.map((p) => `${p.name}@${p.version}`);
    const r = await runCataloger(new ComposerLockCataloger(), '/var/www/composer.lock', readFileSync(join(lang, 'composer/app/composer.lock')));
    expect(sorted(r.packages.map(nv))).toEqual(sorted(truth));
    const by = new Map(r.packages.map((p) => [`${p.namespace}/${p.name}`, p]));
    expect(by.get('lazaret/lib-dev')!.metadata?.dev).toBe(true);
    expect(by.get('lazaret/lib-b')!.licenses).toEqual(['Apache-2.0 OR MIT']);
    expect(by.get('lazaret/lib-a')!.metadata?.dependsOn).toEqual([by.get('lazaret/lib-b')!.purl]);
  });
});
