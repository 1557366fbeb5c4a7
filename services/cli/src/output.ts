import { CliError } from './errors';

/** Plain aligned columns; no colours so output pipes cleanly. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The --format value, checked against what the command can print (first is the default). */
export function formatOf<const F extends string>(value: unknown, allowed: readonly F[]): F {
  if (value === undefined) return allowed[0]!;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as F;
  throw new CliError('usage', `--format must be one of ${allowed.join(', ')}, not ${String(value)}`);
}
