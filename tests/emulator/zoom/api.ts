import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, stringParams, type EmulatorContext } from "../context.js";
import type { ZoomUser } from "./world.js";

function apiError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply.code(status).send({ code, message });
}

function caller(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): ZoomUser | undefined {
  const user = ctx.zoom.userOfAccessToken(bearerToken(request));
  if (!user) void apiError(reply, 401, 124, "Invalid access token.");
  return user;
}

/** page_size (default 30, at most 300, or the emulator's smaller cap) and next_page_token (an opaque offset). */
function page<T>(ctx: EmulatorContext, items: T[], query: Record<string, string>): { items: T[]; pageSize: number; nextPageToken: string } {
  const requested = Number(query["page_size"] ?? 30);
  const pageSize = Math.max(1, Math.min(Number.isFinite(requested) ? requested : 30, 300, ctx.settings.zoomMaxPageSize));
  const offset = query["next_page_token"] ? Number(Buffer.from(query["next_page_token"], "base64url").toString("utf8")) : 0;
  const slice = items.slice(offset, offset + pageSize);
  const next = offset + pageSize < items.length ? Buffer.from(String(offset + pageSize)).toString("base64url") : "";
  return { items: slice, pageSize, nextPageToken: next };
}

/**
 * The Zoom REST API under /zoom/v2 (ZOOM_API_URL): GET /users/me, GET /users/me/meetings
 * (type=scheduled: the meetings the user hosts), GET /past_meetings/{meetingId or UUID}/participants
 * (ended instances only; a number means the latest; a UUID beginning with "/" or holding "//" must
 * be encoded twice, as Zoom asks, or it is not found).
 */
export function registerZoomApi(app: FastifyInstance, ctx: EmulatorContext): void {
  const zoom = ctx.zoom;

  app.get("/zoom/v2/users/me", async (request, reply) => {
    const user = caller(ctx, request, reply);
    if (!user) return reply;
    return { id: user.id, first_name: user.firstName, last_name: user.lastName, display_name: `${user.firstName} ${user.lastName}`.trim(), email: user.email, type: 2, pmi: 5_551_234_567, timezone: "UTC", status: "active", account_id: "emu-account-1" };
  });

  app.get("/zoom/v2/users/me/meetings", async (request, reply) => {
    const user = caller(ctx, request, reply);
    if (!user) return reply;
    const query = stringParams(request.query);
    const hosted = [...zoom.meetings.values()].filter((meeting) => meeting.hostId === user.id).sort((a, b) => a.startTime.localeCompare(b.startTime));
    const { items, pageSize, nextPageToken } = page(ctx, hosted, query);
    return {
      page_size: pageSize,
      total_records: hosted.length,
      next_page_token: nextPageToken,
      meetings: items.map((meeting) => ({
        uuid: zoom.liveInstance(meeting.id)?.uuid ?? zoom.endedInstances(meeting.id).at(-1)?.uuid ?? "",
        id: Number(meeting.id),
        host_id: meeting.hostId,
        topic: meeting.topic,
        type: 2,
        start_time: meeting.startTime.replace(/\.\d{3}Z$/, "Z"),
        duration: meeting.durationMinutes,
        timezone: "UTC",
        join_url: `https://us06web.zoom.us/j/${meeting.id}`,
      })),
    };
  });

  app.get("/zoom/v2/past_meetings/*", async (request, reply) => {
    const user = caller(ctx, request, reply);
    if (!user) return reply;
    // Read the raw path: the router's own decoding would hide whether the UUID was encoded twice.
    const rawPath = (request.raw.url ?? "").split("?")[0]!;
    const match = /^\/zoom\/v2\/past_meetings\/([^/]+)\/participants$/.exec(rawPath);
    if (!match) return apiError(reply, 404, 3001, "Meeting does not exist.");
    const once = decodeURIComponent(match[1]!);
    // Encoded once, a "/" arrives as "%2F" and Zoom's router takes it as a separator: not found.
    if (once.includes("/") && !match[1]!.includes("%252F")) return apiError(reply, 404, 3001, `Meeting does not exist: ${once}.`);
    const key = once.includes("%") ? decodeURIComponent(once) : once;
    const instance = /^\d+$/.test(key) ? zoom.endedInstances(key).at(-1) : zoom.instances.find((candidate) => candidate.uuid === key && candidate.endTime !== undefined);
    const meeting = instance && zoom.meetings.get(instance.meetingId);
    if (!instance || !meeting) return apiError(reply, 404, 3001, `Meeting does not exist: ${key}.`);
    if (meeting.hostId !== user.id) return apiError(reply, 400, 200, "No permission.");
    const { items, pageSize, nextPageToken } = page(ctx, instance.participants, stringParams(request.query));
    return {
      page_count: Math.ceil(instance.participants.length / pageSize),
      page_size: pageSize,
      total_records: instance.participants.length,
      next_page_token: nextPageToken,
      participants: items.map((p) => ({
        id: p.zoomUserId,
        name: p.name,
        user_email: p.email,
        join_time: p.joinTime.replace(/\.\d{3}Z$/, "Z"),
        leave_time: (p.leaveTime ?? instance.endTime!).replace(/\.\d{3}Z$/, "Z"),
        duration: Math.round((Date.parse(p.leaveTime ?? instance.endTime!) - Date.parse(p.joinTime)) / 1000),
        failover: false,
        status: "in_meeting",
        internal_user: p.email !== "",
      })),
    };
  });
}
