import { DateTime } from "luxon";

/** The settings' working hours: ISO weekdays (1 = Monday) and "HH:mm" bounds in the user's zone. */
export interface WorkingHours {
  days: readonly number[];
  start: string;
  end: string;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

/** How far to look for a working day: past a fortnight the settings name no working day at all. */
const SEARCH_DAYS = 14;

const clockOf = (day: DateTime, hhmm: string) => {
  const [hour = 0, minute = 0] = hhmm.split(":").map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
};

/** Whether [start, start + minutes] lies inside one working day's hours. */
export function insideWorkingHours(start: DateTime, minutes: number, hours: WorkingHours): boolean {
  if (!hours.days.includes(start.weekday)) return false;
  const end = start.plus({ minutes });
  return start >= clockOf(start, hours.start) && end <= clockOf(start, hours.end) && end.hasSame(start, "day");
}

/**
 * The sample slot nearest to `wanted` that fits the working hours and ends no later than
 * `latestEnd`: `wanted` itself when it fits, else the latest fitting start before it (the same
 * day's, clamped to the hours, or an earlier working day's). Falls back to `wanted` when no day
 * in a fortnight works (a setting of one short day, say): a sample out of hours beats none.
 */
export function latestSlotBefore(wanted: DateTime, minutes: number, latestEnd: DateTime, hours: WorkingHours): DateTime {
  for (let back = 0; back <= SEARCH_DAYS; back++) {
    const day = wanted.minus({ days: back });
    if (!hours.days.includes(day.weekday)) continue;
    const dayEnd = DateTime.min(clockOf(day, hours.end), latestEnd);
    const candidate = DateTime.min(back === 0 ? wanted : dayEnd.minus({ minutes }), dayEnd.minus({ minutes }));
    const quarter = candidate.set({ minute: Math.floor(candidate.minute / 15) * 15, second: 0, millisecond: 0 });
    if (insideWorkingHours(quarter, minutes, hours) && quarter.plus({ minutes }) <= latestEnd) return quarter;
  }
  return wanted;
}

/**
 * The sample slot nearest to `wanted` that fits the working hours and starts no earlier than
 * `earliest`: `wanted` itself when it fits, else the first fitting start after it. Same
 * fallback as latestSlotBefore.
 */
export function firstSlotAfter(wanted: DateTime, minutes: number, earliest: DateTime, hours: WorkingHours): DateTime {
  const from = DateTime.max(wanted, earliest);
  for (let ahead = 0; ahead <= SEARCH_DAYS; ahead++) {
    const day = from.plus({ days: ahead });
    if (!hours.days.includes(day.weekday)) continue;
    const dayStart = clockOf(day, hours.start);
    const candidate = ahead === 0 ? DateTime.max(from, dayStart) : DateTime.max(dayStart, clockOf(day, from.toFormat("HH:mm")));
    const quarter = roundUpToQuarter(candidate);
    if (insideWorkingHours(quarter, minutes, hours)) return quarter;
    if (ahead > 0 && insideWorkingHours(dayStart, minutes, hours)) return dayStart;
  }
  return wanted;
}

function roundUpToQuarter(value: DateTime): DateTime {
  const clean = value.set({ second: 0, millisecond: 0 });
  const extra = clean.minute % 15 === 0 && value.second === 0 && value.millisecond === 0 ? 0 : 15 - (clean.minute % 15);
  return clean.plus({ minutes: extra === 15 ? 0 : extra });
}
