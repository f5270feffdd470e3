import { DateTime, IANAZone } from "luxon";

/**
 * Concrete times to offer in a reschedule proposal (PRODUCT §4; seed 002: "Would you have
 * any time next Wednesday or Thursday?"; seed 000 step 5: as soon as possible).
 *
 * Decisions, so that callers and tests can rely on them:
 * - Never today: the first candidate day is the next working day in the user's zone.
 *   Offering "later today" to someone you just stood up reads as rushed, and it removes
 *   the "fewer than ~2 h left today" edge. As a safety net no slot starts less than
 *   `MIN_NOTICE_MINUTES` after `now` either.
 * - The horizon is counted in working days (`workingHours.days`), starting tomorrow:
 *   with the default 5 and a Mon–Fri week, a Friday afternoon looks at Mon–Fri next week.
 *   Public holidays are not known here; the busy list is the only source of "not free".
 * - One slot per day, on the earliest days that have room, so the other person gets a
 *   real choice of days (2–3 of them) and the earliest chance to meet again.
 * - Within a day the slot is chosen by a fixed preference (see `preferenceRank`):
 *   mid-morning 10:00–11:30 first, then early afternoon 13:30–15:00, then any other
 *   time in working hours; earliest first inside each band. Starts are on :00/:30 in
 *   the user's zone.
 * - A slot keeps `marginMinutes` (default 30) clear of every busy interval on both sides:
 *   seed 000 step 9 asks for full attention and no appointments near the second meeting,
 *   and the buffer step later puts a 30–45 minute block before it.
 * - Busy intervals with `end <= start` are ignored (zero-length markers are not busy
 *   time); nothing else is assumed busy. When the calendar is full, fewer slots (or none)
 *   come back.
 * - Local wall-clock times are resolved per day with luxon, so 10:00 on a DST-change day
 *   is 10:00 local; the slot's length is real elapsed minutes. A start that does not
 *   exist locally (inside a spring-forward gap) is skipped.
 * - Bad input (unknown zone, invalid dates, malformed "HH:mm", count outside 2–3) throws
 *   a RangeError naming the field: a silent default zone would put meetings at the wrong
 *   hour.
 */

export interface BusyInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface WorkingHours {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly days: readonly number[];
  /** "HH:mm", local to the user's zone. */
  readonly start: string;
  /** "HH:mm" (or "24:00"), later than `start` on the same day. */
  readonly end: string;
}

export interface ProposedSlot {
  start: Date;
  end: Date;
  /** The zone the slot was chosen in (the user's), for formatting. */
  timeZone: string;
}

export interface ProposeSlotsInput {
  busy: readonly BusyInterval[];
  now: Date;
  durationMinutes: number;
  /** IANA zone of the user. */
  timeZone: string;
  workingHours: WorkingHours;
  /** How many slots to offer: 2 or 3 (default 3). */
  count?: number;
  /** How many working days ahead to look, from tomorrow (default 5). */
  horizonBusinessDays?: number;
  /** Clear minutes kept before and after every busy interval (default 30). */
  marginMinutes?: number;
}

export const SLOT_DEFAULTS = {
  count: 3,
  horizonBusinessDays: 5,
  marginMinutes: 30,
} as const;

/** No slot starts sooner than this after `now`. */
export const MIN_NOTICE_MINUTES = 120;
/** Slot starts are aligned to this many minutes past the hour (:00 and :30). */
export const SLOT_STEP_MINUTES = 30;

const MINUTE_MS = 60_000;

const PREFERRED_BANDS: ReadonlyArray<readonly [from: number, to: number]> = [
  [10 * 60, 11 * 60 + 30], // mid-morning: people are settled in, not yet at lunch
  [13 * 60 + 30, 15 * 60], // early afternoon, after lunch
];

/** Lower is better: band index, then minute of day (earliest first). */
export function preferenceRank(minuteOfDay: number): number {
  const band = PREFERRED_BANDS.findIndex(([from, to]) => minuteOfDay >= from && minuteOfDay <= to);
  const bandIndex = band === -1 ? PREFERRED_BANDS.length : band;
  return bandIndex * 24 * 60 + minuteOfDay;
}

export function proposeSlots(input: ProposeSlotsInput): ProposedSlot[] {
  const { timeZone } = input;
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`timeZone is not a known IANA zone: ${timeZone}`);
  const nowMs = validDateMs(input.now, "now");
  const duration = positiveInteger(input.durationMinutes, "durationMinutes", 1, 24 * 60);
  const count = positiveInteger(input.count ?? SLOT_DEFAULTS.count, "count", 2, 3);
  const horizon = positiveInteger(input.horizonBusinessDays ?? SLOT_DEFAULTS.horizonBusinessDays, "horizonBusinessDays", 1, 60);
  const margin = positiveInteger(input.marginMinutes ?? SLOT_DEFAULTS.marginMinutes, "marginMinutes", 0, 24 * 60);
  const workStart = parseClock(input.workingHours.start, "workingHours.start", false);
  const workEnd = parseClock(input.workingHours.end, "workingHours.end", true);
  if (workEnd <= workStart) throw new RangeError("workingHours.end must be later than workingHours.start");
  const workDays = new Set<number>();
  for (const day of input.workingHours.days) {
    if (!Number.isInteger(day) || day < 1 || day > 7) throw new RangeError(`workingHours.days must hold ISO weekdays 1–7 (got ${day})`);
    workDays.add(day);
  }
  const busy = input.busy
    .map((interval, index) => ({
      start: validDateMs(interval.start, `busy[${index}].start`),
      end: validDateMs(interval.end, `busy[${index}].end`),
    }))
    .filter((interval) => interval.end > interval.start);
  if (workDays.size === 0) return [];

  const earliestStartMs = nowMs + MIN_NOTICE_MINUTES * MINUTE_MS;
  const isFree = (startMs: number, endMs: number): boolean =>
    busy.every((b) => endMs + margin * MINUTE_MS <= b.start || startMs >= b.end + margin * MINUTE_MS);

  const slots: ProposedSlot[] = [];
  let day = DateTime.fromMillis(nowMs, { zone: timeZone }).startOf("day");
  let workingDaysSeen = 0;
  while (workingDaysSeen < horizon && slots.length < count) {
    day = day.plus({ days: 1 });
    if (!workDays.has(day.weekday)) continue;
    workingDaysSeen += 1;
    const best = bestSlotOfDay(day, { workStart, workEnd, duration, timeZone, earliestStartMs, isFree });
    if (best) slots.push(best);
  }
  return slots;
}

interface DayRules {
  workStart: number;
  workEnd: number;
  duration: number;
  timeZone: string;
  earliestStartMs: number;
  isFree: (startMs: number, endMs: number) => boolean;
}

function bestSlotOfDay(day: DateTime, rules: DayRules): ProposedSlot | undefined {
  const workEndMs = localInstant(day, rules.workEnd, rules.timeZone).toMillis();
  const firstStart = Math.ceil(rules.workStart / SLOT_STEP_MINUTES) * SLOT_STEP_MINUTES;
  let best: { rank: number; startMs: number; endMs: number } | undefined;
  for (let minute = firstStart; minute + rules.duration <= rules.workEnd; minute += SLOT_STEP_MINUTES) {
    const start = localInstant(day, minute, rules.timeZone);
    // Inside a spring-forward gap luxon moves the time on; that wall-clock time does not exist.
    if (start.hour * 60 + start.minute !== minute) continue;
    const startMs = start.toMillis();
    const endMs = startMs + rules.duration * MINUTE_MS;
    if (endMs > workEndMs || startMs < rules.earliestStartMs) continue;
    if (!rules.isFree(startMs, endMs)) continue;
    const rank = preferenceRank(minute);
    if (!best || rank < best.rank) best = { rank, startMs, endMs };
  }
  return best && { start: new Date(best.startMs), end: new Date(best.endMs), timeZone: rules.timeZone };
}

/** The instant of a local wall-clock minute-of-day (0–1440) on `day` in `zone`. */
function localInstant(day: DateTime, minuteOfDay: number, zone: string): DateTime {
  if (minuteOfDay >= 24 * 60) return day.plus({ days: 1 }).startOf("day");
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
    { zone },
  );
}

function parseClock(value: string, field: string, allowEndOfDay: boolean): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || (hours === 24 && (minutes !== 0 || !allowEndOfDay))) {
    throw new RangeError(`${field} must be "HH:mm" (got ${JSON.stringify(value)})`);
  }
  return hours * 60 + minutes;
}

function validDateMs(value: Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${field} must be a valid Date`);
  return ms;
}

function positiveInteger(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}
