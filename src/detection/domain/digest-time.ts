import { DateTime } from "luxon";

/**
 * When the digest that lists a meeting settled at `settledAt` goes out: the end of the user's
 * working day in their zone, that day if it is still ahead, else the next day (an evening
 * dinner is asked about the next afternoon, not at midnight). `day` is that local date, which
 * names the digest: one per user and day.
 */
export function digestTimeFor(settledAt: Date, timeZone: string, workdayEnd: string): { day: string; dueAt: Date } {
  const [hour = 17, minute = 0] = workdayEnd.split(":").map(Number);
  const local = DateTime.fromJSDate(settledAt, { zone: timeZone });
  let due = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (due < local) due = due.plus({ days: 1 }).set({ hour, minute });
  return { day: due.toISODate() ?? due.toFormat("yyyy-MM-dd"), dueAt: due.toJSDate() };
}
