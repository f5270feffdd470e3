import { z } from "zod";
import { raiseAlert } from "../../alerts/index.js";
import { ProviderError } from "../../calendars/index.js";
import type { Logger } from "../../platform/index.js";
import { defineTask } from "../../tasks/index.js";
import { bufferBlockText, bufferConflicts, formatMeetingTime, planBuffer, type BufferRange } from "../domain/index.js";
import { calendarFor, type RecoveryDependencies, type Tx } from "../recovery-deps.js";
import { closeCaseIfFinished } from "../close-case.js";

export const BUFFER_BLOCK = "buffer_block";
/** Follow-up placements of the buffer (the meeting moved or was cancelled); not a case step of its own. */
export const SYNC_BUFFER = "sync_buffer";

/** The private marker our buffer events carry: sync recognises them and never treats them as meetings. */
export function bufferMarker(caseId: string): string {
  return `makegood-buffer:${caseId}`;
}

/**
 * Puts the calendar in line with the case: a buffer of the configured length right before
 * the rescheduled meeting (created, moved with it), none when the meeting was cancelled.
 * One case at a time (an advisory lock), so two workers never place two buffers.
 *
 * A crash after the provider created the event and before we stored its id would place a
 * second one on the retry; the retry first adopts a synced buffer event at exactly the
 * wanted times on that calendar, which covers the case once a sync has run in between.
 */
export async function reconcileBuffer(deps: RecoveryDependencies, caseId: string, log: Logger): Promise<void> {
  await deps.locks.withLock(`makegood:buffer:${caseId}`, { wait: true }, async () => {
    const now = deps.clock.now();
    const recoveryCase = await deps.db.recoveryCase.findUnique({
      where: { id: caseId },
      include: { user: { include: { settings: true } }, rescheduled: { include: { calendar: true, connection: true } } },
    });
    if (!recoveryCase) return;
    const meeting = recoveryCase.rescheduled;
    const placed: BufferRange | null =
      recoveryCase.bufferEventId && recoveryCase.bufferStart && recoveryCase.bufferEnd ? { start: recoveryCase.bufferStart, end: recoveryCase.bufferEnd } : null;
    const plan = planBuffer({
      meeting: meeting ? { start: meeting.start, cancelled: meeting.isCancelled, deleted: meeting.deletedAt !== null } : null,
      placed,
      minutes: recoveryCase.user.settings?.bufferMinutes ?? 40,
      now,
    });
    const meetingGone = !meeting || meeting.isCancelled || meeting.deletedAt !== null;
    if (plan.action === "none") {
      // The rescheduled meeting was cancelled and nothing is placed: wait for the next one.
      if (meeting && meetingGone) await deps.db.recoveryCase.update({ where: { id: caseId }, data: { rescheduledMeetingId: null } });
      return;
    }
    if (!meeting) return;
    const calendar = calendarFor(deps, meeting.connection);
    const providerCalendarId = meeting.calendar.providerCalendarId;

    if (plan.action === "delete") {
      await calendar.deleteEvent(providerCalendarId, recoveryCase.bufferEventId!);
      // A cancelled meeting is unlinked (the next one is awaited); one that moved to a time
      // already past stays linked, for the thank-you.
      await deps.db.recoveryCase.update({ where: { id: caseId }, data: { bufferEventId: null, bufferStart: null, bufferEnd: null, ...(meetingGone ? { rescheduledMeetingId: null } : {}) } });
      log.info({ caseId }, meetingGone ? "buffer removed: the rescheduled meeting was cancelled" : "buffer removed: the rescheduled meeting moved to a time already past");
      return;
    }

    let eventId = recoveryCase.bufferEventId;
    if (plan.action === "move" && eventId) {
      try {
        await calendar.moveEvent(providerCalendarId, eventId, plan.range);
      } catch (error) {
        // The user deleted our buffer by hand: place a new one rather than fail forever.
        if (!(error instanceof ProviderError && error.kind === "not_found")) throw error;
        eventId = null;
      }
    }
    if (plan.action === "create" || !eventId) {
      const adopted = await deps.db.meeting.findFirst({
        where: { calendarId: meeting.calendarId, isBuffer: true, deletedAt: null, isCancelled: false, start: plan.range.start, end: plan.range.end },
        select: { providerEventId: true },
      });
      const minutes = Math.round((plan.range.end.getTime() - plan.range.start.getTime()) / 60_000);
      const text = bufferBlockText({ meetingTitle: meeting.title, minutes });
      eventId =
        adopted?.providerEventId ??
        (await calendar.createEvent(providerCalendarId, { title: text.summary, description: text.description, start: plan.range.start, end: plan.range.end, timeZone: meeting.timeZone, marker: bufferMarker(caseId) })).providerEventId;
    }
    const range = plan.range;
    await deps.db.$transaction(async (tx) => {
      await tx.recoveryCase.update({ where: { id: caseId }, data: { bufferEventId: eventId, bufferStart: range.start, bufferEnd: range.end } });
      await raiseBufferConflicts(tx, { id: caseId, userId: recoveryCase.userId, timeZone: recoveryCase.user.settings?.timeZone ?? meeting.timeZone }, { id: meeting.id, title: meeting.title }, range, now);
      await closeCaseIfFinished(tx, caseId, now);
    });
    log.info({ caseId, action: plan.action }, "buffer placed before the rescheduled meeting");
  });
}

/**
 * Warns once per conflicting event (and buffer position) when anything else is booked inside
 * the buffer: seed 000 step 9, "don't book any other appointments near this time".
 */
export async function raiseBufferConflicts(
  tx: Tx,
  recoveryCase: { id: string; userId: string; timeZone: string },
  meeting: { id: string; title: string },
  buffer: BufferRange,
  now: Date,
): Promise<number> {
  const overlapping = await tx.meeting.findMany({
    where: { userId: recoveryCase.userId, start: { lt: buffer.end }, end: { gt: buffer.start }, deletedAt: null, isCancelled: false, isBuffer: false, isFree: false, isAllDay: false },
    select: { id: true, title: true, start: true, end: true, isCancelled: true, deletedAt: true, isFree: true, isBuffer: true },
  });
  const conflicts = bufferConflicts(
    buffer,
    meeting.id,
    overlapping.map((m) => ({ ...m, cancelled: m.isCancelled, deleted: m.deletedAt !== null, free: m.isFree })),
  );
  let raised = 0;
  for (const conflict of conflicts) {
    const when = formatMeetingTime(conflict.start, conflict.end, recoveryCase.timeZone);
    const isNew = await raiseAlert(
      tx,
      {
        userId: recoveryCase.userId,
        kind: "buffer_conflict",
        idempotencyKey: `buffer_conflict:${recoveryCase.id}:${conflict.id}:${buffer.start.toISOString()}`,
        meetingId: meeting.id,
        title: `"${conflict.title}" is booked inside your buffer`,
        body: `You kept ${formatMeetingTime(buffer.start, buffer.end, recoveryCase.timeZone)} clear before "${meeting.title}", but "${conflict.title}" (${when}) overlaps it. Move it if you can, so you arrive early and give the meeting your full attention.`,
        data: { caseId: recoveryCase.id, conflictMeetingId: conflict.id },
      },
      now,
    );
    if (isNew) raised += 1;
  }
  return raised;
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
