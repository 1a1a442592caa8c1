// Wall-clock times and repeating schedules in an IANA zone. Calendar steps
// (days, weeks) are taken on the local date and the time of day is re-applied
// in the zone, so a 09:00 post stays at 09:00 across daylight-saving changes;
// the database stores the resulting UTC instant plus the zone.
import { TZDate } from '@date-fns/tz';
import type { Recurrence } from '../../../shared/contract';

const DAY_MS = 86_400_000;

interface LocalDay {
  year: number;
  /** 0-11 */
  month: number;
  day: number;
}

/** A calendar day as a UTC-midnight epoch day number: plain arithmetic, no DST. */
const epochDay = (d: LocalDay): number => Date.UTC(d.year, d.month, d.day) / DAY_MS;
const fromEpochDay = (n: number): LocalDay => {
  const date = new Date(n * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate() };
};
const weekday = (n: number): number => new Date(n * DAY_MS).getUTCDay();

function localParts(instant: Date, timeZone: string): LocalDay & { hours: number; minutes: number } {
  const local = new TZDate(instant.getTime(), timeZone);
  return {
    year: local.getFullYear(),
    month: local.getMonth(),
    day: local.getDate(),
    hours: local.getHours(),
    minutes: local.getMinutes(),
  };
}

/**
 * The instant a wall-clock time names in a zone. A time skipped by a
 * spring-forward change moves forward by the gap (02:30 → 03:30); a time that
 * happens twice in the autumn resolves to the later one.
 */
export function zonedInstant(day: LocalDay, hours: number, minutes: number, timeZone: string): Date {
  return new Date(new TZDate(day.year, day.month, day.day, hours, minutes, 0, timeZone).getTime());
}

/** 'YYYY-MM-DDTHH:mm' (or with a space, optional seconds ignored) in `timeZone` → the UTC instant. */
export function wallClockToInstant(local: string, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(local);
  if (!match) throw new RangeError(`Not a local date-time: ${local}`);
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const day = { year: y, month: mo - 1, day: d };
  // Reject 2025-02-31 and 25:00 rather than letting Date roll them over.
  const check = fromEpochDay(epochDay(day));
  if (check.month !== day.month || check.day !== day.day || h > 23 || mi > 59) {
    throw new RangeError(`Not a real date and time: ${local}`);
  }
  return zonedInstant(day, h, mi, timeZone);
}

const parseLocalDate = (value: string): LocalDay => {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return { year: y, month: m - 1, day: d };
};

/**
 * The occurrence after `current` (index `currentIndex`, 0 for the first) of a
 * series whose first occurrence is `anchor`, or null when the series has ended.
 * The anchor's local time of day is kept for every occurrence.
 */
export function nextOccurrence(
  rule: Recurrence,
  timeZone: string,
  anchor: Date,
  current: Date,
  currentIndex: number,
): { at: Date; index: number } | null {
  const index = currentIndex + 1;
  if (rule.count !== undefined && index >= rule.count) return null;
  const first = localParts(anchor, timeZone);
  const firstDay = epochDay(first);
  // An occurrence moved by hand keeps the series on its own rhythm: step from whichever is later.
  const fromDay = Math.max(epochDay(localParts(current, timeZone)), firstDay);
  let candidate: number | null = null;
  if (rule.freq === 'daily') {
    const steps = Math.floor((fromDay - firstDay) / rule.interval) + 1;
    candidate = firstDay + steps * rule.interval;
  } else {
    const weekdays = new Set(rule.weekdays);
    const firstWeekStart = firstDay - weekday(firstDay);
    for (let day = fromDay + 1; day <= fromDay + 7 * rule.interval + 7; day++) {
      const week = Math.floor((day - firstWeekStart) / 7);
      if (week % rule.interval === 0 && weekdays.has(weekday(day))) {
        candidate = day;
        break;
      }
    }
  }
  if (candidate === null) return null;
  if (rule.until !== undefined && candidate > epochDay(parseLocalDate(rule.until))) return null;
  return { at: zonedInstant(fromEpochDay(candidate), first.hours, first.minutes, timeZone), index };
}

/** The first `limit` occurrences of a series (the anchor included), for previews and tests. */
export function occurrences(rule: Recurrence, timeZone: string, anchor: Date, limit: number): Date[] {
  const out = [anchor];
  let current = { at: anchor, index: 0 };
  while (out.length < limit) {
    const next = nextOccurrence(rule, timeZone, anchor, current.at, current.index);
    if (!next) break;
    out.push(next.at);
    current = next;
  }
  return out;
}
