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
    withdrawn: z.boolean().describe("no longer asks anything of the user (answered, resolved or withdrawn: see status)"),
    status: z
      .enum(["open", "answered", "resolved", "withdrawn"])
      .describe("open: asks the user; answered: the user did something (see answer); resolved: settled without them (e.g. attended after all); withdrawn: no longer applies (e.g. cancelled)"),
    answer: z.string().nullable().describe("what the user did, in words (\"Checked in\", \"Confirmed missed\", …)"),
    answeredAt: z.iso.datetime().nullable(),
    undo: z
      .discriminatedUnion("allowed", [z.object({ allowed: z.literal(true) }), z.object({ allowed: z.literal(false), reason: z.string() })])
      .nullable()
      .describe("for an answered \"Missed?\": whether POST /api/meetings/:id/undo can take the answer back, and why not"),
    read: z.boolean(),
    deliveries: z.array(
      z.object({ channel: z.enum(["email", "feed", "webhook", "push", "ntfy"]), status: z.enum(["pending", "delivered", "failed", "skipped"]), deliveredAt: z.iso.datetime().nullable(), lastError: z.string().nullable() }),
    ),
    notification: z
      .object({ title: z.string(), body: z.string(), actions: z.array(z.string()).describe("the buttons' labels; each acts through a signed link") })
      .describe("what a lock screen shows for this alert (Web Push, ntfy)"),
  })
  .meta({ id: "Alert" });
