import type { EmulatorControl } from "../emulator/control.js";
import {
  connectInstant,
  meetingTimes,
  personOf,
  userJoinAt,
  userOf,
  type DayFixture,
  type FixtureMeeting,
  type FixtureUser,
  type Person,
} from "./fixture.js";

/**
 * The world outside the service, as the providers would show it: the fixture's people as
 * emulator accounts, each meeting on its user's calendar, and what happens during the day
 * (who joins which conference when, the Teams report published after the end, the Microsoft
 * user's presence) as timed happenings the driver applies when its clock reaches them.
 *
 * Visibility is the providers' own, enforced by the emulator, not by this file:
 * - Meet: a conference record belongs to the meeting's organiser (the space owner) and is
 *   readable only by the owner or a signed-in participant, so a user who never joins a
 *   colleague's or client's Meet sees nothing of it;
 * - Teams: the attendance report is the organiser's alone, readable after the meeting ends;
 * - Zoom: webhooks and the past-participant list only for meetings hosted by a user who
 *   installed the app (connected Zoom): the users' own Zoom meetings; the clients' Zoom meetings
 *   run in the emulator too, unseen;
 * - phone and in-person meetings leave no data the service can read.
 */

const MINUTE = 60_000;

/** Teams publishes the attendance report a few minutes after the meeting ends. */
export const TEAMS_REPORT_LAG_MS = 3 * MINUTE;

export interface Happening {
  at: Date;
  /** at the same instant, lower ranks first (presence before conference data) */
  rank: number;
  what: string;
  apply(): void | Promise<void>;
}

export interface WorldMeeting {
  meeting: FixtureMeeting;
  user: FixtureUser;
  start: Date;
  end: Date;
  /** the event id on the user's calendar: the service's `providerEventId` */
  providerEventId: string;
  meetCode: string | null;
  teamsJoinUrl: string | null;
}

export interface World {
  meetings: Map<string, WorldMeeting>;
  /** sorted by time, then rank */
  happenings: Happening[];
  /** whether the emulator could be told the Microsoft user's presence (see presenceDuring) */
  presenceSimulated: boolean;
}

export function buildWorld(control: EmulatorControl, fixture: DayFixture): World {
  for (const person of [...fixture.users, ...fixture.people]) {
    control.addUser({ provider: person.provider, email: person.email, name: person.name });
    // Everyone has a Zoom account (clients host their own Zoom meetings); only the users connect it.
    control.zoom.addUser({ email: person.email, name: person.name });
  }
  const meetings = new Map<string, WorldMeeting>();
  const happenings: Happening[] = [];
  for (const meeting of fixture.meetings) {
    const placed = placeOnCalendar(control, fixture, meeting);
    meetings.set(meeting.key, placed);
    happenings.push(...conferenceHappenings(control, fixture, placed));
  }
  const presenceSimulated = presenceSupported(control);
  for (const user of fixture.users) if (user.provider === "microsoft") happenings.push(...presenceHappenings(control, fixture, user, [...meetings.values()]));
  happenings.sort((a, b) => a.at.getTime() - b.at.getTime() || a.rank - b.rank);
  return { meetings, happenings, presenceSimulated };
}

// ---- calendars ------------------------------------------------------------------------------

function placeOnCalendar(control: EmulatorControl, fixture: DayFixture, meeting: FixtureMeeting): WorldMeeting {
  const user = userOf(fixture, meeting.user);
  const organizer = personOf(fixture, meeting.organizer);
  const { start, end } = meetingTimes(fixture, meeting);
  const conference = meeting.kind.startsWith("meet_") && user.provider === "google" ? { meet: true } : meeting.kind.startsWith("teams_") && user.provider === "microsoft" ? { teams: true } : {};
  const event = control.createEvent(
    user.email,
    {
      summary: meeting.title,
      start: start.toISOString(),
      end: end.toISOString(),
      timeZone: user.timeZone,
      organizer: { email: organizer.email, name: organizer.name },
      attendees: meeting.attendees.map((key) => {
        const person = personOf(fixture, key);
        return { email: person.email, name: person.name, response: "accepted" as const };
      }),
      ...(meeting.location ? { location: meeting.location } : {}),
      ...(meeting.description ? { description: meeting.description } : {}),
      ...conference,
    },
    user.provider,
  );
  return { meeting, user, start, end, providerEventId: event.id, meetCode: event.meetCode ?? null, teamsJoinUrl: event.teamsJoinUrl ?? null };
}

// ---- conferences ----------------------------------------------------------------------------

/** Everyone but the user: the attendees and the organiser (Outlook lists the organiser apart). */
function othersOf(fixture: DayFixture, meeting: FixtureMeeting): Person[] {
  const keys = new Set([...meeting.attendees, meeting.organizer]);
  keys.delete(meeting.user);
  return [...keys].map((key) => personOf(fixture, key));
}

interface Join {
  person: Person;
  /** the user on a provider they have no account with joins as a guest */
  asGuest: boolean;
  at: Date;
}

function joinsOf(fixture: DayFixture, placed: WorldMeeting): Join[] {
  const others = othersOf(fixture, placed.meeting).map((person) => ({ person, asGuest: false, at: placed.start }));
  const userAt = userJoinAt(fixture, placed.meeting);
  return userAt ? [...others, { person: placed.user, asGuest: false, at: userAt }] : others;
}

const MEET_CODE = /meet\.google\.com\/([a-z]{3}-[a-z]{4}-[a-z]{3})/;
const TEAMS_URL = /https:\/\/teams\.microsoft\.com\/l\/meetup-join\/\S+/;

function conferenceHappenings(control: EmulatorControl, fixture: DayFixture, placed: WorldMeeting): Happening[] {
  const { meeting } = placed;
  const text = `${meeting.location ?? ""}\n${meeting.description ?? ""}`;
  if (meeting.kind.startsWith("meet_")) {
    const code = placed.meetCode ?? MEET_CODE.exec(text)?.[1];
    if (!code) throw new Error(`world: ${meeting.key} is a Meet meeting without a code`);
    const joins = joinsOf(fixture, placed).map((join) => ({ ...join, asGuest: join.person.provider !== "google" }));
    return meetHappenings(control, fixture, placed, code, joins);
  }
  if (meeting.kind.startsWith("teams_")) {
    const joinUrl = placed.teamsJoinUrl ?? TEAMS_URL.exec(text)?.[0];
    if (!joinUrl) throw new Error(`world: ${meeting.key} is a Teams meeting without a join URL`);
    return [teamsReport(control, fixture, placed, joinUrl)];
  }
  if (meeting.kind === "zoom" || meeting.kind === "zoom_own") {
    const id = ZOOM_ID.exec(text)?.[1];
    if (!id) throw new Error(`world: ${meeting.key} is a Zoom meeting without a join link`);
    return zoomHappenings(control, fixture, placed, id);
  }
  return [];
}

const ZOOM_ID = /zoom\.us\/j\/(\d{9,12})/;

/**
 * Zoom, as it unfolds: the meeting is scheduled on its host's Zoom account (the organiser), each
 * person joins at their time and the host ends it at the scheduled end. The emulator sends the
 * webhooks, signed, only when the host installed the app (the users, once they connected Zoom).
 */
function zoomHappenings(control: EmulatorControl, fixture: DayFixture, placed: WorldMeeting, id: string): Happening[] {
  const host = personOf(fixture, placed.meeting.organizer);
  control.zoom.scheduleMeeting({ host: host.email, id, topic: placed.meeting.title, start: placed.start.toISOString(), durationMinutes: placed.meeting.minutes });
  const joins = joinsOf(fixture, placed).sort((a, b) => a.at.getTime() - b.at.getTime());
  return [
    ...joins.map((join) => ({
      at: join.at,
      rank: 1,
      what: `Zoom ${placed.meeting.key}: ${join.person.key} joins`,
      apply: () => control.zoom.join(id, { email: join.person.email, at: join.at.toISOString() }),
    })),
    { at: placed.end, rank: 1, what: `Zoom ${placed.meeting.key} ends`, apply: () => control.zoom.end(id, placed.end.toISOString()) },
  ];
}

/**
 * Meet, as it unfolds. The emulator's control adds whole conference records and lists every
 * participant of a record whatever the clock says, so a record added at the start with a late
 * joiner in it would tell the service at once that the user is there. So the world adds what
 * has happened by each instant: at each wave of joins, a record (owned by the organiser) with
 * everyone who has joined so far. The service lists all records of the meeting's code around
 * its time and takes the earliest join per person (src/calendars/google/attendance.ts), and a
 * record is readable by its owner or its signed-in participants, so what it can see at any
 * instant is what one real record, growing, would show it. A finished meeting of the day
 * before is one complete record with an end time.
 */
function meetHappenings(control: EmulatorControl, fixture: DayFixture, placed: WorldMeeting, code: string, joins: Join[]): Happening[] {
  const owner = personOf(fixture, placed.meeting.organizer);
  if (owner.provider !== "google") throw new Error(`world: the Meet space of ${placed.meeting.key} needs a Google owner`);
  const participant = (join: Join, ended: boolean) => ({
    ...(join.asGuest ? { kind: "anonymous" as const, displayName: join.person.name } : { email: join.person.email }),
    joinTime: join.at.toISOString(),
    ...(ended ? { leaveTime: placed.end.toISOString() } : {}),
  });
  const firstJoin = new Date(Math.min(...joins.map((join) => join.at.getTime())));
  if (placed.meeting.day === "previous") {
    return [{
      at: placed.end,
      rank: 1,
      what: `Meet record of ${placed.meeting.key} (finished)`,
      apply: () => {
        control.addConferenceRecord({ owner: owner.email, meetingCode: code, startTime: firstJoin.toISOString(), endTime: placed.end.toISOString(), participants: joins.map((join) => participant(join, true)) });
      },
    }];
  }
  const waves = [...new Set(joins.map((join) => join.at.getTime()))].sort((a, b) => a - b);
  return waves.map((wave) => {
    const joined = joins.filter((join) => join.at.getTime() <= wave);
    return {
      at: new Date(wave),
      rank: 1,
      what: `Meet ${placed.meeting.key}: ${joins.filter((join) => join.at.getTime() === wave).map((join) => join.person.key).join(", ")} join`,
      apply: () => {
        control.addConferenceRecord({ owner: owner.email, meetingCode: code, startTime: firstJoin.toISOString(), participants: joined.map((join) => participant(join, false)) });
      },
    };
  });
}

/** The Teams attendance report: the organiser's, published after the end (the emulator gates it by the lag). */
function teamsReport(control: EmulatorControl, fixture: DayFixture, placed: WorldMeeting, joinUrl: string): Happening {
  const organizer = personOf(fixture, placed.meeting.organizer);
  if (organizer.provider !== "microsoft") throw new Error(`world: the Teams meeting ${placed.meeting.key} needs a Microsoft organiser`);
  const records = joinsOf(fixture, placed).map((join) => ({
    email: join.person.email,
    name: join.person.name,
    role: join.person.email === organizer.email ? ("Organizer" as const) : ("Attendee" as const),
    joinTime: join.at.toISOString(),
    leaveTime: placed.end.toISOString(),
  }));
  return {
    at: placed.end,
    rank: 1,
    what: `Teams report of ${placed.meeting.key}`,
    apply: () => {
      control.addTeamsAttendance({ organizer: organizer.email, joinWebUrl: joinUrl, meetingStart: placed.start.toISOString(), meetingEnd: placed.end.toISOString(), lagMs: TEAMS_REPORT_LAG_MS, records });
    },
  };
}

// ---- presence (Microsoft Graph /me/presence) ------------------------------------------------

export interface Presence {
  availability: "Available" | "Busy" | "Away";
  activity: "Available" | "InAMeeting" | "InACall" | "InAConferenceCall" | "Away";
}

const AVAILABLE: Presence = { availability: "Available", activity: "Available" };
const IN_A_MEETING: Presence = { availability: "Busy", activity: "InAMeeting" };

/**
 * Sets the user's presence from `window.from` on (called at that instant; the next window's
 * call replaces it), as Teams does when a call starts or ends.
 */
export function presenceDuring(control: EmulatorControl, email: string, window: { from: Date; to: Date }, presence: Presence): boolean {
  void window;
  control.setPresence(email, presence);
  return true;
}

export function presenceSupported(control: EmulatorControl): boolean {
  return typeof control.setPresence === "function";
}

/**
 * The Microsoft user's presence through the day, as Teams would set it: Busy / InAMeeting
 * whenever the calendar says a meeting is on (whether or not they are in it: the calendar
 * alone sets it, so it is never evidence), InACall / InAConferenceCall from the moment they
 * join a Teams call until it ends, Available otherwise.
 */
function presenceHappenings(control: EmulatorControl, fixture: DayFixture, user: FixtureUser, meetings: WorldMeeting[]): Happening[] {
  const today = meetings.filter((placed) => placed.user.key === user.key && placed.meeting.day === "today");
  const presenceAt = (instant: number): Presence => {
    const current = today.filter((placed) => placed.start.getTime() <= instant && instant < placed.end.getTime());
    for (const placed of current) {
      const joined = userJoinAt(fixture, placed.meeting);
      if (placed.meeting.kind.startsWith("teams_") && joined && joined.getTime() <= instant) {
        const parties = othersOf(fixture, placed.meeting).length + 1;
        return { availability: "Busy", activity: parties > 2 ? "InAConferenceCall" : "InACall" };
      }
    }
    return current.length > 0 ? IN_A_MEETING : AVAILABLE;
  };
  const boundaries = [
    ...new Set([connectInstant(fixture, user).getTime(), ...today.flatMap((placed) => [placed.start.getTime(), placed.end.getTime(), userJoinAt(fixture, placed.meeting)?.getTime() ?? placed.start.getTime()])]),
  ].sort((a, b) => a - b);
  const segments: Array<{ from: number; to: number; presence: Presence }> = [];
  let previous: Presence | null = null;
  for (const [index, boundary] of boundaries.entries()) {
    const presence = presenceAt(boundary);
    if (previous && presence.activity === previous.activity && presence.availability === previous.availability) {
      segments.at(-1)!.to = boundaries[index + 1] ?? boundary;
      continue;
    }
    segments.push({ from: boundary, to: boundaries[index + 1] ?? boundary, presence });
    previous = presence;
  }
  return segments.map((segment) => ({
    at: new Date(segment.from),
    rank: 0,
    what: `presence of ${user.key}: ${segment.presence.activity}`,
    apply: () => void presenceDuring(control, user.email, { from: new Date(segment.from), to: new Date(segment.to) }, segment.presence),
  }));
}
