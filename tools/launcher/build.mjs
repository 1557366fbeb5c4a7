import { spawn } from 'node:child_process';
import { forEachLine } from './lines.mjs';

export const BUILD_COMMAND = ['npx', ['nx', 'run-many', '-t', 'build']];

/**
 * Runs `npx nx run-many -t build` in the repository (Nx caches: quick when nothing changed),
 * streaming its output as [build] lines. Returns { process, done } where done resolves to the
 * exit code (null when killed).
 */
export function runBuild({ root, output, env = process.env }) {
  const [command, args] = BUILD_COMMAND;
  const proc = spawn(command, args, {
    cwd: root,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping the launcher can stop nx and every worker it forked.
    detached: true,
  });
  forEachLine(proc.stdout, (line) => output.child('build', line));
  forEachLine(proc.stderr, (line) => output.child('build', line));
  const done = new Promise((resolve) => {
    proc.once('error', (err) => {
      output.error(`cannot run ${command} ${args.join(' ')}: ${err.message}`);
      resolve(127);
    });
    proc.once('close', (code) => resolve(code));
  });
  return { process: proc, done };
}
