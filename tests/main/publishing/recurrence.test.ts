import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { Recurrence } from '../../../src/shared/contract';
import { nextOccurrence, occurrences, wallClockToInstant } from '../../../src/main/engine/publishing/recurrence';

const local = (d: Date, zone: string) => {
  const t = new TZDate(d.getTime(), zone);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')} ${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
};
const rule = (input: unknown) => Recurrence.parse(input);

describe('recurrence across daylight-saving changes', () => {
  it.each([
    ['Europe/Paris', '2025-03-28T09:00', ['08:00', '08:00', '07:00', '07:00']], // clocks go forward on Sunday 30 March
    ['Europe/Paris', '2025-10-24T09:00', ['07:00', '07:00', '08:00', '08:00']], // and back on Sunday 26 October
    ['America/New_York', '2025-03-07T09:00', ['14:00', '14:00', '13:00', '13:00']], // forward on Sunday 9 March
    ['America/New_York', '2025-10-31T09:00', ['13:00', '13:00', '14:00', '14:00']], // back on Sunday 2 November
  ])('keeps 09:00 local every day in %s from %s', (zone, start, utcHours) => {
    const days = occurrences(rule({ freq: 'daily', interval: 1, count: 4 }), zone, wallClockToInstant(start, zone), 10);
    expect(days).toHaveLength(4);
    expect(days.map((d) => local(d, zone).slice(11))).toEqual(['09:00', '09:00', '09:00', '09:00']);
    expect(days.map((d) => d.toISOString().slice(11, 16))).toEqual(utcHours);
  });

  it('steps weekly on the chosen weekdays every other week, until the end date', () => {
    // Monday 3 March 2025, Paris; Mondays and Thursdays, every 2 weeks, until 31 March.
    const anchor = wallClockToInstant('2025-03-03T09:00', 'Europe/Paris');
    const r = rule({ freq: 'weekly', interval: 2, weekdays: [1, 4], until: '2025-03-31' });
    expect(occurrences(r, 'Europe/Paris', anchor, 20).map((d) => local(d, 'Europe/Paris'))).toEqual([
      '2025-03-03 09:00',
      '2025-03-06 09:00',
      '2025-03-17 09:00',
      '2025-03-20 09:00',
      '2025-03-31 09:00', // after the change to summer time, still 09:00
    ]);
  });

  it('ends after `count` occurrences, the first included, and refuses a series with no end', () => {
    const anchor = wallClockToInstant('2025-01-01T18:30', 'UTC');
    expect(occurrences(rule({ freq: 'daily', interval: 3, count: 2 }), 'UTC', anchor, 10).map((d) => d.toISOString())).toEqual([
      '2025-01-01T18:30:00.000Z',
      '2025-01-04T18:30:00.000Z',
    ]);
    expect(nextOccurrence(rule({ freq: 'daily', interval: 1, count: 1 }), 'UTC', anchor, anchor, 0)).toBeNull();
    expect(Recurrence.safeParse({ freq: 'daily', interval: 1 }).success).toBe(false);
  });

  it('reads wall-clock times in the zone, moving a time skipped by the spring change forward', () => {
    expect(wallClockToInstant('2025-07-01T09:00', 'Europe/Paris').toISOString()).toBe('2025-07-01T07:00:00.000Z');
    expect(wallClockToInstant('2025-03-30 02:30', 'Europe/Paris').toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(() => wallClockToInstant('2025-02-30T09:00', 'UTC')).toThrow(RangeError);
  });
});
