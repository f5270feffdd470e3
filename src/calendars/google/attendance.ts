import { meet as meetApi } from "@googleapis/meet";
import { OAuth2Client } from "google-auth-library";
import type { Clock } from "../../platform/index.js";
import type { ConnectionIdentity } from "../provider-factory.js";
import type { AccessTokenSource, Attendance, AttendanceQuery, Participant } from "../provider.js";
import type { GoogleEndpoints } from "./oauth.js";
import { libraryExpiry } from "./calendar.js";

interface AttendanceDependencies {
  endpoints: GoogleEndpoints;
  tokens: AccessTokenSource;
  account: ConnectionIdentity;
  clock: Clock;
  call<T>(context: string, run: () => Promise<T>): Promise<T>;
}

/** Conference records start at most this long before the scheduled start to count for it. */
const EARLY_START_MS = 60 * 60 * 1000;

/**
 * Meet REST v2: the conference records of the meeting's code around its time, then their
 * participants. The user is matched by Google account id (`users/{id}` of a signed-in
 * participant), never by display name. Records appear only once the conference exists and
 * only for its owner or participants, so "no record" means "no evidence yet", not "missed".
 */
export async function fetchMeetAttendance(deps: AttendanceDependencies, query: AttendanceQuery): Promise<Attendance> {
  if (!query.meetCode) return { available: false, reason: "The event has no Google Meet conference" };
  const auth = new OAuth2Client();
  const meet = meetApi({ version: "v2", rootUrl: deps.endpoints.meetRootUrl, auth });
  const from = new Date(query.start.getTime() - EARLY_START_MS).toISOString();
  const filter = `space.meeting_code = "${query.meetCode}" AND start_time >= "${from}" AND start_time <= "${query.end.toISOString()}"`;

  const records = await deps.call("Meet conferenceRecords.list", async () => {
    auth.setCredentials({ access_token: await deps.tokens.accessToken(), expiry_date: libraryExpiry() });
    return (await meet.conferenceRecords.list({ filter, pageSize: 25 }, { retry: false })).data.conferenceRecords ?? [];
  });
  if (records.length === 0) return { available: false, reason: "No Meet conference record for this meeting yet" };

  const participants: Participant[] = [];
  /** participants of a live conference (no endTime) with no latestEndTime: in the call right now */
  const presentNow: Participant[] = [];
  for (const record of records) {
    if (!record.name) continue;
    const live = !record.endTime;
    let pageToken: string | undefined;
    do {
      const page = await deps.call("Meet participants.list", async () => {
        auth.setCredentials({ access_token: await deps.tokens.accessToken(), expiry_date: libraryExpiry() });
        return (await meet.conferenceRecords.participants.list({ parent: record.name!, pageSize: 250, ...(pageToken ? { pageToken } : {}) }, { retry: false })).data;
      });
      for (const participant of page.participants ?? []) {
        if (!participant.earliestStartTime) continue;
        const user = participant.signedinUser?.user ?? null;
        const seen: Participant = {
          accountId: user ? user.replace(/^users\//, "") : null,
          email: null,
          displayName: participant.signedinUser?.displayName ?? participant.anonymousUser?.displayName ?? participant.phoneUser?.displayName ?? null,
          joinedAt: new Date(participant.earliestStartTime),
          leftAt: participant.latestEndTime ? new Date(participant.latestEndTime) : null,
        };
        participants.push(seen);
        // Meet: latestEndTime "can be null if it's an active meeting". An ended record's
        // participants have all left, whatever a lagging participant resource still says.
        if (live && !seen.leftAt) presentNow.push(seen);
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
  }

  const isSelf = (participant: Participant) => participant.accountId === deps.account.accountId;
  const earliest = (list: Participant[]) => (list.length ? new Date(Math.min(...list.map((p) => p.joinedAt.getTime()))) : null);
  return {
    available: true,
    selfJoinedAt: earliest(participants.filter(isSelf)),
    othersJoinedAt: earliest(participants.filter((p) => !isSelf(p))),
    selfInCallNow: presentNow.some(isSelf),
    othersInCallNow: presentNow.some((p) => !isSelf(p)),
    participants,
  };
}
