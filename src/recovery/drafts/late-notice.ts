import type { Prisma } from "../../platform/index.js";
import { AppError, ConflictError, NotFoundError } from "../../platform/index.js";
import { arrivalSentence, formatClockForBoth, lateNotice, latePlan, proposeSlots, type EmailDraft, type LatePlan, type ProposedSlot } from "../domain/index.js";
import { workingHoursSchema } from "../working-hours-schema.js";

type Tx = Prisma.TransactionClient;

const DEFAULT_WORKING_HOURS = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };
/** How far ahead the synced meetings are read to offer other times. */
const BUSY_HORIZON_DAYS = 21;

export interface ComposedLateNotice {
  to: string[];
  text: EmailDraft;
  plan: LatePlan;
  /** what the form shows before sending */
  preview: LateNoticePreview;
}

export interface LateNoticePreview {
  minutes: number;
  /** the minutes count from the meeting's start, or from now once it began */
  countedFrom: "start" | "now";
  marginMinutes: number;
  arriveBy: string;
  /** "3:25 PM", or "3:25 PM EST (12:25 PM PST)" when their zone is known and differs */
  arriveByText: string;
  /** the sentence with the promise, as they will read it; null when the delay does not fit */
  sentence: string | null;
  fits: boolean;
  meetingEnd: string;
  meetingEndText: string;
  subject: string;
  body: string;
}

/**
 * The late notice for a meeting and the minutes the user typed, as the preview shows it and
 * as the draft stores it (one function, so the two cannot differ). When the delay would run
 * past the end, other times are offered from the synced meetings: this path has no provider
 * call, and the user reviews the notice before it goes (unless they allowed auto-send).
 */
export async function composeLateNotice(tx: Tx, userId: string, meetingId: string, minutes: number, now: Date): Promise<ComposedLateNotice> {
  const meeting = await tx.meeting.findFirst({ where: { id: meetingId, userId }, include: { attendees: true, connection: true, user: { include: { settings: true } } } });
  if (!meeting) throw new NotFoundError("Meeting", meetingId);
  if (meeting.isCancelled || meeting.deletedAt) throw new ConflictError("This meeting was cancelled.", "meeting_cancelled");
  if (meeting.end.getTime() <= now.getTime()) throw new ConflictError("This meeting is already over.", "meeting_over");
  const self = meeting.connection.accountEmail.toLowerCase();
  const attendees = meeting.attendees.filter((a) => !a.isSelf && !a.isResource && a.email.toLowerCase() !== self);
  // Graph names the organiser only in `organizer`: a 1:1 someone else organises has them nowhere else.
  const organizer = meeting.organizerEmail?.toLowerCase();
  const organizerMissing = organizer && organizer !== self && !meeting.isOrganizer && !attendees.some((a) => a.email.toLowerCase() === organizer);
  const others = organizerMissing ? [...attendees, { email: organizer, name: meeting.organizerName }] : attendees;
  if (others.length === 0) throw new AppError("This meeting has no other attendees to tell.", { code: "no_attendees", httpStatus: 409 });

  const timeZone = meeting.user.settings?.timeZone ?? meeting.timeZone;
  // The event's own zone is the organiser's when someone else organised it: theirs, not ours.
  const theirTimeZone = meeting.isOrganizer ? null : meeting.timeZone;
  const plan = latePlan({ now, start: meeting.start, end: meeting.end, minutesLate: minutes });
  let slots: ProposedSlot[] = [];
  if (!plan.fits) {
    const busy = await tx.meeting.findMany({
      where: { userId, isCancelled: false, isFree: false, isAllDay: false, deletedAt: null, start: { lt: new Date(now.getTime() + BUSY_HORIZON_DAYS * 86_400_000) }, end: { gt: now } },
      select: { start: true, end: true },
    });
    const hours = workingHoursSchema.safeParse(meeting.user.settings?.workingHours);
    const length = Math.min(240, Math.max(15, Math.round((meeting.end.getTime() - meeting.start.getTime()) / 60_000)));
    slots = proposeSlots({ busy, now, durationMinutes: length, timeZone, workingHours: hours.success ? hours.data : DEFAULT_WORKING_HOURS, count: 2 });
  }
  const people = { attendeeNames: others.map((a) => a.name), meetingTitle: meeting.title, userName: meeting.user.name ?? "", plan, timeZone, theirTimeZone, slots };
  const text = lateNotice(people);
  return {
    to: others.map((a) => a.email.toLowerCase()),
    text,
    plan,
    preview: {
      minutes: plan.minutesLate,
      countedFrom: plan.countedFrom.getTime() > meeting.start.getTime() ? "now" : "start",
      marginMinutes: plan.marginMinutes,
      arriveBy: plan.arriveBy.toISOString(),
      arriveByText: formatClockForBoth(plan.arriveBy, timeZone, theirTimeZone),
      sentence: plan.fits ? arrivalSentence(people) : null,
      fits: plan.fits,
      meetingEnd: meeting.end.toISOString(),
      meetingEndText: formatClockForBoth(meeting.end, timeZone, theirTimeZone),
      subject: text.subject,
      body: text.body,
    },
  };
}
