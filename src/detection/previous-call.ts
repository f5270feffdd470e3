import { z } from "zod";
import { raiseAlert } from "../alerts/index.js";
import type { SyncDependencies } from "../calendars/index.js";
import { stillInCallHeadsUp } from "../alerts/index.js";
import { defineTask } from "../tasks/index.js";
import type { NewTask } from "../tasks/index.js";
import { alertKey } from "./domain/index.js";
import { inACall } from "./presence.js";

export const CHECK_PREVIOUS_CALL = "check_previous_call";

/** One look per next meeting: the decision names it once, a duplicate is the same task. */
export function previousCallTask(meetingId: string, previousMeetingId: string, now: Date): NewTask {
  return { kind: CHECK_PREVIOUS_CALL, payload: { meetingId, previousMeetingId }, idempotencyKey: `heads-up-call:${meetingId}`, dueAt: now, priority: 25 };
}

/**
 * Two minutes before a meeting: is the user still in the previous meeting's call? Read live
 * (a Meet participant who has not left, or Teams presence "in a call"); if so, a heads-up with
 * the one-click late notice, so they can warn the next meeting instead of staring at the clock.
 * A read that fails or sees nothing raises nothing: a missing heads-up costs less than a false one.
 */
export function checkPreviousCallTask(deps: SyncDependencies & { publicUrl: string }) {
  return defineTask({
    kind: CHECK_PREVIOUS_CALL,
    payload: z.object({ meetingId: z.uuid(), previousMeetingId: z.uuid() }),
    async run({ meetingId, previousMeetingId }, context) {
      const now = deps.clock.now();
      const [next, previous] = await Promise.all([
        deps.db.meeting.findUnique({ where: { id: meetingId }, include: { user: { include: { settings: true } } } }),
        deps.db.meeting.findUnique({ where: { id: previousMeetingId }, include: { connection: true } }),
      ]);
      if (!next || !previous || next.state !== "upcoming" || next.start.getTime() <= now.getTime() || previous.userId !== next.userId) return;
      const still = await stillInCall(previous, deps, now).catch((error: unknown) => {
        context.log.info({ meetingId, previousMeetingId, err: error }, "could not read the previous call; no heads-up");
        return false;
      });
      if (!still) return;
      const text = stillInCallHeadsUp({ meetingTitle: next.title, start: next.start, previousTitle: previous.title, timeZone: next.user.settings?.timeZone ?? next.timeZone });
      await context.finish(async (tx) => {
        await raiseAlert(
          tx,
          {
            userId: next.userId,
            kind: "heads_up",
            idempotencyKey: alertKey("heads_up", next.id),
            title: text.subject,
            body: text.body,
            meetingId: next.id,
            data: { links: [{ label: "Tell them I'm running late", url: `${deps.publicUrl}/?meeting=${next.id}&action=late` }] },
          },
          now,
        );
      });
    },
  });
}

type PreviousRow = NonNullable<Awaited<ReturnType<SyncDependencies["db"]["meeting"]["findUnique"]>>> & {
  connection: { id: string; provider: "google" | "microsoft" | "sandbox"; status: string; accountId: string; accountEmail: string };
};

async function stillInCall(previous: PreviousRow, deps: SyncDependencies, now: Date): Promise<boolean> {
  if (previous.connection.status !== "active") return false;
  const tokens = deps.tokensFor(previous.connection);
  if (!tokens) return false;
  const provider = deps.providers.calendar(previous.connection, tokens);
  if (previous.meetCode) {
    const attendance = await provider.attendance({
      providerEventId: previous.providerEventId,
      meetCode: previous.meetCode,
      teamsJoinUrl: previous.teamsJoinUrl,
      onlineMeetingId: previous.onlineMeetingId,
      start: previous.start,
      end: previous.end,
      isOrganizer: previous.isOrganizer,
    });
    if (attendance.available && attendance.selfInCallNow) return true;
  }
  if (previous.teamsJoinUrl && previous.liveSignal && now.getTime() >= previous.start.getTime()) {
    const reading = await provider.presence();
    return reading.available && inACall(reading.activity);
  }
  return false;
}
