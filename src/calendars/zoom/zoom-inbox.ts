import { z } from "zod";
import type { Clock, Database, Logger, Prisma } from "../../platform/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { refreshUserEvidenceSources } from "../sync/evidence-sources.js";
import { checkZoomSignature, urlValidationAnswer, type ZoomSignatureCheck } from "./zoom-signature.js";

const meetingNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);
const instant = z.string().max(64).optional();

const participant = z
  .object({
    // The participant's Zoom user id when signed in (the host's equals object.host_id); `user_id` is only a per-meeting number.
    id: z.string().max(256).optional(),
    user_id: z.string().max(256).optional(),
    participant_user_id: z.string().max(256).optional(),
    user_name: z.string().max(512).optional(),
    // Zoom sends "" for guests and sometimes for signed-in users too: never relied on alone.
    email: z.string().max(512).optional(),
    join_time: instant,
    leave_time: instant,
  })
  .loose();

const meetingObject = z
  .object({ id: meetingNumber, uuid: z.string().max(256).optional(), host_id: z.string().max(256), start_time: instant, end_time: instant, participant: participant.optional() })
  .loose();

const zoomEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("endpoint.url_validation"), payload: z.object({ plainToken: z.string().min(1).max(512) }).loose() }).loose(),
  z
    .object({
      event: z.enum(["meeting.participant_joined", "meeting.participant_left", "meeting.started", "meeting.ended"]),
      event_ts: z.number().optional(),
      payload: z.object({ account_id: z.string().optional(), object: meetingObject }).loose(),
    })
    .loose(),
]);

/** What became of one webhook (the metrics' verdict label). */
export type ZoomVerdict = "validated" | "stored" | "duplicate" | "unknown_meeting" | "ignored" | "rejected";

export type ZoomWebhookAnswer =
  | { status: 200; verdict: ZoomVerdict; body: { plainToken: string; encryptedToken: string } | { received: 1; stored: number } }
  | { status: 400 | 401; verdict: "rejected"; body: { error: { code: string; message: string } } };

const REFUSALS: Record<Exclude<ZoomSignatureCheck, "valid">, { code: string; message: string }> = {
  unsigned: { code: "unsigned_webhook", message: "x-zm-signature and x-zm-request-timestamp are required" },
  stale: { code: "stale_webhook", message: "x-zm-request-timestamp is more than five minutes away from our clock" },
  bad_signature: { code: "bad_signature", message: "x-zm-signature does not match the body signed with the webhook secret token" },
};

/** How far from a calendar meeting's times a Zoom happening still belongs to it (early joins, overruns). */
const MATCH_MARGIN_MS = 60 * 60_000;

type Tx = Prisma.TransactionClient;

/**
 * Zoom's webhooks (POST /webhooks/zoom). Every request is checked against the secret token
 * first: unsigned, stale or wrongly signed ones are refused (401) before anything is read. The
 * url_validation challenge is answered. A participant joining or leaving a meeting hosted by a
 * connected Zoom user, matched to a calendar meeting by its Zoom number and time, becomes
 * evidence: the host's own join is `conference_joined` (they are there, live), anyone else's
 * `others_joined` (feeds late and missed exactly as Meet does). Evidence rows are unique per
 * meeting and kind, so a duplicated or replayed webhook stores nothing and alerts nobody; a
 * `participant_left` that overtakes its `participant_joined` still says the person was there.
 * Webhooks for meetings we cannot place are answered 200 (an error would only make Zoom retry).
 */
export class ZoomInbox {
  constructor(private readonly deps: { db: Database; clock: Clock; log: Logger; secretToken: string }) {}

  async receive(rawBody: string, headers: { signature: string | undefined; timestamp: string | undefined }): Promise<ZoomWebhookAnswer> {
    const now = this.deps.clock.now();
    const check = checkZoomSignature({ secretToken: this.deps.secretToken, signature: headers.signature, timestamp: headers.timestamp, rawBody, now });
    if (check !== "valid") {
      this.deps.log.warn({ check }, "Zoom webhook refused");
      return { status: 401, verdict: "rejected", body: { error: REFUSALS[check] } };
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { status: 400, verdict: "rejected", body: { error: { code: "invalid_json", message: "The body is not JSON" } } };
    }
    const kind = z.object({ event: z.string() }).loose().safeParse(json);
    if (!kind.success) return { status: 400, verdict: "rejected", body: { error: { code: "invalid_body", message: "event: expected a string" } } };
    const parsed = zoomEvent.safeParse(json);
    if (!parsed.success) {
      const known = ["endpoint.url_validation", "meeting.participant_joined", "meeting.participant_left", "meeting.started", "meeting.ended"].includes(kind.data.event);
      if (!known) return { status: 200, verdict: "ignored", body: { received: 1, stored: 0 } };
      const issue = parsed.error.issues[0]!;
      return { status: 400, verdict: "rejected", body: { error: { code: "invalid_body", message: `${issue.path.join(".")}: ${issue.message}` } } };
    }
    const event = parsed.data;
    if (event.event === "endpoint.url_validation") return { status: 200, verdict: "validated", body: urlValidationAnswer(this.deps.secretToken, event.payload.plainToken) };
    const verdict = await this.deps.db.$transaction((tx) => this.store(tx, event.event, event.payload.object, event.event_ts, now));
    return { status: 200, verdict, body: { received: 1, stored: verdict === "stored" ? 1 : 0 } };
  }

  private async store(tx: Tx, event: "meeting.participant_joined" | "meeting.participant_left" | "meeting.started" | "meeting.ended", object: z.infer<typeof meetingObject>, eventTs: number | undefined, now: Date): Promise<ZoomVerdict> {
    const account = await tx.zoomConnection.findUnique({ where: { zoomUserId: object.host_id }, select: { id: true, userId: true, status: true, accountEmail: true } });
    if (!account || account.status !== "active") return "unknown_meeting";
    const when = happenedAt(event, object, eventTs, now);
    const meeting = await this.calendarMeeting(tx, account.userId, object.id, when);
    if (!meeting) return "unknown_meeting";

    // A webhook naming the user as host proves they host it, whatever their meeting list said.
    const learnt = await tx.zoomHostedMeeting.createMany({ data: [{ zoomConnectionId: account.id, meetingId: object.id, seenAt: now }], skipDuplicates: true });
    // A meeting stored while its number was not yet known as hosted is decided again now.
    if (learnt.count > 0 || meeting.evidenceSource !== "conference") await refreshUserEvidenceSources(tx, account.userId, now);
    if (object.uuid && object.uuid !== meeting.zoomMeetingUuid) await tx.meeting.update({ where: { id: meeting.id }, data: { zoomMeetingUuid: object.uuid } });

    if (event === "meeting.started" || event === "meeting.ended" || !object.participant) return learnt.count > 0 ? "stored" : "duplicate";
    const person = object.participant;
    const isHost = person.id === object.host_id || (Boolean(person.email?.trim()) && person.email!.trim().toLowerCase() === account.accountEmail.toLowerCase());
    // Leaving says they were there: a participant_left that overtook its participant_joined counts too.
    const observedAt = parseInstant(person.join_time) ?? parseInstant(person.leave_time) ?? when;
    const stored = await tx.evidence.createMany({
      data: [{ meetingId: meeting.id, kind: isHost ? "conference_joined" : "others_joined", sourceKey: "zoom", observedAt, detail: { source: "zoom_webhook", event } }],
      skipDuplicates: true,
    });
    if (stored.count === 0) return learnt.count > 0 ? "stored" : "duplicate";
    // New evidence can change the decision now: the meeting is due, and detection decides it at
    // once (one task per meeting and kind of evidence, which is stored once).
    await tx.meeting.update({ where: { id: meeting.id }, data: { nextCheckAt: now } });
    await enqueueTasks(tx, [{ kind: "detect_meeting", payload: { meetingId: meeting.id }, idempotencyKey: `detect:${meeting.id}:zoom:${isHost ? "joined" : "others"}`, dueAt: now, priority: 20 }]);
    return "stored";
  }

  /** The user's calendar meeting with this Zoom number nearest the happening, within an hour of its times. */
  private async calendarMeeting(tx: Tx, userId: string, zoomMeetingId: string, when: Date) {
    const candidates = await tx.meeting.findMany({
      where: {
        userId,
        zoomMeetingId,
        deletedAt: null,
        start: { lte: new Date(when.getTime() + MATCH_MARGIN_MS) },
        end: { gte: new Date(when.getTime() - MATCH_MARGIN_MS) },
      },
      select: { id: true, start: true, zoomMeetingUuid: true, evidenceSource: true },
    });
    return candidates.sort((a, b) => Math.abs(a.start.getTime() - when.getTime()) - Math.abs(b.start.getTime() - when.getTime()))[0] ?? null;
  }
}

function parseInstant(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function happenedAt(event: string, object: z.infer<typeof meetingObject>, eventTs: number | undefined, now: Date): Date {
  const person = object.participant;
  const fromEvent =
    event === "meeting.participant_joined" ? parseInstant(person?.join_time)
    : event === "meeting.participant_left" ? (parseInstant(person?.leave_time) ?? parseInstant(person?.join_time))
    : event === "meeting.ended" ? (parseInstant(object.end_time) ?? parseInstant(object.start_time))
    : parseInstant(object.start_time);
  return fromEvent ?? (eventTs ? new Date(eventTs) : now);
}
