import type { Prisma } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import type { OutgoingEmail, SentEmail } from "./mailer.js";

type Tx = Pick<Prisma.TransactionClient, "outboxMessage">;

/**
 * Records a message in the outbox table unless its idempotency key is there already.
 * Returns whether this call inserted it. Inside a transaction, a concurrent insert of the
 * same key waits for ours to commit or roll back (the unique index), which is what makes
 * the insert a claim.
 */
export async function recordOutboxMessage(tx: Tx, message: OutgoingEmail, transport: SentEmail["transport"]): Promise<boolean> {
  const { count } = await tx.outboxMessage.createMany({
    data: [
      {
        userId: message.userId,
        transport,
        idempotencyKey: message.idempotencyKey,
        messageId: message.messageId,
        to: message.to,
        subject: message.subject,
        textBody: message.text,
        htmlBody: message.html,
      },
    ],
    // A duplicate key is "already sent", the expected outcome of a repeat, not an error.
    skipDuplicates: true,
  });
  return count === 1;
}

/** What an earlier send under this key recorded. */
export async function earlierSend(tx: Tx, idempotencyKey: string): Promise<SentEmail> {
  const row = await tx.outboxMessage.findUnique({ where: { idempotencyKey }, select: { messageId: true, transport: true } });
  if (!row) throw new AppError("The outbox record of an earlier send disappeared while it was read", { code: "outbox_record_missing", retryable: true });
  if (row.transport === "mailbox") {
    throw new AppError("This idempotency key was used for a message sent from the user's own mailbox", { code: "idempotency_key_reused", details: { idempotencyKey } });
  }
  return { messageId: row.messageId, transport: row.transport };
}
