import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { RestartPolicy } from './backoff.mjs';
import { forEachLine } from './lines.mjs';

/** The services' exit code for "invalid configuration" (EX_CONFIG): restarting cannot help. */
export const EXIT_CONFIG = 78;

/**
 * Runs the services as child processes: prefixes their output, restarts a child that exits with
 * exponential backoff, reports a configuration error (exit 78) once instead of looping, and
 * stops them all by PID.
 *
 * Children are spawned in the launcher's own process group, so a Ctrl-C typed in the terminal
 * reaches them too; the launcher then sends SIGTERM itself. If the launcher is killed with
 * SIGKILL nothing can stop them (see docs/running.md).
 */
export class Supervisor {
  /** name -> { spec, policy, proc, startedAt, timer, lastStderr, pids } */
  children = new Map();
  stopping = false;

  /**
   * output: an Output; onFatal(name, {code, lastStderr}) is called when a child exits 78;
   * onSpawn(name, pid) for each process started.
   */
  constructor({ output, onFatal = () => {}, onSpawn = () => {} }) {
    this.output = output;
    this.onFatal = onFatal;
    this.onSpawn = onSpawn;
  }

  /** spec: { name, command, args, env, cwd } */
  start(spec) {
    // Nothing new once a stop has begun: stopAll() would never see it.
    if (this.stopping) return;
    const child = { spec, policy: new RestartPolicy(), proc: null, exited: null, startedAt: 0, timer: null, lastStderr: undefined, pids: [] };
    this.children.set(spec.name, child);
    this.#spawn(child);
  }

  #spawn(child) {
    const { name, command, args, env, cwd } = child.spec;
    const proc = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.proc = proc;
    child.startedAt = Date.now();
    // 'close' comes after the output pipes are drained; 'exit' may come before the last lines.
    const closed = once(proc, 'close').catch(() => undefined);
    child.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => resolve({ code, signal }));
      proc.once('error', (err) => {
        // A process that could not be spawned at all emits only 'error'.
        if (proc.pid === undefined) {
          this.output.error(`cannot start ${name}: ${err.message}`);
          resolve({ code: null, signal: null });
        }
      });
    });
    if (proc.pid !== undefined) {
      child.pids.push(proc.pid);
      this.onSpawn(name, proc.pid);
    }
    forEachLine(proc.stdout, (line) => this.output.child(name, line));
    forEachLine(proc.stderr, (line) => {
      if (line.trim()) child.lastStderr = line;
      this.output.child(name, line);
    });
    void child.exited.then(async ({ code, signal }) => {
      // A short grace: lets the last stderr line arrive and, when Ctrl-C reached the whole
      // process group, lets the launcher's own SIGINT handler mark the stop first.
      await Promise.race([closed, sleep(300)]);
      if (child.proc === proc) child.proc = null;
      this.#afterExit(child, code, signal);
    });
  }

  #afterExit(child, code, signal) {
    const { name } = child.spec;
    if (this.stopping) return;
    if (code === EXIT_CONFIG) {
      this.onFatal(name, { code, lastStderr: child.lastStderr });
      return;
    }
    const { delayMs, restart } = child.policy.next(Date.now() - child.startedAt);
    this.output.info(`${name} exited with code ${code} (signal ${signal}); restarting in ${delayMs / 1000}s (restart ${restart})`);
    child.timer = setTimeout(() => {
      child.timer = null;
      if (!this.stopping) this.#spawn(child);
    }, delayMs);
  }

  /** PIDs of the children running now. */
  runningPids() {
    return [...this.children.values()].filter((c) => c.proc && c.proc.exitCode === null && c.proc.signalCode === null).map((c) => c.proc.pid);
  }

  #running() {
    return [...this.children.values()].filter((c) => c.proc && c.proc.exitCode === null && c.proc.signalCode === null);
  }

  /** No more restarts from now on. */
  #freeze() {
    this.stopping = true;
    for (const child of this.children.values()) {
      if (child.timer) clearTimeout(child.timer);
      child.timer = null;
    }
  }

  /** SIGTERM to every running child by PID, SIGKILL to those still alive after graceMs. */
  async stopAll(graceMs = 10_000) {
    this.#freeze();
    const running = this.#running();
    for (const child of running) signal(child.proc, 'SIGTERM');
    const all = Promise.all(running.map((c) => c.exited));
    const timedOut = await Promise.race([all.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      for (const child of this.#running()) {
        this.output.warn(`${child.spec.name} (pid ${child.proc.pid}) did not stop within ${graceMs / 1000}s; killing it`);
        signal(child.proc, 'SIGKILL');
      }
      await Promise.race([all, sleep(2_000)]);
    }
  }

  /** SIGKILL to every running child, now (a second Ctrl-C, or the launcher exiting). */
  killAll() {
    this.#freeze();
    for (const child of this.#running()) signal(child.proc, 'SIGKILL');
  }
}

function signal(proc, name) {
  try {
    proc.kill(name);
  } catch {
    // Already gone.
  }
}
