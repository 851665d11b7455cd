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

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    zoneFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((entry) => [entry.type, Number(entry.value)]),
  );
  const wall = Date.UTC(
    part.year ?? 0,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
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
