import { z } from "zod";

/** A task row as the raw claim statement returns it, parsed rather than trusted. */
export const claimedTaskRow = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  due_at: z.date(),
  idempotency_key: z.string(),
});

export type ClaimedTask = {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  dueAt: Date;
  idempotencyKey: string;
};

export function toClaimedTask(row: unknown): ClaimedTask {
  const parsed = claimedTaskRow.parse(row);
  return {
    id: parsed.id,
    kind: parsed.kind,
    payload: parsed.payload,
    attempts: parsed.attempts,
    maxAttempts: parsed.max_attempts,
    dueAt: parsed.due_at,
    idempotencyKey: parsed.idempotency_key,
  };
}
