import type { ProviderKind } from "./provider.js";

/**
 * The header in which a message we send carries its Message-ID a second time: were a provider
 * to replace Message-ID with its own on sending, the copy in the user's Sent mail is still
 * recognised by this one, so a send that did leave is never taken for one that did not.
 */
export const SENT_MAIL_KEY_HEADER = "X-Makegood-Message-Id";

/**
 * Gmail's narrowest scope that can find a message in Sent: headers and labels, no bodies. It is a
 * restricted scope (Google's verification for apps that request it), so it is asked for only
 * when the user opts in ("let Makegood check my Sent folder"), never at every sign-in.
 */
export const GMAIL_SENT_CHECK_SCOPE = "https://www.googleapis.com/auth/gmail.metadata";

const GMAIL_READ_SCOPES: ReadonlySet<string> = new Set([
  GMAIL_SENT_CHECK_SCOPE,
  "https://www.googleapis.com/auth/gmail.readonly",
  "https://www.googleapis.com/auth/gmail.modify",
  "https://mail.google.com/",
]);

/** Graph permissions that list Sent Items (Mail.ReadBasic: every property but the body; user-consentable). */
const GRAPH_READ_SCOPES: ReadonlySet<string> = new Set(["mail.readbasic", "mail.read", "mail.readwrite"]);

/**
 * Whether a connection's grant lets us look for a message in the user's Sent mail. Graph
 * reports scopes bare or as resource URIs, in any case.
 */
export function canReadSentMail(provider: ProviderKind, scopes: readonly string[]): boolean {
  if (provider === "google") return scopes.some((scope) => GMAIL_READ_SCOPES.has(scope));
  if (provider === "microsoft") return scopes.some((scope) => GRAPH_READ_SCOPES.has(scope.replace(/^https:\/\/graph\.microsoft\.com\//i, "").toLowerCase()));
  return false;
}
