import { addressList, parseMessage } from "../mime.js";
import type { SentMail } from "../state.js";

/**
 * The body of a MIME-format sendMail: the RFC 822 message "encoded in base64" (user: sendMail). Line
 * breaks between base64 lines are allowed (the documented example wraps at 76 characters); anything
 * else that is not base64 gives undefined.
 */
export function decodeMimeBody(body: string): string | undefined {
  const compact = body.replace(/\s+/g, "");
  if (compact === "" || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/** What control.sentMail() shows for a MIME message: headers From/To/Cc/Bcc/Subject/Message-ID and the text body. */
export function sentMailFromMime(mime: string, sender: string): Pick<SentMail, "from" | "to" | "cc" | "subject" | "messageId" | "body" | "raw" | "saveToSentItems"> {
  const { headers, body } = parseMessage(mime);
  return {
    from: addressList(headers.get("from"))[0] ?? sender,
    to: [...addressList(headers.get("to")), ...addressList(headers.get("bcc"))],
    cc: addressList(headers.get("cc")),
    subject: headers.get("subject") ?? "",
    messageId: headers.get("message-id"),
    body,
    raw: mime,
    // "This method saves the message in the Sent Items folder."
    saveToSentItems: true,
  };
}
