import { DateTime } from "luxon";
import { DEFAULT_WORKING_HOURS, insideWorkingHours, type WorkingHours } from "./working-hours.js";

/** How many weeks of sample history the sandbox has: the punctuality page's whole span. */
export const HISTORY_WEEKS = 12;
/** History stops before the sample connection was made (three days ago): those were placed quietly. */
const HISTORY_ENDS_DAYS_AGO = 4;

export type HistoryOutcome = "on_time" | "late" | "missed";

export interface HistoryMeeting {
  /** stable within a seed: "history:<yyyy-mm-dd>:<slot>" */
  key: string;
  title: string;
  start: Date;
  end: Date;
  with: { name: string; email: string };
  outcome: HistoryOutcome;
  /** when the user joined the call (attended ones), relative to the start */
  joinedAfterMinutes: number | null;
}

const PEOPLE = [
  { title: "Weekly sync with Northwind Traders", name: "Priya Raman", email: "priya.raman@northwind.example" },
  { title: "Account review with Globex", name: "Marco Ruiz", email: "marco.ruiz@globex.example" },
  { title: "Shipping plan with Acme Logistics", name: "Dana Whitfield", email: "dana.whitfield@acme-logistics.example" },
  { title: "Roadmap call with Initech", name: "Sam Okafor", email: "sam.okafor@initech.example" },
  { title: "Partnership catch-up with Brightline", name: "Jordan Lee", email: "jordan.lee@brightline.example" },
  { title: "Forecast review with Umbrella Corp", name: "Lena Fischer", email: "lena.fischer@umbrella.example" },
  { title: "Pricing follow-up with Contoso", name: "Ines Duarte", email: "ines.duarte@contoso.example" },
] as const;

/** Slots as minutes after the working day's start; each day uses the ones that fit its hours. */
const SLOT_OFFSETS = [30, 120, 300, 390];

/**
 * Twelve weeks of past meetings so the punctuality page tells a story: the habit improving
 * from about one meeting in three going wrong to about one in ten, with the late ones
 * clustered in the first slot after lunch (the hour chart then shows where it hurts).
 * Deterministic (no randomness): the same `now`, zone and hours give the same history.
 * Inside the working hours, on working days, ending at least four days before now.
 */
export function sampleHistory(now: Date, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): HistoryMeeting[] {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf("day");
  const first = today.minus({ weeks: HISTORY_WEEKS - 1 }).startOf("week");
  const last = today.minus({ days: HISTORY_ENDS_DAYS_AGO });
  const [startHour = 9, startMinute = 0] = hours.start.split(":").map(Number);
  const meetings: HistoryMeeting[] = [];
  let counter = 0;
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday)) continue;
    const dayStart = day.set({ hour: startHour, minute: startMinute });
    // Two meetings most days, three every third day.
    const perDay = counter % 3 === 0 ? 3 : 2;
    const offsets = SLOT_OFFSETS.filter((_, index) => (index + day.ordinal) % SLOT_OFFSETS.length < perDay);
    for (const [slot, offset] of offsets.entries()) {
      const length = slot % 2 === 0 ? 30 : 45;
      const start = dayStart.plus({ minutes: offset });
      if (!insideWorkingHours(start, length, hours)) continue;
      const progress = day.diff(first, "days").days / Math.max(1, last.diff(first, "days").days);
      const outcome = outcomeOf(counter, progress, offset >= 300);
      const person = PEOPLE[counter % PEOPLE.length]!;
      meetings.push({
        key: `history:${day.toISODate()}:${slot}`,
        title: person.title,
        start: start.toJSDate(),
        end: start.plus({ minutes: length }).toJSDate(),
        with: { name: person.name, email: person.email },
        outcome,
        joinedAfterMinutes: outcome === "missed" ? null : outcome === "late" ? 7 + (counter % 4) * 4 : -1 + (counter % 3),
      });
      counter++;
    }
  }
  return meetings;
}

/**
 * Early weeks go wrong about one time in three, the last ones about one in ten; afternoons a
 * little more often. A fixed pattern stands in for chance so the page reads the same each seed.
 */
function outcomeOf(counter: number, progress: number, afternoon: boolean): HistoryOutcome {
  const wrongPercent = Math.round(34 - 24 * progress + (afternoon ? 8 : 0));
  // A low-discrepancy sequence over 0–99: spreads the bad ones evenly instead of in runs.
  const draw = (counter * 61) % 100;
  if (draw >= wrongPercent) return "on_time";
  return draw % 4 === 0 ? "missed" : "late";
}
