import { createTransport, type Transporter } from "nodemailer";
import SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { Database } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { Mailer, OutgoingEmail, SentEmail } from "./mailer.js";
import { earlierSend, recordOutboxMessage } from "./outbox-record.js";
import { classifySmtpError } from "./smtp-errors.js";

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// with credentials; never logged */
  smtpUrl: string;
  db: Database;
  log: Logger;
  /** per-step SMTP timeouts; the defaults suit a real relay, tests shorten them */
  timeouts?: { connectionMs: number; greetingMs: number; socketMs: number };
}

const DEFAULT_TIMEOUTS = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

/**
 * Sends over SMTP (pooled connections) and records every message in the outbox table, so
 * the outbox preview shows everything the service sent.
 *
 * Exactly-once as far as a database can make it, at-least-once beyond that:
 * the outbox row is inserted and the SMTP conversation held inside ONE transaction, and the
 * transaction commits only after the server's 250.
 * - A repeat (a task retry, a rerun after a crash that came after the commit) finds the
 *   committed row and does not send.
 * - A concurrent sender of the same key (a second worker whose lease took over) blocks on
 *   the unique index until we commit, then finds the row: it never sends a second copy.
 * - A failed send rolls the row back, so the retry sends.
 * - The crash window: if the process dies (or the database connection drops, or COMMIT
 *   fails) after the server accepted the message but before COMMIT, PostgreSQL rolls the
 *   row back and the retry sends again. The user then gets a duplicate carrying the same
 *   Message-ID, which mail clients and receiving systems can use to fold it. For alerts
 *   we prefer that to the alternative (commit a "sending" row first), which would turn
 *   the same crash into an alert silently never delivered.
 * The cost is one database connection held per in-flight send, bounded by the SMTP
 * timeouts and by the number of task workers.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
  private readonly transactionTimeoutMs: number;

  constructor(private readonly options: SmtpMailerOptions) {
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.transport = createTransport(
      new SMTPPool({
        pool: true,
        url: options.smtpUrl,
        maxConnections: 3,
        connectionTimeout: timeouts.connectionMs,
        greetingTimeout: timeouts.greetingMs,
        socketTimeout: timeouts.socketMs,
      }),
    );
    // An 'error' event without a listener would crash the process; failures that matter
    // reach the caller through sendMail, so a transport-level one is only logged.
    this.transport.on("error", (error) => options.log.warn({ reason: error.message }, "SMTP transport error"));
    // Long enough for a concurrent sender to wait out our whole send and then make its
    // own attempt; a transaction that outlived its send would risk the duplicate above.
    this.transactionTimeoutMs = 2 * (timeouts.connectionMs + timeouts.greetingMs + timeouts.socketMs) + 10_000;
  }

  send(message: OutgoingEmail): Promise<SentEmail> {
    return this.options.db.$transaction(
      async (tx) => {
        const claimed = await recordOutboxMessage(tx, message, "smtp");
        if (!claimed) return earlierSend(tx, message.idempotencyKey);
        const info = await this.transport
          .sendMail({
            from: message.from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId: message.messageId,
            ...(message.headers ? { headers: message.headers } : {}),
          })
          .catch((error: unknown) => {
            throw classifySmtpError(error);
          });
        const fields = { userId: message.userId, idempotencyKey: message.idempotencyKey, messageId: message.messageId };
        // Some recipients refused while others took it: what was accepted cannot be
        // unsent, so the send counts; the refusal is logged for the operator.
        if (info.rejected.length > 0) this.options.log.warn({ ...fields, rejectedCount: info.rejected.length }, "the SMTP server refused some recipients");
        this.options.log.info(fields, "email sent over SMTP");
        return { messageId: message.messageId, transport: "smtp" as const };
      },
      { timeout: this.transactionTimeoutMs, maxWait: 10_000 },
    );
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
