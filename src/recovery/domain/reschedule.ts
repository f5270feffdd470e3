/**
 * Recognising the rescheduled meeting and placing the buffer before it (PRODUCT §4; seed
 * 000 step 9: arrive 30–45 minutes early, book nothing near it).
 *
 * Decisions:
 * - The rescheduled meeting is an event first seen after the case opened, starting after
 *   the case opened, that shares at least one external attendee (not the user, not a room)
 *   with the missed meeting. "At least one" rather than "all": a second meeting often
 *   drops or adds a colleague. The earliest such meeting wins (the next one with them).
 * - Cancelled, deleted, free and buffer events never count.
 * - The buffer is [start − minutes, start) of the rescheduled meeting, placed only while
 *   the meeting has not started; once it started the buffer is left alone (moving or
 *   deleting it then helps no one).
 * - A conflict is any other busy event of the user overlapping the buffer (touching
 *   edges do not overlap).
 */

export interface MeetingFacts {
  id: string;
  start: Date;
  end: Date;
  firstSeenAt: Date;
  cancelled: boolean;
  deleted: boolean;
  free: boolean;
  isBuffer: boolean;
  /** external attendees' addresses */
  attendeeEmails: readonly string[];
}

export function externalEmails(attendees: readonly { email: string; isSelf: boolean; isResource: boolean }[], selfEmails: readonly string[] = []): string[] {
  const self = new Set(selfEmails.map((email) => email.toLowerCase()));
  const emails = attendees.filter((a) => !a.isSelf && !a.isResource && !self.has(a.email.toLowerCase())).map((a) => a.email.toLowerCase());
  return [...new Set(emails)];
}

export function pickRescheduledMeeting(input: { missed: { id: string; externalEmails: readonly string[] }; openedAt: Date; candidates: readonly MeetingFacts[] }): MeetingFacts | undefined {
  const wanted = new Set(input.missed.externalEmails.map((email) => email.toLowerCase()));
  if (wanted.size === 0) return undefined;
  const opened = input.openedAt.getTime();
  return input.candidates
    .filter((m) => m.id !== input.missed.id && !m.cancelled && !m.deleted && !m.free && !m.isBuffer)
    .filter((m) => m.firstSeenAt.getTime() >= opened && m.start.getTime() >= opened)
    .filter((m) => m.attendeeEmails.some((email) => wanted.has(email.toLowerCase())))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.firstSeenAt.getTime() - b.firstSeenAt.getTime())[0];
}

export interface BufferRange {
  start: Date;
  end: Date;
}

export type BufferPlan =
  | { action: "none" }
  | { action: "create"; range: BufferRange }
  | { action: "move"; range: BufferRange }
  | { action: "delete" };

/**
 * What to do with the buffer: `meeting` is the rescheduled meeting (null when none is
 * linked), `placed` the buffer we put on the calendar (null when none).
 */
export function planBuffer(input: {
  meeting: { start: Date; cancelled: boolean; deleted: boolean } | null;
  placed: BufferRange | null;
  minutes: number;
  now: Date;
}): BufferPlan {
  const { meeting, placed } = input;
  const gone = !meeting || meeting.cancelled || meeting.deleted;
  if (gone) return placed ? { action: "delete" } : { action: "none" };
  if (meeting.start.getTime() <= input.now.getTime()) {
    // Moved to a time already past (it took place earlier): a buffer still ahead protects nothing.
    const staleBufferAhead = placed !== null && placed.start.getTime() > input.now.getTime();
    return staleBufferAhead ? { action: "delete" } : { action: "none" };
  }
  const minutes = Math.min(45, Math.max(30, Math.round(input.minutes)));
  const range = { start: new Date(meeting.start.getTime() - minutes * 60_000), end: new Date(meeting.start.getTime()) };
  if (!placed) return { action: "create", range };
  if (placed.start.getTime() === range.start.getTime() && placed.end.getTime() === range.end.getTime()) return { action: "none" };
  return { action: "move", range };
}

/** Events of the user overlapping the buffer, other than the meeting it protects and buffers. */
export function bufferConflicts<T extends { id: string; start: Date; end: Date; cancelled: boolean; deleted: boolean; free: boolean; isBuffer: boolean }>(
  buffer: BufferRange,
  protectedMeetingId: string,
  events: readonly T[],
): T[] {
  return events.filter(
    (e) =>
      e.id !== protectedMeetingId &&
      !e.cancelled &&
      !e.deleted &&
      !e.free &&
      !e.isBuffer &&
      e.start.getTime() < buffer.end.getTime() &&
      e.end.getTime() > buffer.start.getTime(),
  );
}
