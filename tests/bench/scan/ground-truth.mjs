// Package lists of a root filesystem according to each ecosystem's own tool, for the Trivy
// comparison. Every entry is keyed like compare-trivy.mjs keys SBOM components
// (`<purl type> <namespace/>name@version`) and says which tool vouches for it and how.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export function key(type, namespace, name, version) {
  return `${type} ${namespace ? `${namespace}/` : ''}${name}@${version}`;
}

/** Every regular file under root (symlinks are not followed: both scanners see link targets anyway). */
function* walk(root, dir = root) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) yield* walk(root, full);
    else if (st.isFile()) yield { full, path: `/${relative(root, full)}`, mode: st.mode, size: st.size };
  }
}

function add(truth, k, why) {
  const list = truth.get(k) ?? [];
  if (!list.includes(why)) list.push(why);
  truth.set(k, list);
}

function osId(root) {
  for (const p of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      const m = /^ID="?([^"\n]+)"?$/m.exec(readFileSync(join(root, p), 'utf8'));
      if (m) return m[1];
    } catch {
      // next
    }
  }
  return 'debian';
}

function dpkg(root, truth) {
  if (!existsSync(join(root, 'var/lib/dpkg/status'))) return;
  const ns = osId(root);
  const out = execFileSync('dpkg-query', ['--admindir', join(root, 'var/lib/dpkg'), '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\n'], { encoding: 'utf8' });
  for (const line of out.trim().split('\n')) {
    const [status, name, version] = line.split('\t');
    if (status === 'installed') add(truth, key('deb', ns, name, version), 'dpkg-query: installed');
  }
}

function npmName(full) {
  return full.startsWith('@') ? [full.slice(0, full.indexOf('/')), full.slice(full.indexOf('/') + 1)] : [undefined, full];
}

function npm(root, truth) {
  const projects = [...walk(root)].filter((f) => f.path.endsWith('/package.json') && !f.path.includes('/node_modules/')).map((f) => f.full.slice(0, -'/package.json'.length));
  for (const dir of projects) {
    if (!existsSync(join(dir, 'node_modules'))) continue;
    // npm ls reads node_modules (what is installed), not the lockfile. Exit 1 on problems, JSON anyway.
    const r = spawnSync('npm', ['ls', '--all', '--json', '--offline'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    const tree = JSON.parse(r.stdout);
    const rel = `/${relative(root, dir)}`;
    if (tree.name && tree.version) add(truth, key('npm', ...npmName(tree.name), tree.version), `npm ls: the project itself (${rel}/package.json)`);
    const visit = (deps) => {
      for (const [name, d] of Object.entries(deps ?? {})) {
        if (d.version) add(truth, key('npm', ...npmName(name), d.version), `npm ls: installed in ${rel}/node_modules`);
        visit(d.dependencies);
      }
    };
    visit(tree.dependencies);
  }
}

function python(root, truth) {
  const dirs = new Set();
  for (const f of walk(root)) {
    const m = /^(.*\/(?:dist|site)-packages)\/[^/]+\.(?:dist-info|egg-info)(?:\/|$)/.exec(f.full);
    if (m) dirs.add(m[1]);
  }
  for (const dir of dirs) {
    const code = 'import importlib.metadata as m, re, sys\nfor d in m.distributions(path=[sys.argv[1]]):\n  print(re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() + "\\t" + d.version)';
    const out = execFileSync('python3', ['-c', code, dir], { encoding: 'utf8' });
    for (const line of out.trim().split('\n').filter(Boolean)) {
      const [name, version] = line.split('\t');
      add(truth, key('pypi', undefined, name, version), `importlib.metadata in /${relative(root, dir)}`);
    }
  }
}

function unzipList(file) {
  const r = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

function java(root, truth) {
  const tmp = mkdtempSync(join(tmpdir(), 'lazaret-gt-java-'));
  try {
    const visit = (file, shown, depth) => {
      for (const entry of unzipList(file)) {
        if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry)) {
          const text = execFileSync('unzip', ['-p', file, entry], { encoding: 'utf8' });
          const prop = (n) => new RegExp(`^${n}=(.*)$`, 'm').exec(text)?.[1]?.trim();
          if (prop('groupId') && prop('artifactId') && prop('version')) {
            add(truth, key('maven', prop('groupId'), prop('artifactId'), prop('version')), `unzip: ${entry} in ${shown}`);
          }
        } else if (depth < 4 && /\.(jar|war|ear)$/.test(entry)) {
          const inner = join(tmp, `${depth}-${entry.replace(/[^\w.-]/g, '_')}`);
          writeFileSync(inner, execFileSync('unzip', ['-p', file, entry], { maxBuffer: 512 << 20 }));
          visit(inner, `${shown}!/${entry}`, depth + 1);
        }
      }
    };
    for (const f of walk(root)) if (/\.(jar|war|ear)$/.test(f.path)) visit(f.full, f.path, 0);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function isElf(file) {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

function goModule(path) {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? [undefined, path] : [path.slice(0, slash), path.slice(slash + 1)];
}

function golang(root, truth) {
  for (const f of walk(root)) {
    if ((f.mode & 0o111) === 0 || f.size < 1024 || !isElf(f.full)) continue;
    const r = spawnSync('go', ['version', '-m', f.full], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const lines = r.stdout.split('\n');
    const toolchain = /:\s+go(\S+)$/.exec(lines[0])?.[1];
    if (toolchain) add(truth, key('golang', undefined, 'stdlib', toolchain), `go version -m: toolchain of ${f.path}`);
    let last;
    for (const line of lines.slice(1)) {
      const [, kind, path, version] = line.split('\t');
      if (kind === 'mod') add(truth, key('golang', ...goModule(path), version), `go version -m: main module of ${f.path}`);
      else if (kind === 'dep') {
        last = `${path} ${version}`;
        add(truth, key('golang', ...goModule(path), version), `go version -m: dependency of ${f.path}`);
      } else if (kind === '=>') add(truth, key('golang', ...goModule(path), version), `go version -m: replacement (=> ${path}) of ${last} in ${f.path}`);
    }
  }
}

function ruby(root, truth) {
  const specs = [...walk(root)].filter((f) => /\/specifications\/[^/]+\.gemspec$/.test(f.path));
  if (specs.length === 0) return;
  const code = 'ARGV.each { |f| s = Gem::Specification.load(f); puts "#{s.name}\\t#{s.version}\\t#{f}" if s }';
  const out = execFileSync('ruby', ['-e', code, ...specs.map((s) => s.full)], { encoding: 'utf8' });
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const [name, version, file] = line.split('\t');
    add(truth, key('gem', undefined, name, version), `Gem::Specification.load(/${relative(root, file)})`);
  }
}

/** Map of key → reasons, from dpkg-query, npm ls, importlib.metadata, unzip, go version -m, Ruby. */
export function groundTruth(root) {
  const truth = new Map();
  dpkg(root, truth);
  npm(root, truth);
  python(root, truth);
  java(root, truth);
  golang(root, truth);
  ruby(root, truth);
  return truth;
}

export const GROUND_TRUTH_TOOLS = ['dpkg-query', 'npm', 'python3', 'unzip', 'go', 'ruby'];
