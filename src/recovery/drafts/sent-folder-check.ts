import { ProviderError } from "../../calendars/index.js";
import { canReadSentMail, capabilitiesOf, MAIL_SEND_WINDOW_MS } from "../../calendars/index.js";
import type { ProviderFactory } from "../../calendars/index.js";
import type { AccessTokenSource, SentMailLookup } from "../../calendars/index.js";
import { AppError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { calendarFor } from "../recovery-deps.js";

/**
 * How long after an attempt "not in Sent" is believed: the attempt's send window (after which
 * no request of it is still on its way) plus the time the provider may take to file the copy
 * (capabilities: Gmail labels SENT as it accepts, Exchange saves to Sent Items after transport).
 * Before this, not finding it only means "look again later".
 */
export function sentFolderSettlesAfterMs(provider: SentFolderConnection["provider"]): number {
  return MAIL_SEND_WINDOW_MS + capabilitiesOf(provider).sentMailSettlesMs;
}

/**
 * A lookup that keeps failing in a way that may pass (throttling, an outage) is retried until
 * the attempt is this old; then the user is asked, so a draft never waits unseen for a mailbox
 * that stays unreadable.
 */
const GIVE_UP_LOOKING_MS = 30 * 60_000;

/** Messages sent this long before the attempt are not looked at (clock skew between us and the provider). */
const SCAN_SLACK_MS = 10 * 60_000;

export type SentFolderVerdict =
  /** the message is in the user's Sent mail: it left */
  | { kind: "found"; providerMessageId: string | null }
  /** not there, and the attempt is old enough for that to mean it never left */
  | { kind: "not_found" }
  /** the mailbox cannot be read (no read scope, the sandbox, a refusal): the user decides */
  | { kind: "unreadable"; reason: string };

export interface SentFolderConnection {
  id: string;
  provider: "google" | "microsoft" | "sandbox";
  accountId: string;
  accountEmail: string;
  status: string;
  scopes: string[];
}

/**
 * Looks for a draft's message by its Message-ID in the Sent mail of the mailbox it was sent from.
 * Not found while the attempt is younger than sentFolderSettlesAfterMs throws a retryable
 * `send_unconfirmed` (the task comes back when the wait is over); a provider failure that
 * may pass (throttling, 5xx, network) is rethrown for the same reason, until GIVE_UP_LOOKING_MS.
 */
export async function checkSentFolder(
  deps: { providers: ProviderFactory; tokensFor(connection: { id: string; provider: "google" | "microsoft" | "sandbox" }): AccessTokenSource | undefined; log: Logger },
  connection: SentFolderConnection,
  query: { messageId: string; attemptedAt: Date; now: Date },
): Promise<SentFolderVerdict> {
  if (!canReadSentMail(connection.provider, connection.scopes)) {
    return { kind: "unreadable", reason: "the connection has no permission to read Sent mail" };
  }
  if (connection.status !== "active") {
    return { kind: "unreadable", reason: "the connection needs to be connected again" };
  }
  const sinceAttempt = query.now.getTime() - query.attemptedAt.getTime();
  let found: SentMailLookup;
  try {
    found = await calendarFor(deps, connection).findSentMail({ messageId: query.messageId, sentAfter: new Date(query.attemptedAt.getTime() - SCAN_SLACK_MS) });
  } catch (error) {
    if (error instanceof AppError && error.retryable && sinceAttempt < GIVE_UP_LOOKING_MS) throw error;
    const reason = error instanceof ProviderError ? error.message : "the Sent folder could not be read";
    deps.log.warn({ connectionId: connection.id, reason }, "could not look in the Sent folder; the user decides");
    return { kind: "unreadable", reason };
  }
  if (found.found) return { kind: "found", providerMessageId: found.providerMessageId };
  const settlesAfter = sentFolderSettlesAfterMs(connection.provider);
  if (sinceAttempt < settlesAfter) {
    throw new AppError("The message is not in the Sent folder yet; looking again before deciding", { code: "send_unconfirmed", retryable: true, retryAfterMs: settlesAfter - sinceAttempt + 500 });
  }
  return { kind: "not_found" };
}
