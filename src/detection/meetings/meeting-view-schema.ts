import { z } from "zod";

export const MEETING_STATES = ["upcoming", "in_progress", "late", "attended", "suspected_missed", "missed", "excused"] as const;

export const attendeeView = z.object({
  email: z.string(),
  name: z.string().nullable(),
  response: z.enum(["needs_action", "accepted", "tentative", "declined"]),
  isSelf: z.boolean(),
  isOrganizer: z.boolean(),
});

export const meetingView = z
  .object({
    id: z.uuid(),
    provider: z.enum(["google", "microsoft", "sandbox"]),
    providerEventId: z.string(),
    connectionId: z.uuid(),
    iCalUid: z.string().nullable(),
    seriesId: z.string().nullable().describe("the recurring series this is an instance of"),
    title: z.string(),
    start: z.iso.datetime().describe("RFC 3339, UTC"),
    end: z.iso.datetime().describe("RFC 3339, UTC"),
    timeZone: z.string().describe("the event's IANA time zone"),
    isAllDay: z.boolean(),
    organizer: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
    isOrganizer: z.boolean().describe("the user organises this meeting"),
    attendees: z.array(attendeeView),
    selfResponse: z.enum(["needs_action", "accepted", "tentative", "declined"]),
    cancelled: z.boolean(),
    free: z.boolean(),
    conference: z.object({
      meetCode: z.string().nullable(),
      teamsJoinUrl: z.string().nullable(),
      url: z.string().nullable(),
      zoomMeetingId: z.string().nullable().describe("the Zoom meeting number of the join link in the event, when there is one"),
    }),
    watched: z.boolean(),
    notWatchedReason: z.string().nullable().describe("why the meeting is not watched (declined, cancelled, no one else invited…); null when it is watched"),
    evidenceSource: z
      .enum(["conference", "presence", "check_in"])
      .describe("how the service can know whether you joined: the conference's participants (Meet, Teams as organiser, Zoom as host), your Teams presence, or only your check-in"),
    evidenceSourceReason: z.string().describe("one line saying what we can and cannot see of this meeting"),
    liveSignal: z.boolean().describe("joins are seen while the meeting runs, so a 'running late?' can be asked"),
    evidenceNote: z.string().nullable().describe("why a signal was unavailable for this meeting when we last looked (e.g. Graph refused presence)"),
    state: z.enum(MEETING_STATES).nullable().describe("detection state; null when the meeting was never watched"),
    checkedInAt: z.iso
      .datetime()
      .nullable()
      .describe("when you checked in (\"I'm here\", from the dashboard or the link) or marked it attended yourself; null otherwise. A check-in before the start keeps the meeting upcoming until it begins"),
  })
  .meta({ id: "Meeting" });

export type MeetingView = z.infer<typeof meetingView>;
