import { describe, expect, it } from 'vitest';
import { isDigestDue, latestDigestSlot } from './schedule';

const zone = 'Europe/Helsinki';
const at = (iso: string) => new Date(iso);

describe('latestDigestSlot', () => {
  it.each([
    // winter time, UTC+2: 07:00 local is 05:00Z
    ['daily', '2026-01-15T05:00:00Z', '2026-01-15T05:00:00.000Z'],
    ['daily', '2026-01-15T04:59:59Z', '2026-01-14T05:00:00.000Z'],
    // summer time, UTC+3: 07:00 local is 04:00Z
    ['daily', '2026-07-01T12:00:00Z', '2026-07-01T04:00:00.000Z'],
    // the spring change (29 March 2026, 03:00 → 04:00 local): the day before is still UTC+2
    ['daily', '2026-03-29T04:30:00Z', '2026-03-29T04:00:00.000Z'],
    ['daily', '2026-03-29T03:59:00Z', '2026-03-28T05:00:00.000Z'],
    // the autumn change (25 October 2026, 04:00 → 03:00 local)
    ['daily', '2026-10-25T05:00:00Z', '2026-10-25T05:00:00.000Z'],
    ['daily', '2026-10-25T04:30:00Z', '2026-10-24T04:00:00.000Z'],
    // weekly: Mondays 07:00 local
    ['weekly', '2026-03-31T10:00:00Z', '2026-03-30T04:00:00.000Z'],
    ['weekly', '2026-03-30T03:59:00Z', '2026-03-23T05:00:00.000Z'],
    ['weekly', '2026-11-22T20:00:00Z', '2026-11-16T05:00:00.000Z'],
  ] as const)('%s at %s is %s', (frequency, now, slot) => {
    expect(latestDigestSlot(frequency, at(now), zone).toISOString()).toBe(slot);
  });

  it('follows the configured time zone', () => {
    expect(latestDigestSlot('daily', at('2026-01-15T12:00:00Z'), 'UTC').toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(
      latestDigestSlot('daily', at('2026-01-15T11:59:00Z'), 'America/New_York').toISOString(),
    ).toBe('2026-01-14T12:00:00.000Z');
  });

  it('is now itself for immediate alerts', () => {
    const now = at('2026-05-05T05:05:05Z');
    expect(latestDigestSlot('immediate', now, zone)).toEqual(now);
  });
});

describe('isDigestDue', () => {
  const confirmedAt = at('2026-01-15T08:00:00Z');
  const matched = at('2026-01-15T09:00:00Z');

  it('waits for the first 07:00 after confirmation', () => {
    const alert = {
      frequency: 'daily' as const,
      lastDigestAt: null,
      confirmedAt,
      oldestUnmailedAt: matched,
    };
    expect(isDigestDue(alert, at('2026-01-15T20:00:00Z'), zone)).toBe(false);
    expect(isDigestDue(alert, at('2026-01-16T05:00:00Z'), zone)).toBe(true);
    expect(
      isDigestDue({ ...alert, oldestUnmailedAt: null }, at('2026-01-16T05:00:00Z'), zone),
    ).toBe(false);
  });

  it('is due once per slot however long the service was down', () => {
    const alert = {
      frequency: 'daily' as const,
      lastDigestAt: at('2026-01-10T05:00:00Z'),
      confirmedAt,
      oldestUnmailedAt: matched,
    };
    expect(isDigestDue(alert, at('2026-01-17T09:00:00Z'), zone)).toBe(true);
    const after = { ...alert, lastDigestAt: at('2026-01-17T09:00:00Z'), oldestUnmailedAt: null };
    const nextMatch = { ...after, oldestUnmailedAt: at('2026-01-17T10:00:00Z') };
    expect(isDigestDue(nextMatch, at('2026-01-17T23:00:00Z'), zone)).toBe(false);
    expect(isDigestDue(nextMatch, at('2026-01-18T05:00:00Z'), zone)).toBe(true);
  });

  it('keeps a match recorded after a slot that found nothing for the next slot', () => {
    // 07:00 on the 16th passed with nothing to mail; a match at 10:00 waits for the 17th.
    const daily = {
      frequency: 'daily' as const,
      lastDigestAt: null,
      confirmedAt,
      oldestUnmailedAt: at('2026-01-16T08:00:00Z'),
    };
    expect(isDigestDue(daily, at('2026-01-16T08:05:00Z'), zone)).toBe(false);
    expect(isDigestDue(daily, at('2026-01-17T04:59:00Z'), zone)).toBe(false);
    expect(isDigestDue(daily, at('2026-01-17T05:00:00Z'), zone)).toBe(true);
    // Weekly: a match of Wednesday the 21st waits for Monday the 26th, 07:00 in Helsinki.
    const weekly = {
      ...daily,
      frequency: 'weekly' as const,
      oldestUnmailedAt: at('2026-01-21T10:00:00Z'),
    };
    expect(isDigestDue(weekly, at('2026-01-21T10:05:00Z'), zone)).toBe(false);
    expect(isDigestDue(weekly, at('2026-01-26T04:59:00Z'), zone)).toBe(false);
    expect(isDigestDue(weekly, at('2026-01-26T05:00:00Z'), zone)).toBe(true);
  });

  it('is due for immediate alerts with a match not yet mailed, and never for unconfirmed ones', () => {
    const immediate = {
      frequency: 'immediate' as const,
      lastDigestAt: confirmedAt,
      confirmedAt,
      oldestUnmailedAt: confirmedAt,
    };
    expect(isDigestDue(immediate, confirmedAt, zone)).toBe(true);
    expect(isDigestDue({ ...immediate, oldestUnmailedAt: null }, confirmedAt, zone)).toBe(false);
    expect(
      isDigestDue(
        { frequency: 'daily', lastDigestAt: null, confirmedAt: null, oldestUnmailedAt: matched },
        confirmedAt,
        zone,
      ),
    ).toBe(false);
  });
});
