import { z } from "zod";

export const alertView = z
  .object({
    id: z.uuid(),
    kind: z.enum(["late", "suspected_missed", "needs_reauth", "buffer_conflict", "reminder", "send_outcome_unknown", "nudge", "heads_up", "digest"]),
    meetingId: z.uuid().nullable(),
    meetingIds: z.array(z.uuid()).describe("the meetings a digest asks about (empty for other kinds)"),
    connectionId: z.uuid().nullable(),
    title: z.string(),
    body: z.string(),
    links: z.array(z.object({ label: z.string(), url: z.string() })).describe("one-click actions (I'm here, confirm, …)"),
    createdAt: z.iso.datetime(),
    withdrawn: z.boolean().describe("no longer asks anything of the user (e.g. the meeting was cancelled)"),
    read: z.boolean(),
    deliveries: z.array(
      z.object({ channel: z.enum(["email", "feed", "webhook"]), status: z.enum(["pending", "delivered", "failed", "skipped"]), deliveredAt: z.iso.datetime().nullable(), lastError: z.string().nullable() }),
    ),
  })
  .meta({ id: "Alert" });
