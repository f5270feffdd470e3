import { z } from "zod";
import { sandboxEventRow, writeSandboxCalendarIn, type SandboxPerson } from "./store.js";
import type { Database } from "../../platform/index.js";
import type { Mailer, OutgoingEmail, SentEmail } from "../../alerts/index.js";
import type { Clock } from "../../platform/index.js";
import { requestSync } from "../sync/sync-task.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask } from "../../tasks/index.js";

/** SIMULATION: the sandbox client's reply to a reschedule proposal. */
export const SANDBOX_CLIENT_REPLY = "sandbox_client_reply";

/** How long the simulated client takes to accept: long enough to see the proposal go out first. */
export const CLIENT_REPLY_DELAY_MS = 20_000;

const DRAFT_KEY = /^draft:([0-9a-f-]{36})$/;
const proposedSlots = z.array(z.object({ start: z.iso.datetime(), end: z.iso.datetime(), timeZone: z.string() }));

/**
 * The outbox as the sandbox's world sees it. Every "outbox" send passes through unchanged;
 * when it is the reschedule proposal of a sandbox case, the recipient (simulated) answers a
 * little later, as a real client would: see `sandboxClientReplyTask`.
 */
export class SandboxWorldOutbox implements Mailer {
  constructor(private readonly deps: { db: Database; clock: Clock; outbox: Mailer }) {}

  async send(message: OutgoingEmail): Promise<SentEmail> {
    const sent = await this.deps.outbox.send(message);
    const draftId = DRAFT_KEY.exec(message.idempotencyKey)?.[1];
    if (draftId) await this.expectReply(draftId);
    return sent;
  }

  async close(): Promise<void> {
    await this.deps.outbox.close();
  }

  private async expectReply(draftId: string): Promise<void> {
    const draft = await this.deps.db.draft.findUnique({ where: { id: draftId }, select: { kind: true, userId: true, case: { select: { meeting: { select: { connection: { select: { provider: true } } } } } } } });
    if (draft?.kind !== "reschedule" || draft.case?.meeting.connection.provider !== "sandbox") return;
    const dueAt = new Date(this.deps.clock.now().getTime() + CLIENT_REPLY_DELAY_MS);
    await this.deps.db.$transaction((tx) =>
      enqueueTasks(tx, [{ kind: SANDBOX_CLIENT_REPLY, payload: { draftId }, idempotencyKey: `sandbox-client-reply:${draftId}`, dueAt, userId: draft.userId }]),
    );
  }
}

/**
 * SIMULATION. The sandbox client accepts the first slot of the sent proposal: a new event
 * with the same people appears on the sandbox calendar (sample key `reschedule:<caseId>`),
 * and the calendar is synced as a push notification would make it. From there the real
 * workflow takes over: match-reschedule recognises it by its attendee and places the buffer.
 */
export function sandboxClientReplyTask(deps: { db: Database }) {
  return defineTask({
    kind: SANDBOX_CLIENT_REPLY,
    payload: z.object({ draftId: z.uuid() }),
    async run({ draftId }, context) {
      const draft = await deps.db.draft.findUnique({
        where: { id: draftId },
        include: { case: { include: { meeting: { include: { attendees: true, connection: true } } } } },
      });
      const recoveryCase = draft?.case;
      if (!draft || draft.status !== "sent" || !recoveryCase || recoveryCase.meeting.connection.provider !== "sandbox") return;
      const slot = proposedSlots.safeParse(recoveryCase.proposedSlots ?? []).data?.[0];
      if (!slot) return;
      const missed = recoveryCase.meeting;
      const self = missed.connection.accountEmail.toLowerCase();
      const people: SandboxPerson[] = missed.attendees
        .filter((attendee) => !attendee.isSelf && !attendee.isResource && attendee.email.toLowerCase() !== self)
        .map((attendee, index) => ({ email: attendee.email, name: attendee.name, response: "accepted", isOrganizer: index === 0 }));
      if (people.length === 0) return;
      const sampleKey = `reschedule:${recoveryCase.id}`;
      await context.finish(async (tx) => {
        await writeSandboxCalendarIn(tx, missed.connectionId, async (inner, version) => {
          const existing = await inner.sandboxEvent.count({ where: { connectionId: missed.connectionId, sampleKey } });
          if (existing > 0) return;
          await inner.sandboxEvent.create({
            data: sandboxEventRow(
              missed.connectionId,
              version,
              {
                sampleKey,
                // A rescheduled meeting usually keeps its name; the case links the two.
                title: missed.title,
                description: `${people[0]!.name ?? people[0]!.email} accepted your proposed time.`,
                location: null,
                start: new Date(slot.start),
                end: new Date(slot.end),
                timeZone: slot.timeZone,
                attendees: people,
                selfResponse: "accepted",
                isFree: false,
                marker: null,
                conferenceCode: `sbx-${recoveryCase.id.slice(0, 8)}`,
                selfJoinedAt: null,
                othersJoinedAt: null,
              },
              context.now,
            ),
          });
          await requestSync(inner, missed.connectionId, `sandbox-client-reply:${draftId}`, context.now);
        });
      });
      context.log.info({ caseId: recoveryCase.id, start: slot.start }, "sandbox client accepted the first proposed slot (simulation)");
    },
  });
}
