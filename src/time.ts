/** Adds calendar months on the UTC calendar, clamping to the month's last day. */
function addUtcMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** A moment on the wall clock of a time zone; `weekday` 0 is Sunday. */
export interface ZoneParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** What `timeZone`'s wall clock reads at `instant`. */
export function zoneParts(instant: Date | number, timeZone: string): ZoneParts {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    zoneFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(instant).map((entry) => [entry.type, entry.value]),
  );
  return {
    year: Number(part.year),
    month: Number(part.month),
    day: Number(part.day),
    weekday: weekdays.indexOf(part.weekday ?? ''),
    hour: Number(part.hour),
    minute: Number(part.minute),
    second: Number(part.second),
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const local = zoneParts(instant, timeZone);
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which `timeZone`'s wall clock reads `wall` (a time on the UTC calendar standing
 * for the local one): the offset of a first guess, checked once more across a change of daylight
 * saving time. A wall time that a change skips comes out an hour later or earlier.
 */
export function fromWallClock(wall: number, timeZone: string): Date {
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone));
}

/**
 * Adds calendar months as the service's users count them: on the local calendar of `timeZone`,
 * clamping to the month's last day (31 Jan + 1 month = 28/29 Feb), at the same local time. On
 * the UTC calendar an alert confirmed at 01:00 on 31 January in Helsinki would run to 1 May.
 */
export function addMonths(date: Date, months: number, timeZone: string): Date {
  const wall = date.getTime() + zoneOffsetMs(date.getTime(), timeZone);
  return fromWallClock(addUtcMonths(new Date(wall), months).getTime(), timeZone);
}

export const addHours = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);
export const addDays = (date: Date, days: number) => addHours(date, days * 24);

/** How long an alert lives after confirmation or renewal (SPEC.md §1.2). */
export const ALERT_LIFETIME_MONTHS = 3;

/** When an alert confirmed or renewed at `from` expires: three months on, as users count them. */
export const alertExpiry = (from: Date, timeZone: string) =>
  addMonths(from, ALERT_LIFETIME_MONTHS, timeZone);
