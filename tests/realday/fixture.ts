import { DateTime } from "luxon";

/**
 * A realistic working day for two salespeople, with ground truth: what each meeting is, who
 * organises it, where it happens, and whether the user was there on time, late or not at all.
 * Pure data and pure helpers; world.ts turns it into emulator state, run-day.ts drives the
 * service through it, score.ts compares what the service said with the truth.
 *
 * Tuesday 2026-11-17, working hours 09:00–17:00 in each user's zone:
 *  - Maya Ortiz, Google Workspace (brightwave.example), America/New_York;
 *  - Tom Hughes, Microsoft work account (northwind.example), Europe/London.
 * Each connects at 08:00 of their own morning; a few meetings of Monday ended long before that
 * (the "first connect" check: nothing about them may be sent).
 */

/** The kinds of meeting a salesperson has (the benchmark's categories). */
export const MEETING_KINDS = [
  "meet_own",
  "meet_colleague",
  "meet_client",
  "teams_own",
  "teams_colleague",
  "teams_client",
  "in_person",
  /** a Zoom meeting the user hosts: seen live once Zoom is connected (its webhooks, its participant list) */
  "zoom_own",
  /** a Zoom meeting someone else hosts: Zoom shows it only to its host */
  "zoom",
  "phone",
] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export type Provider = "google" | "microsoft";

/** What really happened: the user joined (or walked in) on time, late, or never came. */
export type Truth =
  | { outcome: "on_time"; /** when the user joined relative to the start (default 0; -2 = two minutes early) */ joinOffsetMinutes?: number }
  | { outcome: "late"; lateMinutes: number }
  | { outcome: "missed" };
export type Outcome = Truth["outcome"];

export interface Person {
  key: string;
  email: string;
  name: string;
  /** the provider account they have in the emulator (conference data needs one) */
  provider: Provider;
  company: string;
}

export interface FixtureUser extends Person {
  timeZone: string;
  workingHours: { start: string; end: string };
  /** local time of day at which they connect their calendar (and, right after, Zoom) */
  connectAt: string;
}

export interface FixtureMeeting {
  /** unique across the fixture; also the suffix of the title, so emails can be told apart */
  key: string;
  /** whose calendar it is in (a FixtureUser key) */
  user: string;
  title: string;
  day: "today" | "previous";
  /** local time in the user's zone, "HH:mm" */
  at: string;
  minutes: number;
  kind: MeetingKind;
  /** a Person key (the user's own key when they organise it) */
  organizer: string;
  /**
   * Attendees as the provider lists them, the user included. Google lists the organiser among
   * them; Outlook does not (the organiser is only in `organizer`), so a Microsoft 1:1 organised
   * by a colleague has the user alone here.
   */
  attendees: string[];
  location?: string;
  description?: string;
  truth: Truth;
}

export interface DayFixture {
  date: string;
  previousDate: string;
  users: FixtureUser[];
  people: Person[];
  meetings: FixtureMeeting[];
}

// ---- people -------------------------------------------------------------------------------

const maya: FixtureUser = {
  key: "maya",
  email: "maya.ortiz@brightwave.example",
  name: "Maya Ortiz",
  provider: "google",
  company: "Brightwave",
  timeZone: "America/New_York",
  workingHours: { start: "09:00", end: "17:00" },
  connectAt: "08:00",
};
const tom: FixtureUser = {
  key: "tom",
  email: "tom.hughes@northwind.example",
  name: "Tom Hughes",
  provider: "microsoft",
  company: "Northwind",
  timeZone: "Europe/London",
  workingHours: { start: "09:00", end: "17:00" },
  connectAt: "08:00",
};

const people: Person[] = [
  // Maya's colleagues (Google Workspace)
  { key: "sam", email: "sam.lee@brightwave.example", name: "Sam Lee", provider: "google", company: "Brightwave" },
  { key: "priya", email: "priya.shah@brightwave.example", name: "Priya Shah", provider: "google", company: "Brightwave" },
  // Tom's colleagues (Microsoft 365)
  { key: "emma", email: "emma.clarke@northwind.example", name: "Emma Clarke", provider: "microsoft", company: "Northwind" },
  { key: "raj", email: "raj.mehta@northwind.example", name: "Raj Mehta", provider: "microsoft", company: "Northwind" },
  // clients on Google
  { key: "dana", email: "dana.fox@acme-logistics.example", name: "Dana Fox", provider: "google", company: "Acme Logistics" },
  { key: "li", email: "li.wei@harborfoods.example", name: "Li Wei", provider: "google", company: "Harbor Foods" },
  { key: "ana", email: "ana.lima@lumenlabs.example", name: "Ana Lima", provider: "google", company: "Lumen Labs" },
  // clients on Microsoft
  { key: "sofia", email: "sofia.rossi@contoso.example", name: "Sofia Rossi", provider: "microsoft", company: "Contoso" },
  { key: "ben", email: "ben.carter@tailspin.example", name: "Ben Carter", provider: "microsoft", company: "Tailspin Toys" },
  // clients whose own tools (Zoom, phone) we never see
  { key: "jo", email: "jo.park@tailwindmedia.example", name: "Jo Park", provider: "google", company: "Tailwind Media" },
  { key: "marc", email: "marc.dubois@fabrikam.example", name: "Marc Dubois", provider: "microsoft", company: "Fabrikam" },
];

// ---- meeting text -------------------------------------------------------------------------

const zoomLink = (id: string) => `https://us06web.zoom.us/j/${id}?pwd=bWFrZWdvb2QtcmVhbGRheQ`;
/** The user's own Zoom invitation (their company's vanity domain), as Zoom's calendar add-on writes it. */
const ownZoomLink = (domain: string, id: string) => `https://${domain}.zoom.us/j/${id}?pwd=b3duLXpvb20tbWVldGluZw`;
const ownZoomInvite = (name: string, domain: string, id: string) =>
  `${name} is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\n${ownZoomLink(domain, id)}\n\nMeeting ID: ${id.replace(/(\d{3})(\d{4})(\d+)/, "$1 $2 $3")}\nPasscode: 771204\n\nJoin by desktop client: zoommtg://zoom.us/join?action=join&confno=${id}`;
const zoomInvite = (id: string) =>
  `Jo Park is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\n${zoomLink(id)}\n\nMeeting ID: ${id.replace(/(\d{3})(\d{4})(\d+)/, "$1 $2 $3")}\nPasscode: 482913`;
/** A client's Teams invitation pasted into a Google event (Google has no Teams integration). */
const teamsInvite = (thread: string) =>
  `Microsoft Teams meeting\nJoin on your computer, mobile app or room device\nhttps://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0?context=%7b%22Tid%22%3a%22c0ffee00-1111-2222-3333-444455556666%22%7d\nMeeting ID: 291 554 870 12\nPasscode: Xk3b9Q`;
/** A client's Google Meet link in an Outlook invitation. */
const meetInvite = (code: string) => `Join with Google Meet: https://meet.google.com/${code}\nOr dial: (GB) +44 20 3910 0000 PIN: 482 119 903#`;

// ---- the day ------------------------------------------------------------------------------

const mayaMeetings: FixtureMeeting[] = [
  // Monday (ended before she connects on Tuesday morning)
  { key: "g-prev-1", user: "maya", day: "previous", at: "14:00", minutes: 30, kind: "meet_own", title: "Harbor Foods: pricing follow-up", organizer: "maya", attendees: ["maya", "li"], truth: { outcome: "on_time" } },
  { key: "g-prev-2", user: "maya", day: "previous", at: "15:00", minutes: 30, kind: "meet_client", title: "Acme Logistics: carrier onboarding", organizer: "dana", attendees: ["dana", "maya"], truth: { outcome: "missed" } },
  { key: "g-prev-3", user: "maya", day: "previous", at: "16:00", minutes: 15, kind: "phone", title: "Call with Tailwind Media", organizer: "maya", attendees: ["maya", "jo"], location: "+1 646-555-0123", truth: { outcome: "on_time" } },

  // Tuesday
  { key: "g01", user: "maya", day: "today", at: "09:00", minutes: 15, kind: "meet_colleague", title: "Sales stand-up", organizer: "sam", attendees: ["sam", "maya", "priya"], truth: { outcome: "on_time", joinOffsetMinutes: 1 } },
  { key: "g02", user: "maya", day: "today", at: "09:30", minutes: 30, kind: "meet_own", title: "Pipeline review with Priya", organizer: "maya", attendees: ["maya", "priya"], truth: { outcome: "on_time", joinOffsetMinutes: -1 } },
  { key: "g03", user: "maya", day: "today", at: "10:00", minutes: 30, kind: "meet_client", title: "Acme Logistics: renewal terms", organizer: "dana", attendees: ["dana", "maya"], truth: { outcome: "late", lateMinutes: 10 } },
  { key: "g04", user: "maya", day: "today", at: "10:30", minutes: 30, kind: "phone", title: "Call with Harbor Foods procurement", organizer: "maya", attendees: ["maya", "li"], location: "+1 212-555-0187", truth: { outcome: "on_time" } },
  { key: "g05", user: "maya", day: "today", at: "11:00", minutes: 30, kind: "meet_own", title: "Product demo for Harbor Foods", organizer: "maya", attendees: ["maya", "li", "priya"], truth: { outcome: "on_time", joinOffsetMinutes: -2 } },
  { key: "g06", user: "maya", day: "today", at: "11:30", minutes: 30, kind: "zoom", title: "Tailwind Media: intro (Zoom)", organizer: "jo", attendees: ["jo", "maya"], location: zoomLink("84512345678"), description: zoomInvite("84512345678"), truth: { outcome: "on_time" } },
  { key: "g07", user: "maya", day: "today", at: "12:00", minutes: 75, kind: "in_person", title: "Lunch with Dana (Acme)", organizer: "maya", attendees: ["maya", "dana"], location: "Via Carota, 51 Grove St, New York, NY 10014", truth: { outcome: "on_time" } },
  // A 1:1 a colleague organises with only the user invited; she forgets it.
  { key: "g08", user: "maya", day: "today", at: "13:30", minutes: 30, kind: "meet_colleague", title: "1:1 with Sam", organizer: "sam", attendees: ["sam", "maya"], truth: { outcome: "missed" } },
  { key: "g09", user: "maya", day: "today", at: "14:00", minutes: 30, kind: "meet_own", title: "Forecast prep", organizer: "maya", attendees: ["maya", "sam", "priya"], truth: { outcome: "on_time" } },
  { key: "g10", user: "maya", day: "today", at: "14:30", minutes: 30, kind: "teams_client", title: "Contoso: pilot kickoff (Teams)", organizer: "sofia", attendees: ["sofia", "maya"], description: teamsInvite("NjQ4ZWQ1YzMtYTk"), truth: { outcome: "on_time", joinOffsetMinutes: 1 } },
  { key: "g11", user: "maya", day: "today", at: "15:00", minutes: 45, kind: "meet_client", title: "Lumen Labs: security questionnaire", organizer: "ana", attendees: ["ana", "maya"], truth: { outcome: "on_time" } },
  { key: "g12", user: "maya", day: "today", at: "15:45", minutes: 15, kind: "phone", title: "Callback: Tailwind Media budget", organizer: "jo", attendees: ["jo", "maya"], description: "Jo will be on her mobile: dial +1 646 555 0123", truth: { outcome: "missed" } },
  { key: "g13", user: "maya", day: "today", at: "16:00", minutes: 30, kind: "meet_own", title: "Quote walkthrough with Acme", organizer: "maya", attendees: ["maya", "dana"], truth: { outcome: "on_time" } },
  { key: "g14", user: "maya", day: "today", at: "16:30", minutes: 30, kind: "zoom", title: "Tailwind Media: creative review (Zoom)", organizer: "jo", attendees: ["jo", "maya", "sam"], location: zoomLink("87766554433"), description: zoomInvite("87766554433"), truth: { outcome: "on_time" } },
  { key: "g15", user: "maya", day: "today", at: "17:00", minutes: 30, kind: "meet_colleague", title: "Deal desk review", organizer: "priya", attendees: ["priya", "maya", "sam"], truth: { outcome: "on_time", joinOffsetMinutes: 2 } },
  { key: "g16", user: "maya", day: "today", at: "08:30", minutes: 30, kind: "in_person", title: "Site visit: Harbor Foods warehouse", organizer: "li", attendees: ["li", "maya"], location: "Harbor Foods, 240 Kent Ave, Brooklyn, NY 11249", truth: { outcome: "on_time" } },
  { key: "g17", user: "maya", day: "today", at: "13:15", minutes: 15, kind: "meet_colleague", title: "Quick sync: Acme discount approval", organizer: "priya", attendees: ["priya", "maya"], truth: { outcome: "on_time" } },
  // Zoom meetings Maya hosts (issue 14): clients who prefer Zoom, at the end of the day.
  { key: "g18", user: "maya", day: "today", at: "17:30", minutes: 30, kind: "zoom_own", title: "Lumen Labs: pilot scoping (Zoom)", organizer: "maya", attendees: ["maya", "ana"], location: ownZoomLink("brightwave", "81234500018"), description: ownZoomInvite("Maya Ortiz", "brightwave", "81234500018"), truth: { outcome: "on_time", joinOffsetMinutes: -1 } },
  { key: "g19", user: "maya", day: "today", at: "18:00", minutes: 30, kind: "zoom_own", title: "Harbor Foods: proposal walkthrough (Zoom)", organizer: "maya", attendees: ["maya", "li"], location: ownZoomLink("brightwave", "81234500019"), description: ownZoomInvite("Maya Ortiz", "brightwave", "81234500019"), truth: { outcome: "late", lateMinutes: 8 } },
  { key: "g20", user: "maya", day: "today", at: "18:30", minutes: 30, kind: "zoom_own", title: "Tailwind Media: contract questions (Zoom)", organizer: "maya", attendees: ["maya", "jo"], location: ownZoomLink("brightwave", "81234500020"), description: ownZoomInvite("Maya Ortiz", "brightwave", "81234500020"), truth: { outcome: "missed" } },
];

const tomMeetings: FixtureMeeting[] = [
  // Monday
  { key: "m-prev-1", user: "tom", day: "previous", at: "14:00", minutes: 30, kind: "teams_own", title: "Tailspin: renewal pricing", organizer: "tom", attendees: ["tom", "ben"], truth: { outcome: "missed" } },
  { key: "m-prev-2", user: "tom", day: "previous", at: "15:30", minutes: 60, kind: "in_person", title: "Coffee with Sofia (Contoso)", organizer: "sofia", attendees: ["tom", "sofia"], location: "Monmouth Coffee, 27 Monmouth St, London WC2H 9EU", truth: { outcome: "on_time" } },

  // Tuesday
  { key: "m01", user: "tom", day: "today", at: "09:00", minutes: 30, kind: "teams_colleague", title: "Team huddle", organizer: "emma", attendees: ["tom", "raj"], truth: { outcome: "on_time" } },
  { key: "m02", user: "tom", day: "today", at: "09:30", minutes: 30, kind: "teams_own", title: "Pipeline call with Raj", organizer: "tom", attendees: ["tom", "raj"], truth: { outcome: "on_time", joinOffsetMinutes: -1 } },
  { key: "m03", user: "tom", day: "today", at: "10:00", minutes: 45, kind: "teams_client", title: "Contoso: contract redlines", organizer: "sofia", attendees: ["tom", "emma"], truth: { outcome: "on_time", joinOffsetMinutes: 1 } },
  { key: "m04", user: "tom", day: "today", at: "11:00", minutes: 30, kind: "teams_own", title: "Tailspin: onboarding check-in", organizer: "tom", attendees: ["tom", "ben"], truth: { outcome: "late", lateMinutes: 8 } },
  { key: "m05", user: "tom", day: "today", at: "11:30", minutes: 30, kind: "phone", title: "Call: Tailspin finance", organizer: "tom", attendees: ["tom", "ben"], location: "+44 20 7946 0321", truth: { outcome: "on_time" } },
  { key: "m06", user: "tom", day: "today", at: "12:00", minutes: 60, kind: "in_person", title: "Lunch with Sofia at Dishoom", organizer: "tom", attendees: ["tom", "sofia"], location: "Dishoom, 12 Upper St Martin's Ln, London WC2H 9FB", truth: { outcome: "on_time" } },
  // A 1:1 a colleague organises: Outlook lists the organiser only in `organizer`.
  { key: "m07", user: "tom", day: "today", at: "13:30", minutes: 30, kind: "teams_colleague", title: "1:1 with Emma", organizer: "emma", attendees: ["tom"], truth: { outcome: "missed" } },
  { key: "m08", user: "tom", day: "today", at: "14:00", minutes: 30, kind: "meet_client", title: "Lumen Labs: API walkthrough", organizer: "ana", attendees: ["tom", "ana"], description: meetInvite("lum-apiw-tue"), location: "https://meet.google.com/lum-apiw-tue", truth: { outcome: "on_time" } },
  { key: "m09", user: "tom", day: "today", at: "14:30", minutes: 30, kind: "zoom", title: "Fabrikam: discovery call (Zoom)", organizer: "marc", attendees: ["tom", "marc"], location: zoomLink("91122334455"), description: zoomInvite("91122334455"), truth: { outcome: "on_time" } },
  { key: "m10", user: "tom", day: "today", at: "15:00", minutes: 60, kind: "in_person", title: "Site visit: Contoso warehouse", organizer: "sofia", attendees: ["tom", "sofia"], location: "Unit 4, Thames Gateway Park, Choats Rd, Dagenham RM9 6RH", truth: { outcome: "late", lateMinutes: 12 } },
  { key: "m11", user: "tom", day: "today", at: "16:00", minutes: 30, kind: "teams_own", title: "Proposal review", organizer: "tom", attendees: ["tom", "emma", "raj"], truth: { outcome: "missed" } },
  { key: "m12", user: "tom", day: "today", at: "16:30", minutes: 30, kind: "teams_client", title: "Tailspin: quarterly business review", organizer: "ben", attendees: ["tom", "raj"], truth: { outcome: "missed" } },
  { key: "m13", user: "tom", day: "today", at: "17:00", minutes: 15, kind: "teams_colleague", title: "Deal desk", organizer: "raj", attendees: ["tom", "emma"], truth: { outcome: "on_time" } },
  // Another organiser-only 1:1, attended.
  { key: "m14", user: "tom", day: "today", at: "08:45", minutes: 15, kind: "teams_colleague", title: "1:1 with Raj", organizer: "raj", attendees: ["tom"], truth: { outcome: "on_time" } },
  { key: "m15", user: "tom", day: "today", at: "10:45", minutes: 15, kind: "phone", title: "Call back Fabrikam buyer", organizer: "tom", attendees: ["tom", "marc"], description: "Marc's direct line: +33 1 44 55 66 77", truth: { outcome: "on_time" } },
  { key: "m16", user: "tom", day: "today", at: "13:00", minutes: 30, kind: "teams_own", title: "Contoso: pricing options", organizer: "tom", attendees: ["tom", "sofia", "emma"], truth: { outcome: "on_time" } },
  { key: "m17", user: "tom", day: "today", at: "17:15", minutes: 30, kind: "zoom", title: "Fabrikam: follow-up (Zoom)", organizer: "marc", attendees: ["tom", "marc"], location: zoomLink("93344556677"), description: zoomInvite("93344556677"), truth: { outcome: "on_time" } },
  // Zoom meetings Tom hosts: the invitation only in the body, as pasted from Zoom.
  { key: "m18", user: "tom", day: "today", at: "17:45", minutes: 30, kind: "zoom_own", title: "Contoso: rollout plan (Zoom)", organizer: "tom", attendees: ["tom", "sofia"], description: ownZoomInvite("Tom Hughes", "northwind", "82345600018"), truth: { outcome: "on_time" } },
  { key: "m19", user: "tom", day: "today", at: "18:15", minutes: 30, kind: "zoom_own", title: "Tailspin: escalation review (Zoom)", organizer: "tom", attendees: ["tom", "ben"], description: ownZoomInvite("Tom Hughes", "northwind", "82345600019"), truth: { outcome: "late", lateMinutes: 9 } },
];

export const realDay: DayFixture = {
  date: "2026-11-17",
  previousDate: "2026-11-16",
  users: [maya, tom],
  people,
  meetings: [...mayaMeetings, ...tomMeetings],
};

// ---- pure helpers -------------------------------------------------------------------------

export function userOf(fixture: DayFixture, key: string): FixtureUser {
  const user = fixture.users.find((candidate) => candidate.key === key);
  if (!user) throw new Error(`fixture: no user ${key}`);
  return user;
}

export function personOf(fixture: DayFixture, key: string): Person {
  const person = fixture.users.find((candidate) => candidate.key === key) ?? fixture.people.find((candidate) => candidate.key === key);
  if (!person) throw new Error(`fixture: no person ${key}`);
  return person;
}

/** A local time of one of the fixture's days in a zone, as an instant. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  const instant = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  if (!instant.isValid) throw new Error(`fixture: invalid time ${date} ${time} ${timeZone}`);
  return instant.toJSDate();
}

export function meetingTimes(fixture: DayFixture, meeting: FixtureMeeting): { start: Date; end: Date } {
  const user = userOf(fixture, meeting.user);
  const start = localInstant(meeting.day === "today" ? fixture.date : fixture.previousDate, meeting.at, user.timeZone);
  return { start, end: new Date(start.getTime() + meeting.minutes * 60_000) };
}

/** When the user entered the meeting, or null when they never did. */
export function userJoinAt(fixture: DayFixture, meeting: FixtureMeeting): Date | null {
  const { start } = meetingTimes(fixture, meeting);
  const minutes = meeting.truth.outcome === "missed" ? null : meeting.truth.outcome === "late" ? meeting.truth.lateMinutes : (meeting.truth.joinOffsetMinutes ?? 0);
  return minutes === null ? null : new Date(start.getTime() + minutes * 60_000);
}

export function connectInstant(fixture: DayFixture, user: FixtureUser): Date {
  return localInstant(fixture.date, user.connectAt, user.timeZone);
}

/** The user's own meetings are organised by them. */
export const isOrganisedByUser = (meeting: FixtureMeeting): boolean => meeting.organizer === meeting.user;

/**
 * Where the service can learn whether the user was there (PRODUCT §3), per provider and kind:
 * - `conference`: Meet records (space owner or participant) for the Google user; the Teams
 *   attendance report (organiser only, after the end) for the Microsoft user's own Teams meetings;
 * - `presence`: any Teams meeting of the Microsoft (work) account while it runs, when presence
 *   is simulated in the world (Graph presence InACall / InAConferenceCall);
 * - `conference` too: Zoom meetings the user hosts (`zoom_own`), live (webhooks), both users
 *   having connected Zoom;
 * - `check_in`: everything else (in person, phone, Zoom hosted by others, a Teams link on a Google calendar, a
 *   Meet link on an Outlook calendar).
 * `live` says whether the signal exists while the meeting runs (a Teams report comes after the end).
 */
export type SignalSource = "conference" | "presence" | "check_in";

export function signalOf(provider: Provider, kind: MeetingKind, presenceSimulated: boolean): { source: SignalSource; live: boolean } {
  // Both users connect Zoom: the meetings they host are seen live, whatever their calendar.
  if (kind === "zoom_own") return { source: "conference", live: true };
  if (provider === "google") return kind.startsWith("meet_") ? { source: "conference", live: true } : { source: "check_in", live: false };
  if (kind === "teams_own") return { source: "conference", live: presenceSimulated };
  if (kind.startsWith("teams_") && presenceSimulated) return { source: "presence", live: true };
  return { source: "check_in", live: false };
}
