import type { CalendarEvent, EventChange } from "../provider.js";
import type { Prisma } from "../../platform/index.js";
import { evidenceSourceOf, isWatched, placeAtSight, zoomMeetingIdOf, type SignalAccess } from "../domain/index.js";

type Tx = Prisma.TransactionClient;

export interface RoundTarget {
  userId: string;
  connectionId: string;
  calendarId: string;
  /** what the connection lets us see of a meeting (its evidence source) */
  access: SignalAccess;
}

export interface StoredRound {
  upserted: number;
  removed: number;
}

/** Rows per statement: large enough to be fast, small enough for comfortable parameters. */
const CHUNK = 1000;

/**
 * Stores one sync round's changes with a few set-based statements per thousand events
 * (unnest arrays, ON CONFLICT on the calendar's provider ids), so a 5,000-event full sync
 * is a handful of round trips. Removed events keep their rows, marked deleted and
 * cancelled, because detection or a recovery case may depend on them.
 */
export async function storeChanges(tx: Tx, target: RoundTarget, changes: readonly EventChange[], now: Date): Promise<StoredRound> {
  const latest = new Map<string, EventChange>();
  // A round can list an event twice (paging while it changes): the last word wins.
  for (const change of changes) latest.set(change.kind === "upsert" ? change.event.providerEventId : change.providerEventId, change);
  const upserts: CalendarEvent[] = [];
  const removals: string[] = [];
  for (const change of latest.values()) {
    if (change.kind === "upsert") upserts.push(change.event);
    else removals.push(change.providerEventId);
  }
  for (let i = 0; i < upserts.length; i += CHUNK) await upsertMeetings(tx, target, upserts.slice(i, i + CHUNK), now);
  const removed = removals.length ? await markRemoved(tx, target.calendarId, removals, now) : 0;
  return { upserted: upserts.length, removed };
}

/** After a full round: events of the window the provider no longer lists are gone. */
export async function markUnlisted(tx: Tx, calendarId: string, window: { start: Date; end: Date }, listed: readonly string[], now: Date): Promise<number> {
  return tx.$executeRaw`
    update meetings
       set deleted_at = ${now}, is_cancelled = true, watched = false, updated_at = ${now}
     where calendar_id = ${calendarId}::uuid
       and deleted_at is null
       and start < ${window.end} and "end" > ${window.start}
       and not (provider_event_id = any(${listed as string[]}::text[]))`;
}

async function markRemoved(tx: Tx, calendarId: string, providerEventIds: string[], now: Date): Promise<number> {
  return tx.$executeRaw`
    update meetings
       set deleted_at = ${now}, is_cancelled = true, watched = false, updated_at = ${now}
     where calendar_id = ${calendarId}::uuid
       and provider_event_id = any(${providerEventIds}::text[])
       and deleted_at is null`;
}

async function upsertMeetings(tx: Tx, target: RoundTarget, events: CalendarEvent[], now: Date): Promise<void> {
  const column = <T>(pick: (event: CalendarEvent) => T) => events.map(pick);
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  const watched = events.map((event) => isWatched(event));
  const sources = events.map((event) => evidenceSourceOf(sourceFacts(event), target.access));
  // New rows go in already placed, so the next detection pass reads only what can change now.
  const placements = events.map((event, i) => placeAtSight({ watched: watched[i]!, start: event.start, liveSignal: sources[i]!.live }, now));
  const rows = await tx.$queryRaw<Array<{ id: string; provider_event_id: string; inserted: boolean }>>`
    insert into meetings (
      id, user_id, connection_id, calendar_id, provider_event_id, ical_uid, series_id, original_start,
      title, description, location, start, "end", time_zone, is_all_day, organizer_email, organizer_name,
      is_organizer, self_response, is_cancelled, is_free, is_buffer, meet_code, teams_join_url,
      online_meeting_id, conference_url, provider_updated_at, deleted_at, watched, updated_at, next_check_at,
      state, state_changed_at, evidence_source, evidence_source_reason, live_signal, zoom_meeting_id
    )
    select gen_random_uuid(), ${target.userId}::uuid, ${target.connectionId}::uuid, ${target.calendarId}::uuid,
           e.pid, e.ical, e.series, e.ostart, e.title, e.descr, e.loc, e.s, e.en, e.tz, e.allday, e.oemail, e.oname,
           e.isorg, e.resp, e.cancelled, e.free, e.buffer, e.meet, e.teams, e.omid, e.curl, e.pupd, null, e.w, ${now}, e.next_check,
           e.placed, case when e.placed is null then null else ${now}::timestamptz end, e.src, e.src_reason, e.live, e.zoom
      from unnest(
        ${column((e) => e.providerEventId)}::text[],
        ${column((e) => e.iCalUid)}::text[],
        ${column((e) => e.seriesId)}::text[],
        ${column((e) => iso(e.originalStart))}::timestamptz[],
        ${column((e) => e.title)}::text[],
        ${column((e) => e.description)}::text[],
        ${column((e) => e.location)}::text[],
        ${column((e) => e.start.toISOString())}::timestamptz[],
        ${column((e) => e.end.toISOString())}::timestamptz[],
        ${column((e) => e.timeZone)}::text[],
        ${column((e) => e.isAllDay)}::boolean[],
        ${column((e) => e.organizer?.email ?? null)}::text[],
        ${column((e) => e.organizer?.name ?? null)}::text[],
        ${column((e) => e.isOrganizer)}::boolean[],
        ${column((e) => e.selfResponse)}::"ResponseStatus"[],
        ${column((e) => e.isCancelled)}::boolean[],
        ${column((e) => e.isFree)}::boolean[],
        ${column((e) => e.isBuffer)}::boolean[],
        ${column((e) => e.conference.meetCode)}::text[],
        ${column((e) => e.conference.teamsJoinUrl)}::text[],
        ${column((e) => e.conference.onlineMeetingId)}::text[],
        ${column((e) => e.conference.url)}::text[],
        ${column((e) => iso(e.updatedAt))}::timestamptz[],
        ${watched}::boolean[],
        ${placements.map((placement) => placement.nextCheckAt.toISOString())}::timestamptz[],
        ${placements.map((placement) => placement.state)}::"MeetingState"[],
        ${sources.map((source) => source.source)}::"EvidenceSource"[],
        ${sources.map((source) => source.reason)}::text[],
        ${sources.map((source) => source.live)}::boolean[],
        ${column((e) => zoomMeetingIdOf({ conferenceUrl: e.conference.url, location: e.location, description: e.description }))}::text[]
      ) as e(pid, ical, series, ostart, title, descr, loc, s, en, tz, allday, oemail, oname, isorg, resp, cancelled, free, buffer, meet, teams, omid, curl, pupd, w, next_check, placed, src, src_reason, live, zoom)
    on conflict (calendar_id, provider_event_id) do update set
      ical_uid = excluded.ical_uid, series_id = excluded.series_id, original_start = excluded.original_start,
      title = excluded.title, description = excluded.description, location = excluded.location,
      start = excluded.start, "end" = excluded."end", time_zone = excluded.time_zone, is_all_day = excluded.is_all_day,
      organizer_email = excluded.organizer_email, organizer_name = excluded.organizer_name, is_organizer = excluded.is_organizer,
      self_response = excluded.self_response, is_cancelled = excluded.is_cancelled, is_free = excluded.is_free,
      is_buffer = excluded.is_buffer, meet_code = excluded.meet_code, teams_join_url = excluded.teams_join_url,
      online_meeting_id = excluded.online_meeting_id, conference_url = excluded.conference_url,
      provider_updated_at = excluded.provider_updated_at, deleted_at = null, watched = excluded.watched,
      updated_at = excluded.updated_at, evidence_source = excluded.evidence_source,
      evidence_source_reason = excluded.evidence_source_reason, live_signal = excluded.live_signal,
      zoom_meeting_id = excluded.zoom_meeting_id,
      -- detection looks again at once when what it decides on changed (src/calendars/sync/detection-wake-up.ts)
      next_check_at = case
        when (meetings.start, meetings."end", meetings.watched, meetings.is_cancelled, meetings.self_response, meetings.deleted_at is null, meetings.evidence_source, meetings.live_signal)
             is distinct from (excluded.start, excluded."end", excluded.watched, excluded.is_cancelled, excluded.self_response, true, excluded.evidence_source, excluded.live_signal)
        then ${now}::timestamptz else meetings.next_check_at end
    returning id, provider_event_id, (xmax = 0) as inserted`;

  const meetingIds = new Map(rows.map((row) => [row.provider_event_id, row.id]));
  const attendees = events.flatMap((event) => {
    const meetingId = meetingIds.get(event.providerEventId)!;
    const seen = new Set<string>();
    return event.attendees.flatMap((attendee) => {
      const email = attendee.email.toLowerCase();
      if (seen.has(email)) return [];
      seen.add(email);
      return [{ ...attendee, meetingId, email }];
    });
  });
  // A meeting inserted just now (xmax = 0) has no attendee rows to replace.
  const updated = rows.flatMap((row) => (row.inserted ? [] : [row.id]));
  if (updated.length > 0) await tx.$executeRaw`delete from attendees where meeting_id = any(${updated}::uuid[])`;
  if (attendees.length === 0) return;
  const a = <T>(pick: (row: (typeof attendees)[number]) => T) => attendees.map(pick);
  await tx.$executeRaw`
    insert into attendees (id, meeting_id, email, name, response, is_self, is_organizer, is_optional, is_resource)
    select gen_random_uuid(), r.*
      from unnest(
        ${a((r) => r.meetingId)}::uuid[],
        ${a((r) => r.email)}::text[],
        ${a((r) => r.name)}::text[],
        ${a((r) => r.response)}::"ResponseStatus"[],
        ${a((r) => r.isSelf)}::boolean[],
        ${a((r) => r.isOrganizer)}::boolean[],
        ${a((r) => r.isOptional)}::boolean[],
        ${a((r) => r.isResource)}::boolean[]
      ) as r(meeting_id, email, name, response, is_self, is_organizer, is_optional, is_resource)`;
}

function sourceFacts(event: CalendarEvent) {
  return {
    meetCode: event.conference.meetCode,
    teamsJoinUrl: event.conference.teamsJoinUrl,
    conferenceUrl: event.conference.url,
    location: event.location,
    description: event.description,
    isOrganizer: event.isOrganizer,
  };
}
