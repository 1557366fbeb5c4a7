import { request } from 'node:http';

/** The HTTP status of a GET, or undefined when nothing answered within the timeout. */
export function httpStatus(url, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls every target's /readyz until each has answered 200 once, or `shouldStop()` is true, or
 * `timeoutMs` passes. Calls onReady(target) the first time each one is ready. Resolves with the
 * targets not ready yet (empty when all are).
 *
 * targets: [{ name, url }]
 */
export async function waitUntilReady(targets, { intervalMs = 500, timeoutMs = Infinity, shouldStop = () => false, onReady = () => {}, check = httpStatus } = {}) {
  const pending = new Map(targets.map((t) => [t.name, t]));
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && !shouldStop()) {
    const results = await Promise.all([...pending.values()].map(async (t) => [t, await check(t.url)]));
    for (const [target, status] of results) {
      if (status === 200 && pending.delete(target.name)) onReady(target);
    }
    if (pending.size === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return [...pending.values()];
}
