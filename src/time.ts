/** Adds calendar months in UTC, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
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

export const addHours = (date: Date, hours: number) => new Date(date.getTime() + hours * 3_600_000);
export const addDays = (date: Date, days: number) => addHours(date, days * 24);

/** How long an alert lives after confirmation or renewal (SPEC.md §1.2). */
export const ALERT_LIFETIME_MONTHS = 3;
