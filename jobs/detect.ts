import { enqueueTasks } from "../src/tasks/index.js";
import { detectMeetings } from "../src/detection/index.js";
import type { Job } from "./job.js";

/** Attendance is read while it can still change a decision: from the start until this long after the end. */
const EVIDENCE_WINDOW_AFTER_END_MS = 60 * 60 * 1000;
const EVIDENCE_REFRESH_MS = 2 * 60 * 1000;

/**
 * The safety net under the exact-instant wake-ups: decides every unsettled meeting, and
 * queues attendance reads for meetings under way or just ended that have a conference.
 */
export const detectJob: Job = {
  name: "detect",
  description: "Advance the detection state of watched meetings and read conference attendance",
  schedule: "* * * * *",
  exclusive: true,
  async run({ db, clock, detection }) {
    const now = clock.now();
    const needEvidence = await db.meeting.findMany({
      where: {
        state: { in: ["in_progress", "late", "suspected_missed"] },
        start: { lte: now },
        end: { gte: new Date(now.getTime() - EVIDENCE_WINDOW_AFTER_END_MS) },
        OR: [{ meetCode: { not: null } }, { teamsJoinUrl: { not: null } }],
        AND: [{ OR: [{ evidenceCheckedAt: null }, { evidenceCheckedAt: { lt: new Date(now.getTime() - EVIDENCE_REFRESH_MS) } }] }],
      },
      select: { id: true },
      take: 500,
    });
    const bucket = Math.floor(now.getTime() / EVIDENCE_REFRESH_MS);
    await db.$transaction((tx) =>
      enqueueTasks(tx, needEvidence.map(({ id }) => ({ kind: "fetch_evidence", payload: { meetingId: id }, idempotencyKey: `evidence:${id}:${bucket}`, dueAt: now }))),
    );
    const result = await detectMeetings(detection, now);
    return { ...result, evidenceQueued: needEvidence.length };
  },
};
