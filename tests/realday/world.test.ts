import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConferenceInput, AttendanceInput } from "../emulator/control.js";
import { startEmulator, type Emulator } from "../emulator/server.js";
import { connectInstant, meetingTimes, MEETING_KINDS, personOf, realDay, signalOf, userJoinAt, userOf, type FixtureMeeting } from "./fixture.js";
import { buildWorld, type Presence, type World } from "./world.js";

const MINUTE = 60_000;
const fixture = realDay;
const today = fixture.meetings.filter((meeting) => meeting.day === "today");

describe("the realistic day's fixture", () => {
  it("is a day of 20 meetings for Maya and 19 for Tom, of every kind, plus five on Monday that ended before they connect", () => {
    expect(today.filter((meeting) => meeting.user === "maya")).toHaveLength(20);
    expect(today.filter((meeting) => meeting.user === "tom")).toHaveLength(19);
    expect(new Set(today.map((meeting) => meeting.kind))).toEqual(new Set(MEETING_KINDS));
    const previous = fixture.meetings.filter((meeting) => meeting.day === "previous");
    expect(previous).toHaveLength(5);
    for (const meeting of previous) expect(meetingTimes(fixture, meeting).end.getTime()).toBeLessThan(connectInstant(fixture, userOf(fixture, meeting.user)).getTime());
    expect(new Set(fixture.meetings.map((meeting) => meeting.key)).size).toBe(fixture.meetings.length);
    expect(new Set(fixture.meetings.map((meeting) => meeting.title)).size).toBe(fixture.meetings.length);
  });

  it("mixes on time, a few late (8–12 minutes) and a few missed, some of them check-in only", () => {
    const late = today.filter((meeting) => meeting.truth.outcome === "late");
    const missed = today.filter((meeting) => meeting.truth.outcome === "missed");
    expect(late.length).toBeGreaterThanOrEqual(2);
    for (const meeting of late) expect(meeting.truth.outcome === "late" && meeting.truth.lateMinutes >= 8 && meeting.truth.lateMinutes <= 12).toBe(true);
    expect(missed.length).toBe(6);
    const source = (meeting: FixtureMeeting) => signalOf(userOf(fixture, meeting.user).provider, meeting.kind, false).source;
    expect(missed.some((meeting) => source(meeting) === "check_in" && (meeting.kind === "in_person" || meeting.kind === "phone"))).toBe(true);
    expect(missed.some((meeting) => source(meeting) === "conference")).toBe(true);
  });

  it("has 1:1s a colleague organises with only the user invited (on Outlook the organiser is only in `organizer`)", () => {
    const oneToOnes = today.filter((meeting) => meeting.organizer !== meeting.user && personOf(fixture, meeting.organizer).company === userOf(fixture, meeting.user).company && meeting.attendees.filter((key) => key !== meeting.organizer).length === 1);
    expect(oneToOnes.map((meeting) => meeting.key).sort()).toEqual(["g08", "g17", "m07", "m14"]);
    for (const meeting of oneToOnes.filter((candidate) => candidate.user === "tom")) expect(meeting.attendees).toEqual(["tom"]);
  });

  it("never puts a user in two meetings at once", () => {
    for (const user of fixture.users) {
      const attended = today
        .filter((meeting) => meeting.user === user.key && meeting.truth.outcome !== "missed")
        .map((meeting) => ({ key: meeting.key, ...meetingTimes(fixture, meeting) }))
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      for (let index = 1; index < attended.length; index += 1) expect(attended[index]!.start.getTime(), `${attended[index - 1]!.key} / ${attended[index]!.key}`).toBeGreaterThanOrEqual(attended[index - 1]!.end.getTime());
    }
  });
});

describe("the realistic day's world", () => {
  let emulator: Emulator;
  let world: World;
  const records: ConferenceInput[] = [];
  const reports: AttendanceInput[] = [];
  const presence: Array<{ email: string; presence: Presence; at: number }> = [];
  let now = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => now });
    const { control } = emulator;
    // Spies on what the world tells the emulator, presence included.
    const addConferenceRecord = control.addConferenceRecord.bind(control);
    const addTeamsAttendance = control.addTeamsAttendance.bind(control);
    control.addConferenceRecord = (input) => (records.push(input), addConferenceRecord(input));
    control.addTeamsAttendance = (input) => (reports.push(input), addTeamsAttendance(input));
    Object.assign(control, { setPresence: (email: string, value: Presence) => presence.push({ email, presence: value, at: now }) });
    world = buildWorld(control, fixture);
    for (const happening of world.happenings) {
      now = happening.at.getTime();
      await happening.apply();
    }
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const key = (meeting: string) => fixture.meetings.find((candidate) => candidate.key === meeting)!;
  const codeOf = (meeting: string) => world.meetings.get(meeting)!.meetCode;

  it("runs every Zoom meeting on its host's Zoom account: the users' own, and the clients'", () => {
    const zoomMeetings = fixture.meetings.filter((meeting) => meeting.kind === "zoom" || meeting.kind === "zoom_own");
    expect(zoomMeetings.map((meeting) => meeting.key).sort()).toEqual(["g06", "g14", "g18", "g19", "g20", "m09", "m17", "m18", "m19"]);
    // Nobody installed the app in this world (the users connect Zoom through the service): no webhook was sent.
    expect(emulator.control.zoom.installed(userOf(fixture, "maya").email)).toBe(false);
    expect(emulator.control.webhookDeliveries().filter((delivery) => delivery.headers["x-zm-signature"])).toEqual([]);
    for (const meeting of zoomMeetings) {
      const host = personOf(fixture, meeting.organizer);
      expect(meeting.kind === "zoom_own", meeting.key).toBe(host.key === meeting.user);
    }
  });

  it("puts each meeting on its user's calendar with the conference its provider gives it", () => {
    expect(world.meetings.size).toBe(fixture.meetings.length);
    expect(codeOf("g03")).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(world.meetings.get("m04")!.teamsJoinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    for (const meeting of ["g04", "g06", "g07", "g10", "m05", "m06", "m08", "m09"]) expect(world.meetings.get(meeting)).toMatchObject({ meetCode: null, teamsJoinUrl: null });
  });

  it("Meet: the organiser owns the record; nobody is in it before they join; a late user appears only at their join", () => {
    const g03 = records.filter((record) => record.meetingCode === codeOf("g03"));
    expect(g03.every((record) => record.owner === personOf(fixture, "dana").email)).toBe(true);
    const { start } = meetingTimes(fixture, key("g03"));
    const maya = userOf(fixture, "maya").email;
    expect(g03.map((record) => (record.participants ?? []).map((participant) => participant.email))).toEqual([[personOf(fixture, "dana").email], [personOf(fixture, "dana").email, maya]]);
    expect(g03[1]!.participants!.find((participant) => participant.email === maya)!.joinTime).toBe(new Date(start.getTime() + 10 * MINUTE).toISOString());
    // A missed colleague's 1:1: Sam waits alone in his own space.
    expect(records.filter((record) => record.meetingCode === codeOf("g08")).map((record) => record.participants!.map((participant) => participant.email))).toEqual([[personOf(fixture, "sam").email]]);
    // On Outlook, a client's Meet link: Tom joins as a guest.
    expect(records.find((record) => record.meetingCode === "lum-apiw-tue")!.participants!.map((participant) => participant.kind ?? "signedin")).toEqual(["signedin", "anonymous"]);
  });

  it("Teams: the report is the organiser's, published after the end, with the user's real join", () => {
    const m04 = reports.find((report) => report.joinWebUrl === world.meetings.get("m04")!.teamsJoinUrl)!;
    const { start, end } = meetingTimes(fixture, key("m04"));
    expect(m04).toMatchObject({ organizer: userOf(fixture, "tom").email, meetingEnd: end.toISOString() });
    expect(m04.lagMs).toBeGreaterThan(0);
    expect(m04.records!.find((record) => record.email === userOf(fixture, "tom").email)).toMatchObject({ joinTime: new Date(start.getTime() + 8 * MINUTE).toISOString(), role: "Organizer" });
    const m12 = reports.find((report) => report.joinWebUrl === world.meetings.get("m12")!.teamsJoinUrl)!;
    expect(m12.organizer).toBe(personOf(fixture, "ben").email);
    expect(m12.records!.map((record) => record.email)).not.toContain(userOf(fixture, "tom").email);
  });

  it("presence: in a call only from the moment the user joins a Teams meeting; InAMeeting from the calendar otherwise", () => {
    expect(world.presenceSimulated).toBe(true);
    const tom = userOf(fixture, "tom").email;
    expect(presence.every((entry) => entry.email === tom)).toBe(true);
    const at = (meeting: string, minutes: number) => {
      const instant = meetingTimes(fixture, key(meeting)).start.getTime() + minutes * MINUTE;
      return presence.filter((entry) => entry.at <= instant).at(-1)!.presence.activity;
    };
    expect(at("m04", 0)).toBe("InAMeeting");
    expect(at("m04", 8)).toBe("InACall");
    expect(at("m11", 5)).toBe("InAMeeting"); // missed: the calendar still says a meeting is on
    expect(at("m03", 2)).toBe("InAConferenceCall");
    expect(at("m06", 10)).toBe("InAMeeting"); // lunch
    const afterLast = Math.max(...today.filter((meeting) => meeting.user === "tom").map((meeting) => meetingTimes(fixture, meeting).end.getTime()));
    expect(presence.at(-1)).toMatchObject({ at: afterLast, presence: { activity: "Available" } });
    expect(userJoinAt(fixture, key("m11"))).toBeNull();
  });
});
