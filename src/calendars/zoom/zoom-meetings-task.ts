import { z } from "zod";
import { defineTask } from "../../tasks/index.js";
import { NeedsReauthorisationError } from "../connections/connection-tokens.js";
import { refreshUserEvidenceSources } from "../sync/evidence-sources.js";
import type { ZoomApi } from "./zoom-api.js";
import { isSandboxZoom } from "../sandbox/sandbox-zoom.js";

export const READ_ZOOM_MEETINGS = "zoom_read_meetings";

/**
 * Reads which Zoom meetings the user hosts (their scheduled meetings) and decides again how
 * their calendar meetings can be known: a calendar meeting whose join link names one of them
 * becomes `conference` ("We'll see you join in Zoom"). Queued on connect and by the sync job; a
 * throttled read comes back after Zoom's Retry-After (the task's retry).
 */
export function readZoomMeetingsTask(deps: { api(zoomConnectionId: string): ZoomApi | undefined }) {
  return defineTask({
    kind: READ_ZOOM_MEETINGS,
    payload: z.object({ zoomConnectionId: z.uuid() }),
    async run({ zoomConnectionId }, context) {
      const connection = await context.db.zoomConnection.findUnique({ where: { id: zoomConnectionId }, select: { userId: true, status: true, zoomUserId: true } });
      const api = deps.api(zoomConnectionId);
      if (!connection || connection.status !== "active" || isSandboxZoom(connection.zoomUserId) || !api) return;
      let ids: string[];
      try {
        ids = await api.hostedMeetingIds();
      } catch (error) {
        // The grant is gone: ZoomTokens marked the connection and alerted once; nothing to retry.
        if (error instanceof NeedsReauthorisationError) return;
        throw error;
      }
      await context.finish(async (tx) => {
        if (ids.length > 0) await tx.zoomHostedMeeting.createMany({ data: ids.map((meetingId) => ({ zoomConnectionId, meetingId, seenAt: context.now })), skipDuplicates: true });
        await tx.zoomConnection.update({ where: { id: zoomConnectionId }, data: { meetingsReadAt: context.now, lastError: null, lastErrorAt: null } });
        await refreshUserEvidenceSources(tx, connection.userId, context.now);
      });
    },
  });
}
