// react-big-calendar lays out plain Dates in the browser's own zone. To show a
// brand's calendar in the brand's zone, each instant becomes a "zoned face": a
// Date whose local fields (year … minute) read what a clock in the brand's zone
// shows. Faces only live inside the calendar; what leaves it is a wall-clock
// string plus the zone ('YYYY-MM-DDTHH:mm', timeZone), which the engine turns
// back into an instant, or a real instant computed with @date-fns/tz.
import { TZDate } from '@date-fns/tz';

const pad = (n: number) => String(n).padStart(2, '0');

/** The face of `instant` in `timeZone`: a local Date showing that zone's wall clock. */
export function toZonedFace(instant: Date | string, timeZone: string): Date {
  const zoned = new TZDate(new Date(instant).getTime(), timeZone);
  return new Date(
    zoned.getFullYear(),
    zoned.getMonth(),
    zoned.getDate(),
    zoned.getHours(),
    zoned.getMinutes(),
    zoned.getSeconds(),
  );
}

/** The instant a face names in `timeZone`. */
export function fromZonedFace(face: Date, timeZone: string): Date {
  return new Date(
    new TZDate(
      face.getFullYear(),
      face.getMonth(),
      face.getDate(),
      face.getHours(),
      face.getMinutes(),
      face.getSeconds(),
      timeZone,
    ).getTime(),
  );
}

/** A face as the contract's wall-clock time, 'YYYY-MM-DDTHH:mm'. */
export function faceToWallClock(face: Date): string {
  return `${face.getFullYear()}-${pad(face.getMonth() + 1)}-${pad(face.getDate())}T${pad(face.getHours())}:${pad(face.getMinutes())}`;
}

/** `instant` as a wall-clock time in `timeZone`, for a datetime-local input. */
export function wallClockIn(instant: Date, timeZone: string): string {
  return faceToWallClock(toZonedFace(instant, timeZone));
}

/** The start of the next whole minute after `now`, in `timeZone`, as a wall-clock time. */
export function nextMinuteWallClock(now: Date, timeZone: string): string {
  return wallClockIn(new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000), timeZone);
}

/** A default publishing time: the next whole minute an hour from now, on `timeZone`'s clock. */
export function anHourFromNow(timeZone: string): string {
  return nextMinuteWallClock(new Date(Date.now() + 60 * 60_000), timeZone);
}

/** The zone's short name at `at`, e.g. "CST" or "GMT+2", to name the zone beside a time. */
export function zoneAbbreviation(timeZone: string, at: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName');
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** "Tue, Mar 4, 2025, 09:00 (America/Chicago, CST)": a time shown in the zone it belongs to. */
export function formatInZone(instant: Date | string, timeZone: string): string {
  const at = new Date(instant);
  const text = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${text} (${timeZone}, ${zoneAbbreviation(timeZone, at)})`;
}
