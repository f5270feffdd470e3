import { z } from "zod";

export const OUTBOX_KINDS = ["alert", "late_notice", "reschedule", "materials", "thank_you", "other"] as const;

export const outboxMessageView = z
  .object({
    id: z.uuid(),
    to: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable().describe("the HTML part when the message has one (alert emails)"),
    kind: z.enum(OUTBOX_KINDS).describe("what produced it: an alert email, or an approved draft of this kind"),
    transport: z.enum(["mailbox", "smtp", "outbox"]).describe("outbox: kept here, never left the machine (sandbox, or no SMTP_URL); smtp: also delivered over SMTP"),
    draftId: z.uuid().nullable().describe("the draft it was sent from, for drafts"),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "OutboxMessage" });

export type OutboxMessageView = z.infer<typeof outboxMessageView>;
