import type { VersionComparator } from './comparator';
import { VersionError } from './errors';

/** One OSV `affected[].ranges[].events[]` entry: exactly one key is set. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const KINDS: readonly Kind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

interface Event {
  kind: Kind;
  value: string;
}

function eventOf(e: OsvEvent, index: number): Event {
  if (e === null || typeof e !== 'object') throw new VersionError('invalid-range', `event ${index} is not an object`);
  const keys = Object.keys(e).filter((k) => (e as Record<string, unknown>)[k] !== undefined);
  const known = keys.filter((k): k is Kind => (KINDS as readonly string[]).includes(k));
  if (known.length !== 1 || keys.length !== 1) {
    throw new VersionError('invalid-range', `event ${index} must have exactly one of ${KINDS.join(', ')} (has: ${keys.join(', ') || 'none'})`);
  }
  const kind = known[0]!;
  const value = e[kind];
  if (typeof value !== 'string' || value.length === 0) throw new VersionError('invalid-range', `event ${index} ${kind} must be a non-empty string`);
  return { kind, value };
}

/** `introduced: "0"` sorts before every version; `limit` containing "*" is infinity. */
function isZero(e: Event): boolean {
  return e.kind === 'introduced' && e.value === '0';
}

function isInfinity(e: Event): boolean {
  return e.kind === 'limit' && e.value.includes('*');
}

/**
 * Whether `version` is inside one OSV range (type SEMVER or ECOSYSTEM), following the OSV
 * schema's "Evaluation" pseudocode: `BeforeLimits` (no limit events = an implicit "*"; otherwise
 * the version must be below at least one limit) and then a walk over the events sorted by version
 * where `introduced <= v` turns vulnerable on, `fixed <= v` and `last_affected < v` turn it off.
 * Events may come unsorted. Throws VersionError ('unparsable-version') when the version or an
 * event's version cannot be parsed — the caller reports "unknown ordering" — and
 * ('invalid-range') for malformed events.
 */
export function isAffected(comparator: VersionComparator, version: string, events: readonly OsvEvent[]): boolean {
  const parsedEvents = events.map(eventOf);
  const v = comparator.parse(version);
  const parsed = new Map<string, ReturnType<VersionComparator['parse']>>();
  const p = (s: string) => {
    let x = parsed.get(s);
    if (!x) {
      x = comparator.parse(s);
      parsed.set(s, x);
    }
    return x;
  };
  /** Order of an event's version against v: negative when the event sorts before v. */
  const eventVsVersion = (e: Event): number => {
    if (isZero(e)) return -1;
    if (isInfinity(e)) return 1;
    return comparator.compareParsed(p(e.value), v);
  };

  // BeforeLimits
  const limits = parsedEvents.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((e) => eventVsVersion(e) > 0)) return false;

  // Sort the events by version ("0" first, "*" last). Events with equal versions keep their
  // order of appearance, which is what a stable sort of the spec's `sorted(range.events)` gives.
  const sortable = parsedEvents.filter((e) => e.kind !== 'limit');
  const key = (e: Event) => (isZero(e) ? -1 : 0);
  const sorted = sortable
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const kx = key(x.e);
      const ky = key(y.e);
      if (kx !== 0 || ky !== 0) return kx - ky || x.i - y.i;
      return comparator.compareParsed(p(x.e.value), p(y.e.value)) || x.i - y.i;
    })
    .map((x) => x.e);

  let vulnerable = false;
  for (const e of sorted) {
    const c = eventVsVersion(e); // event version vs v
    if (e.kind === 'introduced' && c <= 0) vulnerable = true;
    else if (e.kind === 'fixed' && c <= 0) vulnerable = false;
    else if (e.kind === 'last_affected' && c < 0) vulnerable = false;
  }
  return vulnerable;
}

/** A version is affected if any of the ranges includes it (OSV `IncludedInRanges`). */
export function isAffectedByAny(comparator: VersionComparator, version: string, ranges: readonly (readonly OsvEvent[])[]): boolean {
  return ranges.some((events) => isAffected(comparator, version, events));
}
