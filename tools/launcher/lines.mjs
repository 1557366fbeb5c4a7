import { createInterface } from 'node:readline';

/** Calls onLine for every complete line of a readable stream (and the last partial one at its end). */
export function forEachLine(stream, onLine) {
  if (!stream) return;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', onLine);
}

/** Keeps the last `size` lines seen, for error messages about a process that died. */
export class LineTail {
  #lines = [];
  constructor(size = 20) {
    this.size = size;
  }
  push(line) {
    this.#lines.push(line);
    if (this.#lines.length > this.size) this.#lines.shift();
  }
  lines() {
    return [...this.#lines];
  }
  last() {
    return this.#lines.at(-1);
  }
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
