import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { SENT_MAIL_KEY_HEADER } from "../../calendars/index.js";

export interface DraftMessage {
  from: { name: string; address: string };
  to: string[];
  subject: string;
  text: string;
  /** `<…@host>`: the same for every attempt at one draft, so a repeat can be recognised */
  messageId: string;
  date: Date;
  /** the Message-ID this one answers (an earlier message of the same case), for threading */
  inReplyTo?: string | null;
}

/**
 * The RFC 822 message of a draft, built by nodemailer's composer (the same code that
 * would build it for SMTP): plain text, UTF-8, a fixed Message-ID and Date, and
 * In-Reply-To/References when it continues a thread.
 */
export function composeDraftMessage(message: DraftMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
    to: message.to,
    subject: message.subject,
    text: message.text,
    messageId: message.messageId,
    // Recognises our copy in the user's Sent mail even if the provider rewrote Message-ID.
    headers: { [SENT_MAIL_KEY_HEADER]: message.messageId },
    date: message.date,
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo, references: [message.inReplyTo] } : {}),
  });
  return composer.compile().build();
}
