import type { PersonName } from "./names.js";
import { oneLine, paragraphs, preferredVariant, signOff, type EmailDraft } from "./text.js";

/**
 * The materials cover note (PRODUCT §4 "materials"; seed 000 step 6, seed 002 "present your
 * value" without boasting). It is drafted only once the user added something to send, and it
 * names exactly that: each link, with the user's label when given. It never says "attached":
 * no send path here carries files, so links are all it can hold. No apology (seed 000 step 7:
 * "No need to keep apologizing"); the proposal carried it.
 */

export interface MaterialsLink {
  url: string;
  label?: string | null | undefined;
}

export const MAX_MATERIALS_LINKS = 5;
export const MAX_LINK_LABEL_LENGTH = 80;

/** Only http(s) addresses with a host: what a mail client turns into a link the reader can open. */
export function checkLink(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: "Paste the full address, starting with https://" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, message: "Only web links (https://…) can be sent" };
  if (!url.hostname.includes(".") && url.hostname !== "localhost") return { ok: false, message: "That address has no domain (e.g. docs.example.com)" };
  return { ok: true, url: url.toString() };
}

export function materialsCoverNote(input: { attendeeNames: readonly PersonName[]; meetingTitle: string; userName: string; links: readonly MaterialsLink[] }): EmailDraft {
  const title = oneLine(input.meetingTitle);
  const { greeting, meeting } = preferredVariant(input.attendeeNames, input.meetingTitle);
  const lines = input.links.map((link) => {
    const label = oneLine(link.label ?? "").slice(0, MAX_LINK_LABEL_LENGTH);
    return label ? `- ${label}: ${link.url}` : `- ${link.url}`;
  });
  const one = input.links.length === 1;
  return {
    subject: title ? `For ${title}: what we were going to discuss` : "What we were going to discuss",
    body: paragraphs(
      greeting,
      `Here ${one ? "is the link to what" : "are links to what"} we were going to discuss in ${meeting}, so you can look through ${one ? "it" : "them"} when it suits you:`,
      lines.join("\n"),
      `I'd be glad to walk you through ${one ? "it" : "any of them"} when we speak. I value working with you and hope this is the start of a long working relationship.`,
      signOff(input.userName),
    ),
  };
}
