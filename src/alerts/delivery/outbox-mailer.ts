import type { Database } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { Mailer, OutgoingEmail, SentEmail } from "./mailer.js";
import { earlierSend, recordOutboxMessage } from "./outbox-record.js";

/**
 * The sandbox / development mailer (no SMTP_URL): the message is kept in the outbox table,
 * which the dashboard shows as the outbox preview, and nothing leaves the machine.
 */
export class OutboxMailer implements Mailer {
  constructor(private readonly deps: { db: Database; log: Logger }) {}

  async send(message: OutgoingEmail): Promise<SentEmail> {
    const stored = await recordOutboxMessage(this.deps.db, message, "outbox");
    if (!stored) return earlierSend(this.deps.db, message.idempotencyKey);
    this.deps.log.info({ userId: message.userId, idempotencyKey: message.idempotencyKey, messageId: message.messageId }, "email kept in the outbox preview");
    return { messageId: message.messageId, transport: "outbox" };
  }

  async close(): Promise<void> {}
}
