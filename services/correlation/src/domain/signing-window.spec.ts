import { describe, expect, it } from 'vitest';
import { CorrelationError } from './correlation-error';
import { parseSigningWindow } from './signing-window';

describe('parseSigningWindow', () => {
  // [window, instant, inside?]
  const cases: Array<[string, string, boolean]> = [
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-01T10:00:00Z', true], // Monday
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-01T07:00:00Z', true], // start is inclusive
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-01T06:59:59Z', false],
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-01T19:00:00Z', false], // end is exclusive
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-06T10:00:00Z', false], // Saturday
    ['Mon-Fri 07:00-19:00 UTC', '2024-07-07T10:00:00Z', false], // Sunday
    ['Mon-Fri 07:00-19:00', '2024-07-05T18:59:00Z', true], // zone defaults to UTC; Friday
    ['mon-fri 07:00-19:00 utc'.replace('utc', 'UTC'), '2024-07-02T12:00:00Z', true], // days case-insensitive
    ['Sat,Sun 00:00-24:00 UTC', '2024-07-06T23:59:00Z', true],
    ['Sat,Sun 00:00-24:00 UTC', '2024-07-08T00:00:00Z', false], // Monday midnight
    ['Fri-Mon 09:00-17:00 UTC', '2024-07-07T12:00:00Z', true], // day range wraps over the week end
    ['Fri-Mon 09:00-17:00 UTC', '2024-07-03T12:00:00Z', false], // Wednesday
    ['Mon-Fri 22:00-06:00 UTC', '2024-07-01T23:00:00Z', true], // Monday night
    ['Mon-Fri 22:00-06:00 UTC', '2024-07-02T05:00:00Z', true], // early Tuesday, opened Monday
    ['Mon-Fri 22:00-06:00 UTC', '2024-07-01T05:00:00Z', false], // early Monday: Sunday did not open
    ['Mon-Fri 22:00-06:00 UTC', '2024-07-06T05:00:00Z', true], // early Saturday, opened Friday
    ['Daily 08:00-09:00 +02:00', '2024-07-06T06:30:00Z', true], // 08:30 at +02:00
    ['Daily 08:00-09:00 +02:00', '2024-07-06T08:30:00Z', false],
    ['Mon 23:00-24:00 -05:00', '2024-07-02T04:30:00Z', true], // Monday 23:30 at -05:00 is Tuesday in UTC
    ['Mon-Fri 07:00-19:00 Europe/Paris', '2024-07-01T05:30:00Z', true], // 07:30 CEST (UTC+2)
    ['Mon-Fri 07:00-19:00 Europe/Paris', '2024-01-15T05:30:00Z', false], // 06:30 CET (UTC+1)
    ['Mon-Fri 07:00-19:00 Europe/Paris', '2024-01-15T06:30:00Z', true], // 07:30 CET
    ['Mon-Fri 07:00-12:00 UTC; Sat 09:00-10:00 UTC', '2024-07-06T09:30:00Z', true], // second clause
    ['Mon-Fri 07:00-12:00 UTC; Sat 09:00-10:00 UTC', '2024-07-01T13:00:00Z', false],
  ];
  it.each(cases)('%s contains %s: %s', (window, at, inside) => {
    expect(parseSigningWindow(window).contains(new Date(at))).toBe(inside);
  });

  it.each([
    ['', 'empty'],
    ['Mon-Fri', 'expected <days>'],
    ['Mon-Fri 7:00-19:00 UTC', 'not a time range'],
    ['Mon-Fry 07:00-19:00 UTC', '"Fry" is not a day'],
    ['Mon-Fri 07:00-25:00 UTC', 'not a time of day'],
    ['Mon-Fri 24:00-07:00 UTC', '24:00 only as an end'],
    ['Mon-Fri 07:60-19:00 UTC', 'not a time of day'],
    ['Mon-Fri 07:00-07:00 UTC', 'empty'],
    ['Mon-Fri 07:00-19:00 Mars/Olympus', 'unknown time zone'],
    ['Mon-Fri 07:00-19:00 CEST', 'not a time zone'],
    ['Mon-Fri 07:00-19:00 +15:00', 'not a UTC offset'],
    ['Mon-Wed-Fri 07:00-19:00 UTC', 'not a day or a day range'],
    ['Mon-Fri 07:00-19:00 UTC extra', 'expected <days>'],
  ])('refuses %j (%s)', (text, why) => {
    let error: unknown;
    try {
      parseSigningWindow(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CorrelationError);
    expect((error as CorrelationError).code).toBe('invalid-signing-window');
    expect((error as CorrelationError).message).toContain(why);
  });

  it('normalises its text', () => {
    expect(parseSigningWindow('Mon-Fri   07:00-19:00').text).toBe('Mon-Fri 07:00-19:00 UTC');
    expect(parseSigningWindow('Mon 08:00-09:00 europe/paris'.replace('europe/paris', 'Europe/Paris')).text).toBe('Mon 08:00-09:00 Europe/Paris');
  });
});
