import type { Draft } from "../../platform/index.js";

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

const STATUS_RANK: Record<DraftView["status"], number> = { pending: 0, approved: 1, failed: 1, sent: 2, rejected: 3 };
const KIND_RANK: Record<DraftView["kind"], number> = { reschedule: 0, late_notice: 1, materials: 2, thank_you: 3 };

/**
 * The inbox order, the same on every load: what waits for approval first (then what is on its way
 * or stuck, then sent, then rejected); a waiting late notice leads (it is about a meeting under
 * way, and worth nothing in ten minutes); then a case's drafts together, the newest case first; within a case the reschedule proposal first (it is the message that matters, and the
 * first "Approve and send" on the page must never be a cover note by accident), then by creation
 * time; the id breaks every remaining tie. Drafts without a case stand as a case of their own.
 * Pure: sorts a copy.
 */
export function inboxOrder(drafts: readonly DraftView[]): DraftView[] {
  const newestOfGroup = new Map<string, string>();
  const groupOf = (draft: DraftView) => `${STATUS_RANK[draft.status]}:${draft.caseId ?? draft.id}`;
  for (const draft of drafts) {
    const group = groupOf(draft);
    const newest = newestOfGroup.get(group);
    if (newest === undefined || draft.createdAt > newest) newestOfGroup.set(group, draft.createdAt);
  }
  return [...drafts].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      urgency(a) - urgency(b) ||
      compareDesc(newestOfGroup.get(groupOf(a)) ?? "", newestOfGroup.get(groupOf(b)) ?? "") ||
      compareDesc(a.caseId ?? a.id, b.caseId ?? b.id) ||
      KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
      compareAsc(a.createdAt, b.createdAt) ||
      compareAsc(a.id, b.id),
  );
}

const urgency = (draft: DraftView) => (draft.status === "pending" && draft.kind === "late_notice" ? 0 : 1);
const compareAsc = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareDesc = (a: string, b: string) => compareAsc(b, a);
