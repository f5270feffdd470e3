import type { FastifyInstance, FastifyReply } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import type { Account, ConferenceParticipant, ConferenceRecord } from "../state.js";
import { googleCaller } from "./auth.js";
import { sendGrpcError } from "./errors.js";

type Clause = (record: ConferenceRecord) => boolean;

/**
 * conferenceRecords.list filter (EBNF, AND-joined): space.meeting_code, space.name, start_time,
 * end_time with = != < <= > >=, and `end_time IS NULL`.
 */
function parseFilter(filter: string): Clause[] | string {
  const clauses: Clause[] = [];
  for (const raw of filter.split(/\s+AND\s+/i).map((c) => c.trim()).filter(Boolean)) {
    const isNull = /^(start_time|end_time)\s+IS\s+(NOT\s+)?NULL$/i.exec(raw);
    if (isNull) {
      const negate = Boolean(isNull[2]);
      const field = isNull[1]?.toLowerCase();
      clauses.push((r) => ((field === "end_time" ? r.endTime : r.startTime) === undefined) !== negate);
      continue;
    }
    const match = /^(space\.meeting_code|space\.name|start_time|end_time)\s*(=|!=|>=|<=|>|<)\s*"([^"]*)"$/i.exec(raw);
    if (!match) return `Invalid filter: ${raw}`;
    const [, field = "", op = "", value = ""] = match;
    const compare = (actual: string | number | undefined, wanted: string | number): boolean => {
      if (actual === undefined) return false;
      switch (op) {
        case "=": return actual === wanted;
        case "!=": return actual !== wanted;
        case ">": return actual > wanted;
        case "<": return actual < wanted;
        case ">=": return actual >= wanted;
        default: return actual <= wanted;
      }
    };
    switch (field.toLowerCase()) {
      case "space.meeting_code": clauses.push((r) => compare(r.meetingCode, value)); break;
      case "space.name": clauses.push((r) => compare(`spaces/${r.spaceId}`, value)); break;
      case "start_time": clauses.push((r) => compare(Date.parse(r.startTime), Date.parse(value))); break;
      default: clauses.push((r) => compare(r.endTime === undefined ? undefined : Date.parse(r.endTime), Date.parse(value)));
    }
  }
  return clauses;
}

function recordResource(record: ConferenceRecord): object {
  return {
    name: `conferenceRecords/${record.id}`,
    startTime: record.startTime,
    ...(record.endTime ? { endTime: record.endTime, expireTime: new Date(Date.parse(record.endTime) + 30 * 86_400_000).toISOString() } : {}),
    space: `spaces/${record.spaceId}`,
  };
}

function participantResource(record: ConferenceRecord, participant: ConferenceParticipant): object {
  const identity = participant.kind === "signedin"
    ? { signedinUser: { user: `users/${participant.userId ?? ""}`, displayName: participant.displayName } }
    : participant.kind === "anonymous" ? { anonymousUser: { displayName: participant.displayName } } : { phoneUser: { displayName: participant.displayName } };
  return {
    name: `conferenceRecords/${record.id}/participants/${participant.id}`,
    ...identity,
    earliestStartTime: participant.earliestStartTime,
    ...(participant.latestEndTime ? { latestEndTime: participant.latestEndTime } : {}),
  };
}

/** Offset page tokens; the service documents them only as opaque strings. */
function paginate<T>(items: T[], pageSize: number, pageToken: string | undefined): { page: T[]; nextPageToken: string | undefined } {
  const offset = pageToken ? Number(Buffer.from(pageToken, "base64url").toString("utf8")) || 0 : 0;
  const page = items.slice(offset, offset + pageSize);
  const next = offset + pageSize < items.length ? Buffer.from(String(offset + pageSize)).toString("base64url") : undefined;
  return { page, nextPageToken: next };
}

export function registerGoogleMeet(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  // "Work with conferences": only the space owner or a participant can get or list a conference.
  const canRead = (account: Account, record: ConferenceRecord): boolean =>
    record.ownerId === account.id || record.participants.some((p) => p.kind === "signedin" && p.userId === account.id);
  const published = (record: ConferenceRecord): boolean => record.visibleAt <= state.now();

  const readable = (account: Account, id: string, reply: FastifyReply): ConferenceRecord | undefined => {
    const record = state.conferences.get(id);
    if (!record || !published(record)) {
      sendGrpcError(reply, 404, "Requested entity was not found.");
      return undefined;
    }
    if (!canRead(account, record)) {
      sendGrpcError(reply, 403, "The caller does not have permission");
      return undefined;
    }
    return record;
  };

  app.get("/v2/conferenceRecords", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const q = stringParams(request.query);
    const clauses = parseFilter(q["filter"] ?? "");
    if (typeof clauses === "string") return sendGrpcError(reply, 400, clauses);
    const records = [...state.conferences.values()]
      .filter((r) => published(r) && canRead(account, r) && clauses.every((clause) => clause(r)))
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
    const { page, nextPageToken } = paginate(records, Math.min(Number(q["pageSize"] ?? "25"), 100), q["pageToken"]);
    // proto3 JSON omits empty repeated fields, so an empty result is {}.
    return { ...(page.length > 0 ? { conferenceRecords: page.map(recordResource) } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
  });

  app.get<{ Params: { id: string } }>("/v2/conferenceRecords/:id", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const record = readable(account, request.params.id, reply);
    return record ? recordResource(record) : reply;
  });

  app.get<{ Params: { id: string } }>("/v2/conferenceRecords/:id/participants", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const record = readable(account, request.params.id, reply);
    if (!record) return reply;
    const q = stringParams(request.query);
    let participants = [...record.participants].sort((a, b) => Date.parse(a.earliestStartTime) - Date.parse(b.earliestStartTime));
    if (/latest_end_time\s+IS\s+NULL/i.test(q["filter"] ?? "")) participants = participants.filter((p) => p.latestEndTime === undefined);
    const { page, nextPageToken } = paginate(participants, Math.min(Number(q["pageSize"] ?? "100"), 250), q["pageToken"]);
    return { ...(page.length > 0 ? { participants: page.map((p) => participantResource(record, p)) } : {}), ...(nextPageToken ? { nextPageToken } : {}), totalSize: participants.length };
  });

  app.get<{ Params: { id: string; participantId: string } }>("/v2/conferenceRecords/:id/participants/:participantId", async (request, reply) => {
    const account = googleCaller(ctx, request, reply);
    if (!account) return reply;
    const record = readable(account, request.params.id, reply);
    if (!record) return reply;
    const participant = record.participants.find((p) => p.id === request.params.participantId);
    return participant ? participantResource(record, participant) : sendGrpcError(reply, 404, "Requested entity was not found.");
  });
}
