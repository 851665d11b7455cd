import { describe, expect, it } from 'vitest';
import { addDays, addHours, addMonths, alertExpiry } from './time';

const at = (iso: string) => new Date(iso);

describe('addMonths', () => {
  it.each([
    ['2025-03-15T09:30:00.000Z', 1, '2025-04-15T09:30:00.000Z'],
    ['2025-01-31T10:15:00.000Z', 1, '2025-02-28T10:15:00.000Z'],
    ['2024-01-31T10:15:00.000Z', 1, '2024-02-29T10:15:00.000Z'],
    ['2026-11-30T23:59:59.999Z', 3, '2027-02-28T23:59:59.999Z'],
    ['2027-11-30T12:00:00.000Z', 3, '2028-02-29T12:00:00.000Z'],
    ['2025-10-15T07:00:00.000Z', 3, '2026-01-15T07:00:00.000Z'],
    ['2025-05-31T00:00:00.000Z', 1, '2025-06-30T00:00:00.000Z'],
    ['2025-08-31T06:00:00.000Z', 3, '2025-11-30T06:00:00.000Z'],
    ['2025-01-31T10:15:00.000Z', 12, '2026-01-31T10:15:00.000Z'],
    ['2025-03-31T10:15:00.000Z', -1, '2025-02-28T10:15:00.000Z'],
    ['2025-04-30T10:15:00.000Z', 0, '2025-04-30T10:15:00.000Z'],
  ])('%s + %i months = %s', (start, months, expected) => {
    expect(addMonths(at(start), months, 'UTC').toISOString()).toBe(expected);
  });

  it('does not change the date it was given', () => {
    const start = at('2025-01-31T10:15:00.000Z');
    addMonths(start, 1, 'UTC');
    expect(start.toISOString()).toBe('2025-01-31T10:15:00.000Z');
  });

  it('gives an alert confirmed on 30 November a life until 28 February', () => {
    const confirmedAt = at('2026-11-30T08:00:00.000Z');
    expect(alertExpiry(confirmedAt, 'Europe/Helsinki').toISOString()).toBe(
      '2027-02-28T08:00:00.000Z',
    );
  });

  it.each([
    // 01:00 on 31 January in Helsinki (30 January in UTC): 30 April, not 1 May
    ['2027-01-30T23:00:00.000Z', '2027-04-29T22:00:00.000Z'],
    // 00:30 on 1 March in Helsinki (28 February in UTC): 1 June, not 28 May
    ['2027-02-28T22:30:00.000Z', '2027-05-31T21:30:00.000Z'],
    // across the change to summer time: the same local hour, 10:00
    ['2027-01-15T08:00:00.000Z', '2027-04-15T07:00:00.000Z'],
    // and back to winter time
    ['2027-09-15T07:00:00.000Z', '2027-12-15T08:00:00.000Z'],
  ])('counts the months on the Helsinki calendar: %s → %s', (start, expected) => {
    expect(alertExpiry(at(start), 'Europe/Helsinki').toISOString()).toBe(expected);
  });

  it('lands an hour on when the local time does not exist that day (summer time begins)', () => {
    // 03:30 on 28 December in Helsinki; 28 March 2027 has no 03:00–04:00
    const expiry = addMonths(at('2026-12-28T01:30:00.000Z'), 3, 'Europe/Helsinki');
    expect(expiry.toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });
});

describe('addHours', () => {
  it.each([
    ['2025-06-01T12:00:00.000Z', 48, '2025-06-03T12:00:00.000Z'],
    ['2025-12-31T23:00:00.000Z', 2, '2026-01-01T01:00:00.000Z'],
    ['2025-06-01T12:00:00.000Z', -1, '2025-06-01T11:00:00.000Z'],
    ['2025-06-01T12:00:00.000Z', 0.25, '2025-06-01T12:15:00.000Z'],
  ])('%s + %d hours = %s', (start, hours, expected) => {
    expect(addHours(at(start), hours).toISOString()).toBe(expected);
  });

  it('counts elapsed hours, so a night with a DST change is still 24 hours long', () => {
    // Finland moves its clocks forward at 01:00 UTC on 30 March 2025.
    expect(addHours(at('2025-03-29T22:00:00.000Z'), 24).toISOString()).toBe(
      '2025-03-30T22:00:00.000Z',
    );
  });
});

describe('addDays', () => {
  it.each([
    ['2025-02-27T07:00:00.000Z', 2, '2025-03-01T07:00:00.000Z'],
    ['2024-02-28T07:00:00.000Z', 1, '2024-02-29T07:00:00.000Z'],
    ['2025-12-25T07:00:00.000Z', 30, '2026-01-24T07:00:00.000Z'],
    ['2025-06-08T07:00:00.000Z', -7, '2025-06-01T07:00:00.000Z'],
  ])('%s + %i days = %s', (start, days, expected) => {
    expect(addDays(at(start), days).toISOString()).toBe(expected);
  });

  it('does not change the date it was given', () => {
    const start = at('2025-06-01T12:00:00.000Z');
    addDays(start, 7);
    addHours(start, 7);
    expect(start.toISOString()).toBe('2025-06-01T12:00:00.000Z');
  });
});
