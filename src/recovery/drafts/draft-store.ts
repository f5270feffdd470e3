import type { Prisma } from "../../platform/index.js";

type Tx = Prisma.TransactionClient;

export type DraftKind = "late_notice" | "reschedule" | "materials" | "thank_you";

export interface NewDraft {
  userId: string;
  caseId: string | null;
  meetingId: string | null;
  kind: DraftKind;
  to: string[];
  subject: string;
  body: string;
  /** one draft per (case or meeting, kind): drafting twice yields the same draft */
  idempotencyKey: string;
}

/**
 * Stores a draft unless one with its key exists (a step that runs twice drafts once) and
 * returns the stored draft's id. A draft always starts `pending`: nothing is sent before
 * the user approves it (see drafts/draft-actions.ts for the one exception the user opts into).
 */
export async function storeDraft(tx: Tx, draft: NewDraft, now: Date): Promise<{ id: string; created: boolean }> {
  const { count } = await tx.draft.createMany({
    data: [{ ...draft, status: "pending", createdAt: now }],
    // A duplicate key is "already drafted": the first draft (and any edit of it) stands.
    skipDuplicates: true,
  });
  const row = await tx.draft.findUniqueOrThrow({ where: { idempotencyKey: draft.idempotencyKey }, select: { id: true } });
  return { id: row.id, created: count === 1 };
}
