import { z } from "zod";
import { ProviderError } from "../../calendars/index.js";
import type { Logger } from "../../platform/index.js";
import { defineTask } from "../../tasks/index.js";
import { calendarFor, type RecoveryDependencies } from "../recovery-deps.js";
import { applyCaseEvent } from "../apply-case-event.js";
import { bufferBlockText, type CaseCommand } from "../domain/index.js";

export const BUFFER_BLOCK = "buffer_block";
/** Follow-up placements of the buffer (the meeting moved or was cancelled); not a case step of its own. */
export const SYNC_BUFFER = "sync_buffer";

/** The private marker our buffer events carry: sync recognises them and never treats them as meetings. */
export function bufferMarker(caseId: string): string {
  return `makegood-buffer:${caseId}`;
}

/**
 * Puts the calendar in line with the case (domain `decide`, event "buffer_due"): a buffer of
 * the configured length right before the rescheduled meeting (created, moved with it), none
 * when the meeting was cancelled. The provider calls happen between two short transactions:
 * the decision, then what the provider did ("buffer_placed", "buffer_removed"). One case at a
 * time (an advisory lock), so two workers never place two buffers.
 *
 * A crash after the provider created the event and before we stored its id would place a
 * second one on the retry; the retry first adopts a synced buffer event at exactly the
 * wanted times on that calendar, which covers the case once a sync has run in between.
 */
export async function reconcileBuffer(deps: RecoveryDependencies, caseId: string, log: Logger): Promise<void> {
  await deps.locks.withLock(`makegood:buffer:${caseId}`, { wait: true }, async () => {
    const now = deps.clock.now();
    const settings = await deps.db.recoveryCase.findUnique({ where: { id: caseId }, select: { user: { select: { settings: { select: { bufferMinutes: true } } } } } });
    if (!settings) return;
    const due = await deps.db.$transaction((tx) => applyCaseEvent(tx, caseId, { type: "buffer_due", bufferMinutes: settings.user.settings?.bufferMinutes ?? 40 }, now));
    for (const command of due?.pending ?? []) {
      if (command.type === "remove_buffer") await removeBuffer(deps, caseId, command, now, log);
      if (command.type === "place_buffer") await placeBuffer(deps, caseId, command, now, log);
    }
  });
}

async function calendarOfMeeting(deps: RecoveryDependencies, meetingId: string) {
  const meeting = await deps.db.meeting.findUnique({ where: { id: meetingId }, include: { calendar: true, connection: true } });
  return meeting && { meeting, calendar: calendarFor(deps, meeting.connection), providerCalendarId: meeting.calendar.providerCalendarId };
}

async function removeBuffer(deps: RecoveryDependencies, caseId: string, command: Extract<CaseCommand, { type: "remove_buffer" }>, now: Date, log: Logger): Promise<void> {
  const linked = await deps.db.recoveryCase.findUnique({ where: { id: caseId }, select: { rescheduledMeetingId: true } });
  const target = linked?.rescheduledMeetingId ? await calendarOfMeeting(deps, linked.rescheduledMeetingId) : null;
  if (!target) return;
  await target.calendar.deleteEvent(target.providerCalendarId, command.eventId);
  await deps.db.$transaction((tx) => applyCaseEvent(tx, caseId, { type: "buffer_removed" }, now));
  log.info({ caseId }, command.reason === "meeting_gone" ? "buffer removed: the rescheduled meeting was cancelled" : "buffer removed: the rescheduled meeting moved to a time already past");
}

async function placeBuffer(deps: RecoveryDependencies, caseId: string, command: Extract<CaseCommand, { type: "place_buffer" }>, now: Date, log: Logger): Promise<void> {
  const target = await calendarOfMeeting(deps, command.meetingId);
  if (!target) return;
  const { meeting, calendar, providerCalendarId } = target;
  let eventId = command.moveEventId;
  if (eventId) {
    try {
      await calendar.moveEvent(providerCalendarId, eventId, command.range);
    } catch (error) {
      // The user deleted our buffer by hand: place a new one rather than fail forever.
      if (!(error instanceof ProviderError && error.kind === "not_found")) throw error;
      eventId = null;
    }
  }
  if (!eventId) {
    const adopted = await deps.db.meeting.findFirst({
      where: { calendarId: meeting.calendarId, isBuffer: true, deletedAt: null, isCancelled: false, start: command.range.start, end: command.range.end },
      select: { providerEventId: true },
    });
    const minutes = Math.round((command.range.end.getTime() - command.range.start.getTime()) / 60_000);
    const text = bufferBlockText({ meetingTitle: meeting.title, minutes });
    eventId =
      adopted?.providerEventId ??
      (await calendar.createEvent(providerCalendarId, { title: text.summary, description: text.description, start: command.range.start, end: command.range.end, timeZone: meeting.timeZone, marker: bufferMarker(caseId) })).providerEventId;
  }
  const placed = eventId;
  await deps.db.$transaction((tx) => applyCaseEvent(tx, caseId, { type: "buffer_placed", eventId: placed, range: command.range }, now));
  log.info({ caseId, action: command.moveEventId ? "move" : "create" }, "buffer placed before the rescheduled meeting");
}

/** Buffer block (when the rescheduled meeting appears): the first placement. */
export function bufferBlockTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: BUFFER_BLOCK,
    payload: z.object({ caseId: z.uuid(), meetingId: z.uuid().optional() }),
    async run({ caseId }, context) {
      await reconcileBuffer(deps, caseId, context.log);
    },
  });
}

/** The rescheduled meeting moved or was cancelled: the buffer follows. */
export function syncBufferTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: SYNC_BUFFER,
    payload: z.object({ caseId: z.uuid() }),
    async run({ caseId }, context) {
      await reconcileBuffer(deps, caseId, context.log);
    },
  });
}
