import { z } from "zod";
import { closeAlerts } from "../../alerts/index.js";
import { raiseAlert } from "../../alerts/index.js";
import { capabilitiesOf, MAIL_SEND_WINDOW_MS, SendWindowClosed } from "../../calendars/index.js";
import type { ProviderFactory } from "../../calendars/index.js";
import { ProviderError } from "../../calendars/index.js";
import type { AccessTokenSource } from "../../calendars/index.js";
import type { Database } from "../../platform/index.js";
import { escapeHtml, messageIdFor, OutboxMailer, type Mailer } from "../../alerts/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError, errorMessage } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { calendarFor } from "../recovery-deps.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask, type Tx } from "../../tasks/index.js";
import { composeDraftMessage } from "./compose-message.js";
import { OUTCOME_UNKNOWN_PREFIX } from "./draft-view.js";
import { closeCaseIfFinished } from "../close-case.js";
import { canReadSentMail } from "../../calendars/index.js";
import { checkSentFolder } from "./sent-folder-check.js";

export const SEND_DRAFT = "send_draft";

/**
 * An attempt younger than this may still be running (a provider call under a worker whose
 * lease ran out, or one the provider is still processing): wait for it instead of calling it
 * lost. A provider send never runs past its window (MAIL_SEND_WINDOW_MS); the margin covers a
 * request that had fully arrived when its worker died. Older than this, and with no outcome
 * recorded, its worker died between the call and the record.
 */
export const SEND_IN_FLIGHT_MS = MAIL_SEND_WINDOW_MS + 5_000;

export interface DraftSendDependencies {
  db: Database;
  providers: ProviderFactory;
  tokensFor(connection: { id: string; provider: "google" | "microsoft" | "sandbox" }): AccessTokenSource | undefined;
  mailer: Mailer;
  /** where "outbox" sends land (the sandbox watches it); the plain outbox preview by default */
  outbox?: Mailer;
  clock: Clock;
  log: Logger;
  publicUrl: string;
}

const SEND_MAX_ATTEMPTS = 20;

export type SendOutcome = "sent" | "already_sent" | "not_approved" | "outcome_unknown" | "failed";

/** The idempotency key of a draft's message: its Message-ID and its outbox row derive from it. */
export function draftMessageKey(draftId: string): string {
  return `draft:${draftId}`;
}

/** Queues the send of an approved draft, in the caller's transaction (the approval's). */
export async function queueDraftSend(tx: Tx, draft: { id: string; userId: string; caseId: string | null }, now: Date, reason = "approved"): Promise<void> {
  // Waiting out an attempt that may still be running, or a Sent copy still being filed, takes
  // an attempt each time: more than the default, so that crashes in a row do not exhaust it.
  await enqueueTasks(tx, [{ kind: SEND_DRAFT, payload: { draftId: draft.id }, idempotencyKey: `send_draft:${draft.id}:${reason}`, dueAt: now, priority: 40, userId: draft.userId, maxAttempts: SEND_MAX_ATTEMPTS }]);
}

/**
 * Sends an approved draft exactly once from the user's own mailbox (Gmail / Graph), over
 * SMTP when the user chose it, or into the outbox preview for the sandbox. See the README
 * section "Sending a draft exactly once" for the crash window:
 *
 * 1. The attempt is recorded (`sendAttemptedAt`, the transport and the Message-ID) in its
 *    own committed transaction, and only by the worker whose conditional update wins.
 * 2. The provider is called.
 * 3. The outcome is recorded (`sent`, or the definite failure).
 * A run that finds an attempt without an outcome does not simply call the provider again:
 * younger than SEND_IN_FLIGHT_MS it waits (the first worker may still be in step 2); older, it
 * looks for the message's Message-ID in the user's Sent mail when the grant allows
 * (sent-folder-check.ts): found → sent; not found once the attempt is old enough to be sure
 * → sent again, with the same Message-ID. When the mailbox cannot be read (no read scope:
 * Gmail's is restricted and opt-in), or stays unreadable, the draft is marked failed
 * with "Outcome unknown …" and a `send_outcome_unknown` alert asks the user to check their
 * Sent folder and, if it is not there, resend (POST /api/drafts/:id/resend). For SMTP and the
 * outbox the outbox row (committed only after the server's 250) settles the question instead.
 */
export async function sendDraft(deps: DraftSendDependencies, draftId: string, log: Logger, commit: Commit = (effects) => deps.db.$transaction(effects)): Promise<SendOutcome> {
  const now = deps.clock.now();
  const draft = await deps.db.draft.findUnique({
    where: { id: draftId },
    include: { user: { include: { settings: true } }, meeting: { include: { connection: true } }, case: { include: { meeting: { include: { connection: true } } } } },
  });
  if (!draft) return "not_approved";
  if (draft.sentAt) return "already_sent";
  if (draft.status !== "approved") return "not_approved";
  const key = draftMessageKey(draft.id);
  const connection = (draft.meeting ?? draft.case?.meeting)?.connection ?? null;

  if (draft.sendAttemptedAt) {
    const sinceAttempt = now.getTime() - draft.sendAttemptedAt.getTime();
    if (sinceAttempt < SEND_IN_FLIGHT_MS) {
      throw new AppError("An earlier attempt to send this draft may still be running", { code: "send_in_flight", retryable: true, retryAfterMs: SEND_IN_FLIGHT_MS - sinceAttempt + 1000 });
    }
    const outbox = await deps.db.outboxMessage.findUnique({ where: { idempotencyKey: key }, select: { messageId: true } });
    if (outbox) {
      await recordSent(commit, draft.id, null, now);
      return "sent";
    }
    if (draft.sentVia === "mailbox" && connection) {
      const verdict = await checkSentFolder(deps, connection, { messageId: draft.messageId ?? messageIdFor(key, deps.publicUrl), attemptedAt: draft.sendAttemptedAt, now });
      if (verdict.kind === "found") {
        await recordSent(commit, draft.id, verdict.providerMessageId, now);
        log.info({ draftId }, "an attempt without an outcome is in the Sent folder: recorded as sent");
        return "sent";
      }
      if (verdict.kind === "not_found") {
        // It never left: clear the attempt (only the one we looked for) and send it once more,
        // with the same Message-ID, so that if this attempt is cut short too the next look finds it.
        const cleared = await deps.db.draft.updateMany({
          where: { id: draft.id, status: "approved", sentAt: null, sendAttemptedAt: draft.sendAttemptedAt },
          data: { sendAttemptedAt: null, resentAfterCheckAt: now },
        });
        if (cleared.count === 0) throw new AppError("Another worker is settling this draft", { code: "send_in_flight", retryable: true, retryAfterMs: SEND_IN_FLIGHT_MS });
        log.info({ draftId }, "an attempt without an outcome is not in the Sent folder: sending it once more");
        return sendDraft(deps, draftId, log, commit);
      }
    }
    await recordOutcomeUnknown(deps, commit, draft, draft.sendAttemptedAt, now, connection);
    log.warn({ draftId }, "a send attempt ended without an outcome; not repeating it, the user decides");
    return "outcome_unknown";
  }

  const via = draft.user.settings?.sendVia === "smtp" ? "smtp" : !connection || capabilitiesOf(connection.provider).mail === "outbox" ? "outbox" : "mailbox";
  const messageId = messageIdFor(key, deps.publicUrl);
  const thread = draft.caseId
    ? await deps.db.draft.findFirst({ where: { caseId: draft.caseId, id: { not: draft.id }, status: "sent", messageId: { not: null } }, orderBy: { sentAt: "asc" }, select: { messageId: true } })
    : null;
  const fromAddress = via === "mailbox" && connection ? connection.accountEmail : draft.user.email;
  const message = { from: { name: draft.user.name ?? "", address: fromAddress }, to: draft.to, subject: draft.subject, text: draft.body, messageId, date: now, inReplyTo: thread?.messageId ?? null };
  const mime = await composeDraftMessage(message);

  // Step 1: the attempt, committed before any provider call; only one worker wins it.
  const claimed = await deps.db.draft.updateMany({
    where: { id: draft.id, status: "approved", sendAttemptedAt: null, sentAt: null },
    data: { sendAttemptedAt: now, sentVia: via, messageId, lastError: null },
  });
  if (claimed.count === 0) {
    throw new AppError("Another worker is sending this draft", { code: "send_in_flight", retryable: true, retryAfterMs: SEND_IN_FLIGHT_MS });
  }

  // Step 2: the one call that leaves the machine.
  let providerMessageId: string | null = null;
  try {
    if (via === "mailbox" && connection) {
      providerMessageId = (await calendarFor(deps, connection).sendMail(mime, { deadline: new Date(now.getTime() + MAIL_SEND_WINDOW_MS) })).providerMessageId;
    } else {
      const mailer = via === "outbox" ? (deps.outbox ?? new OutboxMailer({ db: deps.db, log })) : deps.mailer;
      const headers: Record<string, string> = thread?.messageId ? { "In-Reply-To": thread.messageId, References: thread.messageId } : {};
      await mailer.send({
        userId: draft.userId,
        idempotencyKey: key,
        messageId,
        from: draft.user.name ? `"${draft.user.name.replace(/"/g, "'")}" <${fromAddress}>` : fromAddress,
        to: draft.to,
        subject: draft.subject,
        text: draft.body,
        html: `<div style="white-space:pre-wrap">${escapeHtml(draft.body)}</div>`,
        headers,
      });
    }
  } catch (error) {
    const outbox = via === "mailbox" ? null : await deps.db.outboxMessage.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
    if (outbox) {
      await recordSent(commit, draft.id, null, deps.clock.now());
      return "sent";
    }
    if (!definitelyNotSent(error, via)) {
      if (via === "mailbox" && connection) {
        // The provider may have accepted it before the answer was lost: its Sent mail knows.
        // Not there yet throws a retryable send_unconfirmed, the attempt stays recorded, and
        // the next run settles it as above.
        const verdict = await checkSentFolder(deps, connection, { messageId, attemptedAt: now, now: deps.clock.now() });
        if (verdict.kind === "found") {
          await recordSent(commit, draft.id, verdict.providerMessageId, deps.clock.now());
          log.info({ draftId, via }, "the send's answer was lost, but the message is in the Sent folder: sent");
          return "sent";
        }
      }
      await recordOutcomeUnknown(deps, commit, draft, now, deps.clock.now(), connection);
      log.warn({ draftId, reason: errorMessage(error) }, "sending failed in a way that may have delivered the message; not repeating it");
      return "outcome_unknown";
    }
    const retryable = error instanceof AppError ? error.retryable : false;
    // The provider answered with a refusal: nothing left, so the attempt is cleared and, when
    // trying again can help, the task retries (with the provider's Retry-After when given).
    await deps.db.draft.updateMany({
      where: { id: draft.id, sentAt: null, sendAttemptedAt: now },
      data: retryable ? { sendAttemptedAt: null, lastError: errorMessage(error) } : { sendAttemptedAt: null, status: "failed", lastError: errorMessage(error) },
    });
    if (retryable) throw error;
    log.warn({ draftId, reason: errorMessage(error) }, "the provider refused the draft; marked failed");
    return "failed";
  }

  // Step 3: the outcome.
  await recordSent(commit, draft.id, providerMessageId, deps.clock.now());
  log.info({ draftId, via }, "draft sent");
  return "sent";
}

/**
 * A failure the provider answered (an HTTP status, an SMTP reply) or one raised before any
 * call (connection not usable) means the message did not leave. A network failure without
 * an answer (reset, timeout) may have happened after the provider accepted it.
 */
function definitelyNotSent(error: unknown, via: "mailbox" | "smtp" | "outbox"): boolean {
  if (via !== "mailbox") return error instanceof AppError;
  if (error instanceof SendWindowClosed) return true;
  if (error instanceof ProviderError) return typeof error.details["status"] === "number";
  return error instanceof AppError && (error.code === "connection_inactive" || error.code === "provider_not_configured");
}

/** How the outcome commits: with the task's completion (TaskContext.finish) when a task sends. */
type Commit = (effects: (tx: Tx) => Promise<void>) => Promise<void>;

async function recordSent(commit: Commit, draftId: string, providerMessageId: string | null, at: Date): Promise<void> {
  await commit(async (tx) => {
    // Whatever an impatient second run concluded ("outcome unknown"), a recorded success is the truth.
    await tx.draft.updateMany({ where: { id: draftId, sentAt: null }, data: { status: "sent", sentAt: at, providerMessageId, lastError: null } });
    await closeAlerts(tx, { idempotencyKey: { startsWith: `send_outcome_unknown:${draftId}:` } }, "resolved", at);
    // A sent draft can finish its step, and so the case.
    const sent = await tx.draft.findUnique({ where: { id: draftId }, select: { caseId: true } });
    await closeCaseIfFinished(tx, sent?.caseId, at);
  });
}

type UnknownDraft = { id: string; userId: string; subject: string; to: string[]; meetingId: string | null };
type SendingConnection = { provider: "google" | "microsoft" | "sandbox"; scopes: string[] } | null;

async function recordOutcomeUnknown(deps: DraftSendDependencies, commit: Commit, draft: UnknownDraft, attemptedAt: Date, now: Date, connection: SendingConnection): Promise<void> {
  await commit((tx) => markOutcomeUnknown(tx, deps.publicUrl, draft, attemptedAt, now, connection));
}

/** The draft is failed with "Outcome unknown …" and the user is asked to look in their Sent folder. */
async function markOutcomeUnknown(tx: Tx, publicUrl: string, draft: UnknownDraft, attemptedAt: Date, now: Date, connection: SendingConnection): Promise<void> {
  // Gmail's read scope is opt-in (restricted): the question offers it, so the next one is settled without asking.
  const offerSentCheck = connection?.provider === "google" && !canReadSentMail("google", connection.scopes);
  const links = [
    { label: "Open the draft", url: `${publicUrl}/?draft=${draft.id}` },
    ...(offerSentCheck ? [{ label: "Let Makegood check my Sent folder next time", url: `${publicUrl}/auth/google?checkSentMail=1` }] : []),
  ];
  const { count } = await tx.draft.updateMany({
    where: { id: draft.id, sentAt: null, status: "approved" },
    data: { status: "failed", lastError: `${OUTCOME_UNKNOWN_PREFIX}: the attempt at ${attemptedAt.toISOString()} ended before its result was recorded. Check your Sent folder; resend only if it is not there.` },
  });
  if (count === 0) return;
  await raiseAlert(
    tx,
    {
      userId: draft.userId,
      kind: "send_outcome_unknown",
      idempotencyKey: `send_outcome_unknown:${draft.id}:${attemptedAt.toISOString()}`,
      meetingId: draft.meetingId,
      title: `Check whether "${draft.subject}" was sent`,
      body: `We tried to send "${draft.subject}" to ${draft.to.join(", ")}, but could not confirm it left. To avoid sending it twice we did not try again. Look in your Sent folder: if it is not there, resend it from the drafts inbox.`,
      data: { draftId: draft.id, links },
    },
    now,
  );
}

export function sendDraftTask(deps: DraftSendDependencies) {
  return defineTask({
    kind: SEND_DRAFT,
    payload: z.object({ draftId: z.uuid() }),
    async run({ draftId }, context) {
      await sendDraft(deps, draftId, context.log.child({ draftId }), context.finish);
    },
    // Out of attempts (a provider that kept failing, workers that kept dying): never leave an
    // approved draft silently waiting. An attempt without an outcome is the user's question;
    // without one, nothing left and the draft is failed with the reason, to resend later.
    async gaveUp({ draftId }, { tx, now, lastError }) {
      const draft = await tx.draft.findUnique({ where: { id: draftId }, include: { meeting: { include: { connection: true } }, case: { include: { meeting: { include: { connection: true } } } } } });
      if (!draft || draft.status !== "approved" || draft.sentAt) return;
      if (draft.sendAttemptedAt) {
        const connection = (draft.meeting ?? draft.case?.meeting)?.connection ?? null;
        await markOutcomeUnknown(tx, deps.publicUrl, draft, draft.sendAttemptedAt, now, connection);
        return;
      }
      await tx.draft.updateMany({ where: { id: draftId, status: "approved", sentAt: null }, data: { status: "failed", lastError: `Not sent after repeated tries (${lastError}). Resend it from the drafts inbox once the problem is fixed.` } });
    },
  });
}
