#!/usr/bin/env node
// Generates libs/versions/test/golden/<ecosystem>.tsv: version pairs whose expected ordering was
// computed by each ecosystem's REAL tool (dpkg, rpm, python `packaging`, Maven's
// ComparableVersion, RubyGems, golang.org/x/mod/semver, Composer, Elixir's Version, the Rust
// `semver` crate, node-semver). Our own comparators are never consulted here.
//
// Usage: node libs/versions/scripts/generate-golden.mjs [ecosystem ...]
// Needs (Debian): dpkg rpm ruby golang-go golang-golang-x-mod-dev php-cli php-composer-semver
// elixir librust-semver-dev cargo default-jdk-headless maven (for maven-artifact), python3 with
// `packaging` (python3-packaging). Runs fully offline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA } from './corpora.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = join(here, '..', 'test', 'golden');
const repoRoot = join(here, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'lazaret-versions-golden-'));

// ---------------------------------------------------------------------------------------------
// helpers

function run(cmd, args, input, opts = {}) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
  return r;
}

/** Deterministic PRNG (mulberry32) so the pair selection is stable between runs. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniq(list) {
  return [...new Set(list.filter((v) => v.length > 0 && !/[\t\n\r]/.test(v)))];
}

/**
 * Pairs: lexicographic neighbours (similar strings are where comparators disagree), each
 * version with itself, and seeded random pairs up to `target`.
 */
function makePairs(corpus, target, seed = 42) {
  const sorted = [...corpus].sort();
  const seen = new Set();
  const pairs = [];
  const add = (a, b) => {
    const k = `${a}\t${b}`;
    if (!seen.has(k)) {
      seen.add(k);
      pairs.push([a, b]);
    }
  };
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length) add(sorted[i], sorted[i + 1]);
    if (i + 2 < sorted.length) add(sorted[i + 2], sorted[i]);
    if (i % 7 === 0) add(sorted[i], sorted[i]);
  }
  const rnd = prng(seed);
  let guard = 0;
  while (pairs.length < target && guard++ < target * 20) {
    const a = corpus[Math.floor(rnd() * corpus.length)];
    const b = corpus[Math.floor(rnd() * corpus.length)];
    add(a, b);
  }
  return pairs;
}

/**
 * Asks the oracle which corpus entries are valid (v vs v), then pairs the valid ones among
 * themselves (so most rows test ordering) and each invalid one with two valid partners (so the
 * rows also test rejection).
 */
function buildPairs(corpus, target, seed, oracle) {
  const probe = oracle(corpus.map((v) => [v, v]));
  const valid = corpus.filter((_, i) => probe[i] !== 'invalid');
  const invalid = corpus.filter((_, i) => probe[i] === 'invalid');
  const rnd = prng(seed + 1000);
  const pairs = makePairs(valid, Math.max(0, target - 2 * invalid.length), seed);
  for (const v of invalid) {
    pairs.push([v, valid[Math.floor(rnd() * valid.length)]]);
    pairs.push([valid[Math.floor(rnd() * valid.length)], v]);
  }
  return pairs;
}

function goldenSet(name, tool, corpus, target, seed, oracle) {
  const pairs = buildPairs(uniq(corpus), target, seed, oracle);
  writeGolden(name, tool, pairs, oracle(pairs));
}

function writeGolden(name, tool, pairs, results) {
  if (pairs.length !== results.length) throw new Error(`${name}: ${pairs.length} pairs but ${results.length} results`);
  const counts = { '-1': 0, 0: 0, 1: 0, invalid: 0 };
  const lines = [
    `# golden pairs for ${name}; expected = ordering of a vs b (-1, 0, 1) or "invalid" when the tool rejects a or b`,
    `# produced by: ${tool}`,
    '# regenerate with: node libs/versions/scripts/generate-golden.mjs ' + name,
  ];
  for (let i = 0; i < pairs.length; i++) {
    const r = String(results[i]).trim();
    if (!(r in counts)) throw new Error(`${name}: unexpected tool output ${JSON.stringify(r)} for ${pairs[i]}`);
    counts[r]++;
    lines.push(`${pairs[i][0]}\t${pairs[i][1]}\t${r}`);
  }
  mkdirSync(goldenDir, { recursive: true });
  writeFileSync(join(goldenDir, `${name}.tsv`), lines.join('\n') + '\n');
  console.log(`${name}: ${pairs.length} pairs (${JSON.stringify(counts)}) via ${tool}`);
}

function pairsInput(pairs) {
  return pairs.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n';
}

function lines(text) {
  return text.split('\n').filter((l) => l.length > 0);
}

function walk(dir, pred, out = [], depth = 0) {
  if (depth > 8 || !existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, pred, out, depth + 1);
    else if (pred(p)) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// machine-derived corpora (real version strings found on this machine)

function debianVersions() {
  const all = uniq(lines(run('apt-cache', ['dumpavail']).stdout).filter((l) => l.startsWith('Version: ')).map((l) => l.slice(9).trim()));
  const installed = lines(run('dpkg-query', ['-W', '-f', '${Version}\n']).stdout);
  // Keep every "interesting" version (epoch, tilde, plus, letters in revision) and a sample of the rest.
  const rnd = prng(7);
  const interesting = all.filter((v) => /[:~+]|[a-z]-|-[^-]*[a-z]/i.test(v));
  const picked = [
    ...installed,
    ...interesting.filter(() => rnd() < 0.12),
    ...all.filter(() => rnd() < 0.02),
  ];
  return uniq([...picked, ...CORPORA.debian]);
}

function npmVersions() {
  const files = walk(join(repoRoot, 'node_modules'), (p) => p.endsWith('/package.json') && !p.includes('/test/'));
  const out = [];
  for (const f of files) {
    try {
      const v = JSON.parse(readFileSync(f, 'utf8')).version;
      if (typeof v === 'string') out.push(v);
    } catch {
      // not JSON
    }
  }
  return uniq([...out, ...CORPORA.semver]);
}

function pypiVersions() {
  const out = [];
  const r = run('python3', ['-c', 'import importlib.metadata as m\nfor d in m.distributions(): print(d.version)']);
  out.push(...lines(r.stdout));
  return uniq([...out, ...CORPORA.pypi]);
}

function mavenVersions() {
  const out = [];
  for (const f of walk('/usr/share/maven-repo', (p) => p.endsWith('.pom'))) {
    const parts = f.split('/');
    out.push(parts[parts.length - 2]);
  }
  for (const f of walk('/usr/share/java', (p) => p.endsWith('.jar'))) {
    const m = /-(\d[^/]*)\.jar$/.exec(f);
    if (m) out.push(m[1]);
  }
  return uniq([...out, ...CORPORA.maven]);
}

function goVersions() {
  const out = [];
  for (const f of walk('/usr/share', (p) => p.endsWith('/go.sum') || p.endsWith('/go.mod'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\sv\d[^\s/]*/g)) out.push(m[0].trim());
  }
  return uniq([...out, ...CORPORA.go]);
}

function rubyVersions() {
  const r = run('ruby', ['-e', 'Gem::Specification.each { |s| puts s.version.to_s }; puts Gem::VERSION; puts RUBY_VERSION']);
  return uniq([...lines(r.stdout), ...CORPORA.rubygems]);
}

// ---------------------------------------------------------------------------------------------
// oracles: each returns one of "-1" | "0" | "1" | "invalid" per pair

function dpkgOracle(pairs) {
  const versions = uniq(pairs.flat());
  const valid = new Map();
  for (const v of versions) {
    const r = run('dpkg', ['--compare-versions', v, 'eq', v], undefined, { allowFail: true });
    // dpkg prints a warning (and still compares) or an error (exit 2) for bad syntax; both count
    // as "not a valid Debian version".
    valid.set(v, r.status === 0 && r.stderr.trim() === '');
  }
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = pairs
    .map(([a, b]) =>
      valid.get(a) && valid.get(b)
        ? `if dpkg --compare-versions ${q(a)} lt ${q(b)}; then echo -1; elif dpkg --compare-versions ${q(a)} eq ${q(b)}; then echo 0; else echo 1; fi`
        : 'echo invalid',
    )
    .join('\n');
  writeFileSync(join(work, 'dpkg.sh'), script + '\n');
  return lines(run('bash', [join(work, 'dpkg.sh')]).stdout);
}

function rpmOracle(pairs) {
  const file = join(work, 'rpm-pairs.tsv');
  writeFileSync(file, pairsInput(pairs));
  const out = join(work, 'rpm-out.txt');
  // rpm.ver() parses epoch:version-release exactly like rpm does and compares with rpmvercmp.
  const lua = `%{lua:
local out = io.open("${out}", "w")
for line in io.lines("${file}") do
  local a, b = line:match("^([^\\t]*)\\t(.*)$")
  local va, vb = rpm.ver(a), rpm.ver(b)
  if va == nil or vb == nil then out:write("invalid\\n")
  elseif va < vb then out:write("-1\\n")
  elseif va == vb then out:write("0\\n")
  else out:write("1\\n") end
end
out:close()
}`;
  run('rpm', ['--eval', lua]);
  return lines(readFileSync(out, 'utf8'));
}

function pep440Oracle(pairs) {
  const py = `
import sys
from packaging.version import Version, InvalidVersion
def p(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
for line in sys.stdin.read().split("\\n"):
    if not line: continue
    a, b = line.split("\\t")
    va, vb = p(a), p(b)
    if va is None or vb is None: print("invalid")
    else: print(-1 if va < vb else (0 if va == vb else 1))
`;
  return lines(run('python3', ['-c', py], pairsInput(pairs)).stdout);
}

function mavenJar() {
  for (const p of ['/usr/share/maven/lib/maven-artifact-3.x.jar', '/usr/share/java/maven3-artifact.jar', '/usr/share/java/maven-artifact-3.x.jar']) {
    if (existsSync(p)) return realpathSync(p);
  }
  throw new Error('maven-artifact jar not found (apt-get install maven)');
}

function mavenOracle(pairs) {
  const jar = mavenJar();
  const dir = join(work, 'mvn');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'MvnCmp.java'),
    `import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class MvnCmp {
  public static void main(String[] args) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
    String line;
    while ((line = r.readLine()) != null) {
      String[] p = line.split("\\t", -1);
      out.println(Integer.signum(new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]))));
    }
    out.flush();
  }
}
`,
  );
  run('javac', ['-cp', jar, '-d', dir, join(dir, 'MvnCmp.java')]);
  return lines(run('java', ['-cp', `${jar}:${dir}`, 'MvnCmp'], pairsInput(pairs)).stdout);
}

function rubyOracle(pairs) {
  const rb = `
STDIN.read.split("\\n").each do |line|
  next if line.empty?
  a, b = line.split("\\t", 2)
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    puts(Gem::Version.new(a) <=> Gem::Version.new(b))
  else
    puts "invalid"
  end
end
`;
  return lines(run('ruby', ['-W0', '-e', rb], pairsInput(pairs)).stdout);
}

function goOracle(pairs) {
  const dir = join(work, 'go');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'main.go'),
    `package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		p := strings.SplitN(sc.Text(), "\\t", 2)
		if !semver.IsValid(p[0]) || !semver.IsValid(p[1]) {
			fmt.Println("invalid")
			continue
		}
		fmt.Println(semver.Compare(p[0], p[1]))
	}
}
`,
  );
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(work, 'gocache'), GOFLAGS: '' };
  run('go', ['build', '-o', join(dir, 'gocmp'), join(dir, 'main.go')], undefined, { env });
  return lines(run(join(dir, 'gocmp'), [], pairsInput(pairs)).stdout);
}

function composerOracle(pairs) {
  const php = `<?php
require "/usr/share/php/Composer/Semver/autoload.php";
$parser = new Composer\\Semver\\VersionParser();
function norm($parser, $v) {
  try { $n = $parser->normalize($v); } catch (\\Throwable $e) { return null; }
  // dev-<branch> versions are branch names: Composer never orders them against versions.
  if (strpos($n, 'dev-') === 0) return null;
  return $n;
}
foreach (explode("\\n", stream_get_contents(STDIN)) as $line) {
  if ($line === '') continue;
  [$a, $b] = explode("\\t", $line, 2);
  $na = norm($parser, $a); $nb = norm($parser, $b);
  if ($na === null || $nb === null) { echo "invalid\\n"; continue; }
  // Composer's Comparator::compare is version_compare over normalized versions.
  echo (Composer\\Semver\\Comparator::lessThan($na, $nb) ? -1 : (Composer\\Semver\\Comparator::equalTo($na, $nb) ? 0 : 1)), "\\n";
}
`;
  writeFileSync(join(work, 'cmp.php'), php);
  return lines(run('php', [join(work, 'cmp.php')], pairsInput(pairs)).stdout);
}

/** Composer normalisation golden: version -> VersionParser::normalize() or "invalid". */
function composerNormalize(versions) {
  const php = `<?php
require "/usr/share/php/Composer/Semver/autoload.php";
$parser = new Composer\\Semver\\VersionParser();
foreach (explode("\\n", stream_get_contents(STDIN)) as $v) {
  if ($v === '') continue;
  try { echo $parser->normalize($v), "\\n"; } catch (\\Throwable $e) { echo "invalid\\n"; }
}
`;
  writeFileSync(join(work, 'norm.php'), php);
  return lines(run('php', [join(work, 'norm.php')], versions.join('\n') + '\n').stdout);
}

function elixirOracle(pairs) {
  const ex = `
IO.read(:stdio, :eof)
|> String.split("\\n", trim: true)
|> Enum.each(fn line ->
  [a, b] = String.split(line, "\\t", parts: 2)
  case {Version.parse(a), Version.parse(b)} do
    {{:ok, va}, {:ok, vb}} ->
      IO.puts(case Version.compare(va, vb) do
        :lt -> "-1"
        :eq -> "0"
        :gt -> "1"
      end)
    _ -> IO.puts("invalid")
  end
end)
`;
  writeFileSync(join(work, 'cmp.exs'), ex);
  return lines(run('elixir', [join(work, 'cmp.exs')], pairsInput(pairs)).stdout);
}

function rustOracle(pairs, mode = 'ord') {
  const dir = join(work, 'rs');
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, '.cargo'), { recursive: true });
  const crate = readdirSync('/usr/share/cargo/registry').find((n) => /^semver-1\./.test(n));
  if (!crate) throw new Error('Rust semver crate not found (apt-get install librust-semver-dev)');
  writeFileSync(join(dir, 'Cargo.toml'), `[package]\nname = "semvercmp"\nversion = "0.1.0"\nedition = "2018"\n[dependencies]\nsemver = "=${crate.slice(7)}"\n`);
  writeFileSync(
    join(dir, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n[net]\noffline = true\n`,
  );
  writeFileSync(
    join(dir, 'src', 'main.rs'),
    `use std::io::BufRead;
fn main() {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let mut it = line.splitn(2, '\\t');
        let precedence = std::env::args().nth(1).as_deref() == Some("precedence");
        let a = it.next().unwrap_or("");
        let b = it.next().unwrap_or("");
        match (semver::Version::parse(a), semver::Version::parse(b)) {
            (Ok(x), Ok(y)) => println!("{}", match if precedence {
                // SemVer 2.0.0 precedence: build metadata does not take part.
                (x.major, x.minor, x.patch, &x.pre).cmp(&(y.major, y.minor, y.patch, &y.pre))
            } else {
                x.cmp(&y)
            } {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }),
            _ => println!("invalid"),
        }
    }
}
`,
  );
  run('cargo', ['build', '--release', '-q'], undefined, { cwd: dir });
  return lines(run(join(dir, 'target', 'release', 'semvercmp'), [mode], pairsInput(pairs)).stdout);
}

/** node-semver (npm's own implementation), strict (non-loose) mode. */
function nodeSemverOracle(pairs) {
  const require = createRequire(join(repoRoot, 'package.json'));
  const semver = require('semver');
  return pairs.map(([a, b]) => {
    const va = semver.parse(a);
    const vb = semver.parse(b);
    if (!va || !vb) return 'invalid';
    return String(semver.compare(va, vb));
  });
}

function nodeSemverVersion() {
  const require = createRequire(join(repoRoot, 'package.json'));
  return require('semver/package.json').version;
}

// ---------------------------------------------------------------------------------------------

function toolVersion(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim().length > 0)?.trim() ?? '?';
}

/**
 * Alpine: apk-tools is not packaged for Debian, so the expectations are apk-tools' own test
 * vectors (test/version.data at commit fd8f39f1d54c3b56d16a494898e5a753e2c71715, checked by
 * apk-tools' test suite with `apk vertest`), each also used reversed (a < b means b > a).
 */
function alpineFromApkVectors() {
  const ops = { '<': -1, '=': 0, '>': 1 };
  const pairs = [];
  const results = [];
  for (const raw of readFileSync(join(here, 'apk-tools-version.data'), 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [a, op, b] = line.split(/\s+/);
    if (!(op in ops)) throw new Error(`bad apk vector line: ${raw}`);
    pairs.push([a, b], [b, a]);
    results.push(String(ops[op]), String(-ops[op] || 0));
  }
  writeGolden('alpine', 'apk-tools test vectors (test/version.data @ fd8f39f1d54c3b56d16a494898e5a753e2c71715, verified upstream by `apk vertest`), each pair also reversed', pairs, results);
}

/** NuGet: no NuGet tool installs here; expectations are NuGet's own test facts (see the file). */
function nugetFromVectors() {
  const pairs = [];
  const results = [];
  for (const raw of readFileSync(join(here, 'nuget-vectors.tsv'), 'utf8').split('\n')) {
    if (!raw || raw.startsWith('#')) continue;
    const [a, b, expected] = raw.split('\t');
    pairs.push([a, b], [b, a]);
    results.push(expected, expected === 'invalid' ? 'invalid' : String(-Number(expected) || 0));
  }
  writeGolden('nuget', 'NuGet.Client NuGet.Versioning tests and NuGet docs (scripts/nuget-vectors.tsv), each pair also reversed', pairs, results);
}

const JOBS = {
  alpine: alpineFromApkVectors,
  nuget: nugetFromVectors,
  debian: () => goldenSet('debian', `dpkg --compare-versions (${toolVersion('dpkg', ['--version'])})`, debianVersions(), 6000, 1, dpkgOracle),
  rpm: () => goldenSet('rpm', `rpm --eval '%{lua: rpm.ver(a) < rpm.ver(b)}' (${toolVersion('rpm', ['--version'])})`, CORPORA.rpm, 5000, 2, rpmOracle),
  pypi: () => {
    const ver = run('python3', ['-c', 'import packaging; print(packaging.__version__)']).stdout.trim();
    goldenSet('pypi', `python3 packaging.version.Version ${ver}`, pypiVersions(), 5000, 3, pep440Oracle);
  },
  maven: () => {
    const mvn = toolVersion('mvn', ['-B', '-v']).replace(/\u001b\[[0-9;]*m/g, '');
    goldenSet('maven', `org.apache.maven.artifact.versioning.ComparableVersion (${mavenJar().split('/').pop()}, ${mvn})`, mavenVersions(), 5000, 4, mavenOracle);
  },
  npm: () => goldenSet('npm', `node-semver ${nodeSemverVersion()} semver.compare (strict parse)`, npmVersions(), 5000, 5, nodeSemverOracle),
  go: () => goldenSet('go', `golang.org/x/mod/semver IsValid/Compare (Debian golang-golang-x-mod-dev) with ${toolVersion('go', ['version'])}`, goVersions(), 4000, 6, goOracle),
  rubygems: () =>
    goldenSet('rubygems', `Gem::Version.correct? and <=> (${toolVersion('ruby', ['-v'])}, RubyGems ${run('ruby', ['-e', 'print Gem::VERSION']).stdout})`, rubyVersions(), 4000, 7, rubyOracle),
  packagist: () => {
    const tool = `composer/semver VersionParser::normalize + Comparator (Debian php-composer-semver, ${toolVersion('php', ['-v'])})`;
    goldenSet('packagist', tool, CORPORA.packagist, 4000, 8, composerOracle);
    const corpus = uniq(CORPORA.packagist);
    const normalized = composerNormalize(corpus);
    const out = [`# Composer VersionParser::normalize(input) or "invalid"`, `# produced by: ${tool}`, '# regenerate with: node libs/versions/scripts/generate-golden.mjs packagist'];
    corpus.forEach((v, i) => out.push(`${v}\t${normalized[i]}`));
    writeFileSync(join(goldenDir, 'packagist-normalize.tsv'), out.join('\n') + '\n');
    console.log(`packagist-normalize: ${corpus.length} versions`);
  },
  hex: () => {
    const elixir = run('elixir', ['-v']).stdout.split('\n').find((l) => l.startsWith('Elixir')) ?? '?';
    goldenSet('hex', `Elixir Version.parse/compare (${elixir})`, [...CORPORA.semver, ...CORPORA.hex], 4000, 9, elixirOracle);
  },
  'crates.io': () => {
    const crate = readdirSync('/usr/share/cargo/registry').find((n) => /^semver-1\./.test(n));
    goldenSet('crates.io', `Rust crate ${crate} (Debian librust-semver-dev) Version::parse + Ord, ${toolVersion('rustc', ['--version'])}`, [...CORPORA.semver, ...CORPORA.crates], 4000, 10, rustOracle);
  },
  semver: () => {
    const crate = readdirSync('/usr/share/cargo/registry').find((n) => /^semver-1\./.test(n));
    goldenSet('semver', `Rust crate ${crate} Version::parse + SemVer precedence (major, minor, patch, pre), ${toolVersion('rustc', ['--version'])}`, CORPORA.semver, 4000, 11, (p) => rustOracle(p, 'precedence'));
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(JOBS)) {
  const job = JOBS[name];
  if (!job) throw new Error(`unknown golden set ${name}; known: ${Object.keys(JOBS).join(', ')}`);
  job();
}
