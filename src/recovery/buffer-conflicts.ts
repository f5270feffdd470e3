import { raiseAlert } from "../alerts/index.js";
import { bufferConflicts, formatMeetingTime, type BufferRange } from "./domain/index.js";
import type { Tx } from "./recovery-deps.js";

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
