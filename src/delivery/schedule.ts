import type { Frequency } from '../db/schema';
import { fromWallClock, zoneParts } from '../time';

/** Digests go out at this local hour: `daily` every day, `weekly` on Mondays (SPEC.md §2). */
export const DIGEST_HOUR = 7;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const { year, month, day, weekday } = zoneParts(instant, timeZone);
  return { year, month, day, weekday };
}

/** The instant of a local wall-clock time in `timeZone` (unambiguous at 07:00 in Europe). */
function atLocalTime(date: LocalParts, hour: number, timeZone: string): Date {
  return fromWallClock(Date.UTC(date.year, date.month - 1, date.day, hour), timeZone);
}

function previousDay(date: LocalParts): LocalParts {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day - 1));
  return {
    year: utc.getUTCFullYear(),
    month: utc.getUTCMonth() + 1,
    day: utc.getUTCDate(),
    weekday: utc.getUTCDay(),
  };
}

/**
 * The most recent moment at or before `now` when an alert of this frequency was due a digest:
 * now for `immediate`, the last 07:00 for `daily`, the last Monday 07:00 for `weekly`, in the
 * service's time zone, whatever daylight saving time did in between.
 */
export function latestDigestSlot(frequency: Frequency, now: Date, timeZone: string): Date {
  if (frequency === 'immediate') return now;
  let day: LocalParts = localParts(now, timeZone);
  for (let back = 0; back < 8; back++) {
    const slot = atLocalTime(day, DIGEST_HOUR, timeZone);
    const dayFits = frequency === 'daily' || day.weekday === 1;
    if (dayFits && slot.getTime() <= now.getTime()) return slot;
    day = previousDay(day);
  }
  throw new Error('unreachable: a slot lies within the last eight days');
}

/**
 * Whether an alert is due a digest now: one of its matches not yet mailed was recorded by the
 * latest slot, and its last digest (or, before the first one, its confirmation) came before that
 * slot. A match recorded after the slot waits for the next one: a daily alert whose 07:00 found
 * nothing is mailed a match of 10:00 at 07:00 the next day, not at once. A service that was down
 * for a week finds each alert due once, not seven times. Immediate alerts are due whenever they
 * have a match not yet mailed.
 */
export function isDigestDue(
  alert: {
    frequency: Frequency;
    lastDigestAt: Date | null;
    confirmedAt: Date | null;
    /** when the oldest of its matches not yet mailed was recorded; null when there is none */
    oldestUnmailedAt: Date | null;
  },
  now: Date,
  timeZone: string,
): boolean {
  const since = alert.lastDigestAt ?? alert.confirmedAt;
  if (!since || !alert.oldestUnmailedAt) return false;
  if (alert.frequency === 'immediate') return true;
  const slot = latestDigestSlot(alert.frequency, now, timeZone).getTime();
  return since.getTime() < slot && alert.oldestUnmailedAt.getTime() <= slot;
}
