import { CorrelationError } from './correlation-error';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const LONG_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

interface Clause {
  /** Days (0 = Sunday) on which the window opens. */
  days: Set<number>;
  /** Minutes after local midnight; `end <= start` means the window runs past midnight. */
  start: number;
  end: number;
  zone: Zone;
  text: string;
}

type Zone = { kind: 'offset'; minutes: number; name: string } | { kind: 'iana'; name: string; format: Intl.DateTimeFormat };

/** When signing is expected, e.g. `Mon-Fri 07:00-19:00 UTC`; anything else is outside it. */
export interface SigningWindow {
  readonly text: string;
  contains(at: Date): boolean;
}

/**
 * Parses a signing window: one or more clauses separated by `;`, each
 * `<days> <HH:MM>-<HH:MM> [<zone>]`. Days: `Mon-Fri`, `Sat,Sun`, `Fri-Mon` (wraps), `Daily` or
 * `*`. The end is exclusive and may be `24:00`; an end at or before the start runs past midnight
 * (`Mon-Fri 22:00-06:00` opens Monday night and closes Tuesday morning). Zone: `UTC` (default),
 * an offset like `+02:00`, or an IANA name like `Europe/Paris` (daylight saving applied).
 */
export function parseSigningWindow(text: string): SigningWindow {
  const clauses = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseClause);
  if (clauses.length === 0) throw bad(text, 'it is empty');
  return {
    text: clauses.map((c) => c.text).join('; '),
    contains: (at) => clauses.some((c) => clauseContains(c, at)),
  };
}

function bad(text: string, why: string): CorrelationError {
  return new CorrelationError('invalid-signing-window', `signing window ${JSON.stringify(text.slice(0, 100))}: ${why} (expected e.g. "Mon-Fri 07:00-19:00 UTC")`);
}

function parseClause(text: string): Clause {
  const parts = text.split(/\s+/);
  if (parts.length < 2 || parts.length > 3) throw bad(text, 'expected <days> <HH:MM>-<HH:MM> [zone]');
  const days = parseDays(text, parts[0]!);
  const range = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(parts[1]!);
  if (!range) throw bad(text, `${JSON.stringify(parts[1])} is not a time range HH:MM-HH:MM`);
  const start = minutes(text, range[1]!, range[2]!, false);
  const end = minutes(text, range[3]!, range[4]!, true);
  if (start === end) throw bad(text, 'the range is empty (start equals end)');
  const zone = parseZone(text, parts[2] ?? 'UTC');
  return { days, start, end, zone, text: `${parts[0]} ${parts[1]} ${zone.name}` };
}

function dayIndex(text: string, token: string): number {
  const t = token.toLowerCase();
  const i = (DAYS as readonly string[]).indexOf(t);
  const j = LONG_DAYS.indexOf(t);
  if (i === -1 && j === -1) throw bad(text, `${JSON.stringify(token)} is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`);
  return i !== -1 ? i : j;
}

function parseDays(text: string, spec: string): Set<number> {
  if (spec === '*' || spec.toLowerCase() === 'daily') return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of spec.split(',')) {
    const [from, to, extra] = item.split('-');
    if (extra !== undefined || !from) throw bad(text, `${JSON.stringify(item)} is not a day or a day range`);
    const a = dayIndex(text, from);
    if (to === undefined) {
      days.add(a);
      continue;
    }
    const b = dayIndex(text, to);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return days;
}

function minutes(text: string, hh: string, mm: string, isEnd: boolean): number {
  const h = Number(hh);
  const m = Number(mm);
  if (m > 59 || h > 24 || (h === 24 && (m !== 0 || !isEnd))) throw bad(text, `${hh}:${mm} is not a time of day${h === 24 ? ' (24:00 only as an end)' : ''}`);
  return h * 60 + m;
}

function parseZone(text: string, token: string): Zone {
  if (token === 'UTC' || token === 'Z' || token === 'GMT') return { kind: 'offset', minutes: 0, name: 'UTC' };
  const offset = /^(?:UTC)?([+-])(\d{2}):(\d{2})$/.exec(token);
  if (offset) {
    const total = Number(offset[2]) * 60 + Number(offset[3]);
    if (Number(offset[2]) > 14 || Number(offset[3]) > 59) throw bad(text, `${token} is not a UTC offset`);
    return { kind: 'offset', minutes: offset[1] === '-' ? -total : total, name: `${offset[1]}${offset[2]}:${offset[3]}` };
  }
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(token)) throw bad(text, `${JSON.stringify(token)} is not a time zone (UTC, +02:00 or an IANA name like Europe/Paris)`);
  try {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: token, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return { kind: 'iana', name: format.resolvedOptions().timeZone, format };
  } catch (err) {
    throw new CorrelationError('invalid-signing-window', `signing window ${JSON.stringify(text)}: unknown time zone ${JSON.stringify(token)}`, { cause: err });
  }
}

/** The weekday (0 = Sunday) and minute of the day at `at` in the clause's zone. */
function local(zone: Zone, at: Date): { day: number; minute: number } {
  if (zone.kind === 'offset') {
    const shifted = new Date(at.getTime() + zone.minutes * 60_000);
    return { day: shifted.getUTCDay(), minute: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
  }
  const parts = Object.fromEntries(zone.format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: DAYS.indexOf(String(parts.weekday).toLowerCase() as (typeof DAYS)[number]), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

function clauseContains(c: Clause, at: Date): boolean {
  const { day, minute } = local(c.zone, at);
  if (c.start < c.end) return c.days.has(day) && minute >= c.start && minute < c.end;
  // Runs past midnight: the evening of an opening day, or the early hours after one.
  return (c.days.has(day) && minute >= c.start) || (c.days.has((day + 6) % 7) && minute < c.end);
}
