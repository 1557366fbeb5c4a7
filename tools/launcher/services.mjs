import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Backend services, started first, in this order. The gateway comes after them. */
export const BACKEND_SERVICES = ['ingest', 'scanning', 'signing', 'correlation', 'audit', 'quarantine'];
export const GATEWAY = 'gateway';
export const AGENT = 'agent';
export const DEFAULT_GATEWAY_PORT = 8080;
/** Same defaults as libs/contracts DEFAULT_OPS_PORTS (/healthz, /readyz, /metrics). */
export const DEFAULT_OPS_PORTS = { ingest: 9101, scanning: 9102, signing: 9103, correlation: 9104, audit: 9105, quarantine: 9106, agent: 9107 };

/** Services to run, in start order; the gateway is always last. */
export function serviceNames({ withAgent }) {
  return [...BACKEND_SERVICES, ...(withAgent ? [AGENT] : []), GATEWAY];
}

export function entryPoint(servicesDir, name) {
  return join(servicesDir, name, 'dist', 'main.js');
}

/** Splits the services into those whose built entry point exists and those that are missing. */
export function findEntryPoints(servicesDir, names, exists = existsSync) {
  const present = [];
  const missing = [];
  for (const name of names) {
    const entry = entryPoint(servicesDir, name);
    (exists(entry) ? present : missing).push({ name, entry });
  }
  return { present, missing };
}

/** The per-service override of the ops port, e.g. LAZARET_SCANNING_HTTP_PORT. */
export function opsPortVariable(name) {
  return `LAZARET_${name.toUpperCase()}_HTTP_PORT`;
}

/** The host to poll and print: a wildcard bind address is reached through loopback. */
export function reachableHost(bindHost) {
  if (!bindHost || bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]') return '127.0.0.1';
  return bindHost;
}

export function httpBase(host, port) {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}
