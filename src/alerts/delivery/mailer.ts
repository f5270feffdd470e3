import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { Database } from "../../platform/index.js";
import type { Config } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { OutboxMailer } from "./outbox-mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

/** An email the service sends on its own behalf (alerts; approved drafts sent over SMTP). */
export interface OutgoingEmail {
  userId: string;
  /** the same key never sends twice (see SmtpMailer for the one exception: a crash mid-send) */
  idempotencyKey: string;
  /** the RFC 5322 Message-ID, angle brackets included; from `messageIdFor(idempotencyKey, …)` */
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  transport: "smtp" | "outbox";
}

export interface Mailer {
  /** Sends once per idempotency key; a repeat returns the first send's result. Throws AppError. */
  send(message: OutgoingEmail): Promise<SentEmail>;
  /** Closes pooled connections (graceful shutdown). */
  close(): Promise<void>;
}

/** SMTP when SMTP_URL is set; otherwise the outbox preview, where nothing leaves the machine. */
export function createMailer(config: Pick<Config, "smtpUrl">, db: Database, log: Logger): Mailer {
  const mailLog = log.child({ component: "mailer" });
  return config.smtpUrl ? new SmtpMailer({ smtpUrl: config.smtpUrl, db, log: mailLog }) : new OutboxMailer({ db, log: mailLog });
}

const READABLE_KEY = /^[A-Za-z0-9-]+(?::[A-Za-z0-9-]+)*$/;

/**
 * A Message-ID derived from the idempotency key alone, so every attempt at one message
 * carries the same ID and a receiving system (or a person's mail client) can recognise a
 * repeat: `alert:<uuid>:email` → `<alert.<uuid>.email@makegood.example.com>`. Keys of
 * letters, digits and dashes separated by colons map one-to-one (`:` → `.`, and `.` is
 * not in such keys); any other key is hashed. The domain is PUBLIC_URL's host, or
 * `makegood.local` when that is an IP address (an address literal is not a domain).
 */
export function messageIdFor(idempotencyKey: string, publicUrl: string): string {
  const local = READABLE_KEY.test(idempotencyKey) ? idempotencyKey.replace(/:/g, ".") : `h.${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}`;
  return `<${local}@${messageIdDomain(publicUrl)}>`;
}

function messageIdDomain(publicUrl: string): string {
  try {
    const host = new URL(publicUrl).hostname;
    return host && isIP(host.replace(/^\[|\]$/g, "")) === 0 ? host : "makegood.local";
  } catch {
    return "makegood.local";
  }
}
