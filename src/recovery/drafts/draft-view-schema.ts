import { z } from "zod";

export const DRAFT_KINDS = ["late_notice", "reschedule", "materials", "thank_you"] as const;
export const DRAFT_STATUSES = ["pending", "approved", "sent", "rejected", "failed"] as const;

export const draftView = z
  .object({
    id: z.uuid(),
    kind: z.enum(DRAFT_KINDS),
    caseId: z.uuid().nullable().describe("the recovery case it belongs to (null for a late notice)"),
    meetingId: z.uuid().nullable(),
    to: z.array(z.string()).describe("recipient addresses"),
    subject: z.string(),
    body: z.string().describe("plain text"),
    status: z.enum(DRAFT_STATUSES),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    approvedAt: z.iso.datetime().nullable(),
    sentAt: z.iso.datetime().nullable(),
    sentVia: z.enum(["mailbox", "smtp", "outbox"]).nullable().describe("the user's own mailbox, SMTP, or the sandbox outbox preview"),
    messageId: z.string().nullable().describe("the RFC 5322 Message-ID it was (or is being) sent with"),
    outcomeUnknown: z.boolean().describe("an attempt may or may not have left: check your Sent folder, then resend or not"),
    lastError: z.string().nullable(),
    withdrawnReason: z.string().nullable().describe("why the service withdrew it unsent (rejected without the user: e.g. a late notice once you checked in)"),
  })
  .meta({ id: "Draft" });

export const draftEdit = z
  .object({
    subject: z.string().trim().min(1).max(300).optional(),
    body: z.string().trim().min(1).max(20_000).optional(),
  })
  .strict();
