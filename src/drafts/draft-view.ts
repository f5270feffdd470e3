import type { Draft } from "../db/generated/client.js";

export interface DraftView {
  id: string;
  kind: Draft["kind"];
  caseId: string | null;
  meetingId: string | null;
  to: string[];
  subject: string;
  body: string;
  status: Draft["status"];
  createdAt: string;
  editedAt: string | null;
  approvedAt: string | null;
  sentAt: string | null;
  sentVia: "mailbox" | "smtp" | "outbox" | null;
  messageId: string | null;
  /** an attempt was made and its outcome is unknown: check your Sent folder, then resend or not */
  outcomeUnknown: boolean;
  lastError: string | null;
  /** why the service withdrew it unsent (e.g. a late notice once the user checked in) */
  withdrawnReason: string | null;
}

export const OUTCOME_UNKNOWN_PREFIX = "Outcome unknown";

export function draftView(row: Draft): DraftView {
  return {
    id: row.id,
    kind: row.kind,
    caseId: row.caseId,
    meetingId: row.meetingId,
    to: row.to,
    subject: row.subject,
    body: row.body,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    sentAt: row.sentAt?.toISOString() ?? null,
    sentVia: row.sentVia,
    messageId: row.messageId,
    outcomeUnknown: row.status === "failed" && (row.lastError ?? "").startsWith(OUTCOME_UNKNOWN_PREFIX),
    lastError: row.lastError,
    withdrawnReason: row.withdrawnReason,
  };
}
