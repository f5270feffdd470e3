import { DateTime } from "luxon";
import type { SandboxEventInput, SandboxPerson } from "./store.js";
import { DEFAULT_WORKING_HOURS, firstSlotAfter, latestSlotBefore, type WorkingHours } from "./working-hours.js";

/** The sandbox user: one per server, shared by everyone who presses "Try the sandbox". */
export const SANDBOX_ACCOUNT = { accountId: "sandbox-user", email: "alex.morgan@sandbox.example", name: "Alex Morgan" } as const;

const person = (name: string, email: string, isOrganizer = false): SandboxPerson => ({ email, name, response: "accepted", isOrganizer });

/** The client of the missed meeting; their number is in its description (the call reminder's tel: link). */
export const MISSED_CLIENT = { name: "Dana Whitfield", email: "dana.whitfield@acme-logistics.example", phone: "+1 415 555 0142", e164: "+14155550142" } as const;

/** The sandbox user's own Zoom meeting (their simulated Zoom account hosts it). */
export const SANDBOX_ZOOM_MEETING_ID = "85550100123";

/** The check-in-only meetings of yesterday that the sandbox's "yesterday's digest" asks about. */
export const YESTERDAY_SAMPLE_KEYS = ["yesterday-lunch", "yesterday-zoom"] as const;

/**
 * The sample calendar, relative to `now` in the user's zone: one meeting running late right
 * now, one missed earlier, one attended earlier (with conference evidence), one attended before
 * that in a Zoom meeting the user hosts (seen through the simulated Zoom account), upcoming ones later
 * and on the next working day, and one declined. Three we cannot see (no conference we can
 * read): a coffee starting in about four minutes (its nudge is due at once) and two of
 * yesterday's that got no check-in (asked about in yesterday's digest). Pure: the same inputs
 * give the same rows.
 *
 * Decision: the two samples that show what happens now (the meeting running late, the coffee
 * about to start) sit at now, whatever the hour: they are the demonstration. Every other sample
 * sits inside the user's working hours in the user's zone, as near as it can to its place in the
 * story (an earlier working day for "earlier" when today's hours have not begun, the next
 * working day for "later" when they are over).
 */
export function sampleEvents(now: Date, timeZone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS): SandboxEventInput[] {
  const at = DateTime.fromJSDate(now, { zone: timeZone });
  const quarter = (value: DateTime) => value.set({ minute: Math.floor(value.minute / 15) * 15, second: 0, millisecond: 0 });
  const minutes = (value: DateTime, count: number) => value.plus({ minutes: count });
  const code = (key: string) => `sbx-${key}`;
  const base = { description: null, location: null, timeZone, selfResponse: "accepted" as const, isFree: false, marker: null, selfJoinedAt: null, othersJoinedAt: null };
  // Asked about only when it ended after the sample connection was made (three days ago; an
  // hour's margin). A Monday morning's "earlier" is then Friday afternoon.
  const askable = at.minus({ days: 3 }).plus({ hours: 1 });
  const pastIn = (wanted: DateTime, length: number, latestEnd: DateTime) => {
    const placed = latestSlotBefore(wanted, length, latestEnd, hours);
    return minutes(placed, length) < askable ? DateTime.min(wanted, minutes(latestEnd, -length)) : placed;
  };

  // Started eight minutes ago: past the default five-minute grace, the others are in the call.
  const lateStart = at.minus({ minutes: 8 }).set({ second: 0, millisecond: 0 });
  // Inside the default five-minute nudge lead: the nudge is raised on the first pass after sign-in.
  const coffeeStart = at.plus({ minutes: 4 }).set({ second: 0, millisecond: 0 });
  // Over well before now (and past the ten-minute settle window): they joined, the user did not.
  const missedStart = pastIn(quarter(at.minus({ hours: 3 })), 45, DateTime.min(at.minus({ minutes: 20 }), minutes(lateStart, -15)));
  const attendedStart = pastIn(quarter(at.minus({ hours: 5, minutes: 30 })), 30, minutes(missedStart, -15));
  // The user's own Zoom meeting, before that: seen joined through the simulated Zoom account.
  const hostedZoomStart = pastIn(quarter(at.minus({ hours: 7 })), 30, minutes(attendedStart, -15));
  // Afternoons of the next working day, so the morning slot the proposal offers (and the buffer
  // before it) stays clear.
  const nextDay = at.plus({ days: 1 }).set({ hour: 13, minute: 0, second: 0, millisecond: 0 });
  const tomorrow = firstSlotAfter(nextDay, 60, nextDay.startOf("day"), hours);
  const tomorrowAfternoon = firstSlotAfter(minutes(tomorrow, 150), 45, minutes(tomorrow, 90), hours);
  // Later today when today's hours allow; otherwise late in the next working day's morning,
  // after the proposal's slot and before the afternoon's samples.
  const beforeTomorrow = (placed: DateTime, fallback: DateTime) => (placed >= tomorrow.startOf("day") ? fallback : placed);
  const lateMorning = tomorrow.set({ hour: 11, minute: 30 });
  const laterToday = beforeTomorrow(firstSlotAfter(quarter(at.plus({ hours: 2, minutes: 15 })), 30, minutes(coffeeStart, 45), hours), lateMorning);
  const declinedStart = laterToday.hasSame(tomorrow, "day")
    ? minutes(laterToday, 30)
    : beforeTomorrow(firstSlotAfter(quarter(at.plus({ hours: 4 })), 30, minutes(laterToday, 60), hours), minutes(lateMorning, 30));
  // Yesterday, within the working day: yesterday's digest (due at its end) is already due.
  const yesterday = at.minus({ days: 1 });
  const lunchStart = yesterday.set({ hour: 12, minute: 30, second: 0, millisecond: 0 });
  const zoomStart = yesterday.set({ hour: 15, minute: 0, second: 0, millisecond: 0 });

  const events: SandboxEventInput[] = [
    {
      ...base,
      sampleKey: "late",
      title: "Quarterly review with Northwind Traders",
      description: "Q4 numbers and the renewal timeline.",
      start: lateStart.toJSDate(),
      end: minutes(lateStart, 45).toJSDate(),
      attendees: [person("Priya Raman", "priya.raman@northwind.example", true), person("Tom Becker", "tom.becker@northwind.example")],
      conferenceCode: code("nwt-qrev"),
      othersJoinedAt: minutes(lateStart, 1).toJSDate(),
    },
    {
      ...base,
      sampleKey: "missed",
      title: "Onboarding call with Acme Logistics",
      description: `Walk Dana through the onboarding plan and the first shipment.\n${MISSED_CLIENT.name.split(" ")[0]}'s mobile: ${MISSED_CLIENT.phone}`,
      start: missedStart.toJSDate(),
      end: minutes(missedStart, 45).toJSDate(),
      attendees: [person(MISSED_CLIENT.name, MISSED_CLIENT.email, true)],
      conferenceCode: code("acme-onb"),
      othersJoinedAt: minutes(missedStart, 1).toJSDate(),
    },
    {
      ...base,
      sampleKey: "attended",
      title: "Contract check-in with Globex",
      start: attendedStart.toJSDate(),
      end: minutes(attendedStart, 30).toJSDate(),
      attendees: [person("Marco Ruiz", "marco.ruiz@globex.example", true)],
      conferenceCode: code("glbx-chk"),
      selfJoinedAt: minutes(attendedStart, -1).toJSDate(),
      othersJoinedAt: attendedStart.toJSDate(),
    },
    {
      ...base,
      sampleKey: "hosted-zoom",
      title: "Pipeline call with Wayfarer (your Zoom)",
      description: `Alex Morgan is inviting you to a scheduled Zoom meeting.\nJoin Zoom Meeting\nhttps://sandbox.zoom.us/j/${SANDBOX_ZOOM_MEETING_ID}`,
      location: `https://sandbox.zoom.us/j/${SANDBOX_ZOOM_MEETING_ID}`,
      start: hostedZoomStart.toJSDate(),
      end: minutes(hostedZoomStart, 30).toJSDate(),
      attendees: [person("Ravi Patel", "ravi.patel@wayfarer.example")],
      conferenceCode: null,
      // When the simulated Zoom saw the user join (its webhook, src/calendars/sandbox/sandbox-zoom.ts).
      selfJoinedAt: minutes(hostedZoomStart, -1).toJSDate(),
      othersJoinedAt: hostedZoomStart.toJSDate(),
    },
    {
      ...base,
      sampleKey: "later-today",
      title: "Product demo for Initech",
      start: laterToday.toJSDate(),
      end: minutes(laterToday, 30).toJSDate(),
      attendees: [person("Sam Okafor", "sam.okafor@initech.example"), person("Bill Lumbergh", "bill.lumbergh@initech.example")],
      conferenceCode: code("init-demo"),
    },
    {
      ...base,
      sampleKey: "declined",
      title: "Vendor pitch from Hooli",
      start: declinedStart.toJSDate(),
      end: minutes(declinedStart, 30).toJSDate(),
      attendees: [person("Gavin Belson", "gavin.belson@hooli.example", true)],
      selfResponse: "declined",
      conferenceCode: code("hooli-pitch"),
    },
    {
      ...base,
      sampleKey: "tomorrow",
      title: "Budget planning with Umbrella Corp",
      location: "Umbrella Corp, 4th floor",
      start: tomorrow.toJSDate(),
      end: minutes(tomorrow, 60).toJSDate(),
      attendees: [person("Lena Fischer", "lena.fischer@umbrella.example", true)],
      conferenceCode: null,
    },
    {
      ...base,
      sampleKey: "tomorrow-afternoon",
      title: "Design review with Stark Industries",
      start: tomorrowAfternoon.toJSDate(),
      end: minutes(tomorrowAfternoon, 45).toJSDate(),
      attendees: [person("Pepper Potts", "pepper.potts@stark.example")],
      conferenceCode: code("stark-dsgn"),
    },
    {
      ...base,
      sampleKey: "coffee",
      title: "Coffee with Jordan Lee",
      description: "Catch up on the partnership idea.",
      location: "Blue Bottle, 66 Mint St",
      start: coffeeStart.toJSDate(),
      end: minutes(coffeeStart, 30).toJSDate(),
      attendees: [person("Jordan Lee", "jordan.lee@brightline.example", true)],
      conferenceCode: null,
    },
    {
      ...base,
      sampleKey: "yesterday-lunch",
      title: "Lunch with Maya Chen",
      location: "Nopa, 560 Divisadero St",
      start: lunchStart.toJSDate(),
      end: minutes(lunchStart, 60).toJSDate(),
      attendees: [person("Maya Chen", "maya.chen@wayfarer.example", true)],
      conferenceCode: null,
    },
    {
      ...base,
      sampleKey: "yesterday-zoom",
      title: "Pricing call with Contoso",
      location: "https://contoso.zoom.us/j/85550142977",
      start: zoomStart.toJSDate(),
      end: minutes(zoomStart, 30).toJSDate(),
      attendees: [person("Ines Duarte", "ines.duarte@contoso.example", true)],
      conferenceCode: null,
    },
  ];
  return events;
}
