import { z } from "zod";
import type { SyncDependencies } from "../calendars/index.js";
import { errorMessage } from "../platform/index.js";
import { ProviderError } from "../calendars/index.js";
import { defineTask } from "../tasks/index.js";
import { detectMeetings, type DetectionDependencies } from "./detect-meetings.js";
import { fetchEvidence } from "./fetch-evidence.js";
import { queueRescheduleMatching } from "../recovery/index.js";

/** Evidence read within this long counts as fresh; the check at grace expiry reads it again. */
const EVIDENCE_FRESH_MS = 60_000;

/**
 * Detection's wake-ups. `{ due: true }`: the exact instant some meeting's next check comes
 * (start, start + grace, end + settle; wake-up.ts): a pass over the meetings due then.
 * `{ meetingId }`: one meeting whose decision would alert: read the conference first when
 * there is one, so a user who joined is not told they are late, then decide it.
 */
export function detectMeetingTask(detection: DetectionDependencies, sync: SyncDependencies) {
  return defineTask({
    kind: "detect_meeting",
    payload: z.union([z.object({ meetingId: z.uuid() }), z.object({ due: z.literal(true) })]),
    async run(payload, context) {
      if (!("meetingId" in payload)) {
        await detectMeetings(detection, sync.clock.now());
        return;
      }
      const { meetingId } = payload;
      const now = sync.clock.now();
      const meeting = await sync.db.meeting.findUnique({ where: { id: meetingId }, select: { start: true, state: true, meetCode: true, teamsJoinUrl: true, zoomMeetingId: true, evidenceCheckedAt: true } });
      if (!meeting) return;
      const hasConference = Boolean(meeting.meetCode || meeting.teamsJoinUrl || meeting.zoomMeetingId);
      const stale = !meeting.evidenceCheckedAt || now.getTime() - meeting.evidenceCheckedAt.getTime() > EVIDENCE_FRESH_MS;
      if (hasConference && stale && meeting.start <= now && meeting.state !== "attended") {
        try {
          await fetchEvidence(meetingId, sync);
        } catch (error) {
          // Throttled: ask again when the provider says (the task's retry honours Retry-After) rather
          // than ask the user a question the reading might have answered. Anything else: detection
          // goes on without it, and a later read can still mark attendance.
          if (error instanceof ProviderError && error.kind === "rate_limited") throw error;
          context.log.warn({ meetingId, reason: errorMessage(error) }, "attendance could not be read before deciding");
        }
      }
      await detectMeetings(detection, sync.clock.now(), { meetingIds: [meetingId], evidenceJustRead: true });
    },
  });
}

/** Re-decides a user's meetings after their calendar changed (a sync stored new rows). */
export function detectUserTask(detection: DetectionDependencies, sync: SyncDependencies) {
  return defineTask({
    kind: "detect_user",
    payload: z.object({ userId: z.uuid() }),
    async run({ userId }, context) {
      await detectMeetings(detection, sync.clock.now(), { userId });
      // The recovery workflow follows calendar changes too: a rescheduled meeting appears,
      // moves or is cancelled (a no-op for users without an open case).
      await queueRescheduleMatching(sync.db, userId, sync.clock.now(), context.finish);
    },
  });
}

/** Reads a conference's attendance for one meeting (queued by the detect job while it matters). */
export function fetchEvidenceTask(detection: DetectionDependencies, sync: SyncDependencies) {
  return defineTask({
    kind: "fetch_evidence",
    payload: z.object({ meetingId: z.uuid() }),
    async run({ meetingId }) {
      const outcome = await fetchEvidence(meetingId, sync);
      if (outcome === "recorded") await detectMeetings(detection, sync.clock.now(), { meetingIds: [meetingId], evidenceJustRead: true });
    },
  });
}
