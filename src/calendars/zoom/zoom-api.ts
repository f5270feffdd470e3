import { z } from "zod";
import type { AccessTokenSource } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import { zoomFailure, zoomFetch } from "./zoom-http.js";

const user = z.object({ id: z.string().min(1), email: z.string().default(""), first_name: z.string().optional(), last_name: z.string().optional(), display_name: z.string().optional() }).loose();

const meetingNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const meetingList = z.object({
  next_page_token: z.string().optional(),
  meetings: z.array(z.object({ id: meetingNumber, uuid: z.string().optional(), host_id: z.string().optional() }).loose()).default([]),
});

const participantList = z.object({
  next_page_token: z.string().optional(),
  participants: z
    .array(
      z.object({
        // The participant's Zoom user id when signed in to Zoom (else an id for the meeting only).
        id: z.string().optional(),
        name: z.string().optional(),
        user_email: z.string().optional(),
        join_time: z.string().optional(),
        leave_time: z.string().optional(),
      }).loose(),
    )
    .default([]),
});

export interface ZoomUser {
  id: string;
  email: string;
  name: string | null;
}

export interface ZoomPastParticipant {
  zoomUserId: string | null;
  email: string | null;
  name: string | null;
  joinedAt: Date | null;
}

/** Zoom documents 300 as the largest page of both lists. */
const PAGE_SIZE = 300;
/** A bound on pages followed, so a provider that keeps answering a token cannot keep us forever. */
const MAX_PAGES = 50;

/**
 * A meeting UUID in a path: Zoom asks for it to be encoded twice when it begins with "/" or
 * holds "//" (one decoding would turn it into path separators); otherwise once.
 */
export function meetingUuidPath(uuid: string): string {
  const once = encodeURIComponent(uuid);
  return uuid.startsWith("/") || uuid.includes("//") ? encodeURIComponent(once) : once;
}

/** The few Zoom REST calls we make, with the connection's access token. */
export class ZoomApi {
  constructor(private readonly deps: { apiUrl: string; tokens: AccessTokenSource; now: () => Date }) {}

  async me(): Promise<ZoomUser> {
    const body = user.parse(await this.get("/users/me", "Zoom GET /users/me"));
    const name = body.display_name ?? ([body.first_name, body.last_name].filter(Boolean).join(" ") || null);
    return { id: body.id, email: body.email, name };
  }

  /** The meeting numbers the user hosts: their scheduled meetings (live, upcoming, and unexpired recurring ones). */
  async hostedMeetingIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ type: "scheduled", page_size: String(PAGE_SIZE), ...(token ? { next_page_token: token } : {}) });
      const body = meetingList.parse(await this.get(`/users/me/meetings?${query.toString()}`, "Zoom list meetings"));
      ids.push(...body.meetings.map((meeting) => meeting.id));
      token = body.next_page_token || undefined;
      if (!token) break;
    }
    return [...new Set(ids)];
  }

  /**
   * Who took part in an ended meeting: by its instance UUID when known, otherwise by its number
   * (Zoom then answers for the latest instance). A meeting that has not ended or never took place
   * is ProviderError "not_found" (Zoom's 3001).
   */
  async pastParticipants(meeting: { uuid: string | null; id: string }): Promise<ZoomPastParticipant[]> {
    const path = `/past_meetings/${meeting.uuid ? meetingUuidPath(meeting.uuid) : meeting.id}/participants`;
    const participants: ZoomPastParticipant[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ page_size: String(PAGE_SIZE), ...(token ? { next_page_token: token } : {}) });
      const body = participantList.parse(await this.get(`${path}?${query.toString()}`, "Zoom past meeting participants"));
      for (const participant of body.participants) {
        const joined = participant.join_time ? new Date(participant.join_time) : null;
        participants.push({
          zoomUserId: participant.id || null,
          email: participant.user_email || null,
          name: participant.name || null,
          joinedAt: joined && !Number.isNaN(joined.getTime()) ? joined : null,
        });
      }
      token = body.next_page_token || undefined;
      if (!token) break;
    }
    return participants;
  }

  private async get(path: string, what: string): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.deps.tokens.accessToken();
      const response = await zoomFetch(`${this.deps.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } }, what);
      if (response.ok) return response.json();
      const failure = await zoomFailure(response, what, this.deps.now());
      // A token refused although it looked valid (revoked early, clock skew): refresh once.
      if (response.status === 401 && attempt === 0) {
        this.deps.tokens.invalidate();
        continue;
      }
      if (failure instanceof ProviderError) throw failure;
    }
  }
}
