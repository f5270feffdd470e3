/**
 * The one provider interface. Google, Microsoft and the sandbox each implement it; nothing
 * outside src/calendars/<provider>/ knows which one it talks to, and no SDK type crosses
 * this boundary. Every method either returns what it promises or throws a ProviderError
 * (see provider-error.ts) that says whether trying again can help.
 */

export type ProviderKind = "google" | "microsoft" | "sandbox";
export type ResponseStatus = "needs_action" | "accepted" | "tentative" | "declined";

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface EventPerson {
  email: string;
  name: string | null;
}

export interface EventAttendee extends EventPerson {
  response: ResponseStatus;
  isSelf: boolean;
  isOrganizer: boolean;
  isOptional: boolean;
  /** rooms and equipment are attendees in both APIs, but never "someone else" */
  isResource: boolean;
}

/** A calendar event as the product sees it, whatever the provider. */
export interface CalendarEvent {
  providerEventId: string;
  iCalUid: string | null;
  /** the series this is an instance of (Google recurringEventId, Graph seriesMasterId) */
  seriesId: string | null;
  /** for an instance: where the series would have put it */
  originalStart: Date | null;
  title: string;
  description: string | null;
  location: string | null;
  start: Date;
  end: Date;
  /** IANA zone the event was scheduled in (Windows names already mapped) */
  timeZone: string;
  isAllDay: boolean;
  organizer: EventPerson | null;
  isOrganizer: boolean;
  attendees: EventAttendee[];
  /** the user's own answer; "accepted" when the user organises it */
  selfResponse: ResponseStatus;
  isCancelled: boolean;
  /** transparency "transparent" (Google) / showAs "free" (Graph) */
  isFree: boolean;
  /** carries our private buffer marker: never treated as a meeting */
  isBuffer: boolean;
  conference: {
    meetCode: string | null;
    teamsJoinUrl: string | null;
    onlineMeetingId: string | null;
    url: string | null;
  };
  updatedAt: Date | null;
}

export type EventChange = { kind: "upsert"; event: CalendarEvent } | { kind: "removed"; providerEventId: string };

export interface ProviderCalendar {
  providerCalendarId: string;
  name: string;
  isPrimary: boolean;
  timeZone: string | null;
}

export interface SyncRequest {
  providerCalendarId: string;
  /** null: full sync of `window`; otherwise the cursor a previous round returned */
  cursor: string | null;
  window: TimeRange;
}

export interface SyncRound {
  /** every change of the round, all pages followed */
  changes: EventChange[];
  /** to be stored with the rows, only once all of them are stored */
  nextCursor: string;
  /** true when the round listed the whole window (rows not listed are gone) */
  full: boolean;
}

/**
 * One page of a sync round, handed over as it arrives so that it can be stored while the next
 * page is read: memory stays flat however large the round. `nextCursor` is set on the round's
 * last page only, and is to be stored only once every page of the round is stored.
 */
export interface SyncPage {
  changes: EventChange[];
  nextCursor: string | null;
  /** true when the round lists the whole window (rows not listed are gone) */
  full: boolean;
}

export interface WatchRequest {
  providerCalendarId: string;
  /** https address the provider posts notifications to */
  address: string;
  /** secret echoed with every notification (Google channel token / Graph clientState) */
  secret: string;
  /** our id for the channel (Google channel id); providers that assign ids ignore it */
  channelId: string;
  expiresAt: Date;
}

export interface WatchChannel {
  externalId: string;
  resourceId: string | null;
  expiresAt: Date;
}

export interface AttendanceQuery {
  providerEventId: string;
  meetCode: string | null;
  teamsJoinUrl: string | null;
  onlineMeetingId: string | null;
  start: Date;
  end: Date;
  isOrganizer: boolean;
}

export interface Participant {
  /** provider user id when the participant was signed in */
  accountId: string | null;
  email: string | null;
  displayName: string | null;
  joinedAt: Date;
  leftAt: Date | null;
}

export type Attendance =
  | {
      available: true;
      selfJoinedAt: Date | null;
      othersJoinedAt: Date | null;
      /** the conference is live and the user is in it right now (joined, not left) */
      selfInCallNow: boolean;
      /** the conference is live and someone else is in it right now */
      othersInCallNow: boolean;
      participants: Participant[];
    }
  /** e.g. "only the organiser can read Teams attendance reports", "no conference record yet" */
  | { available: false; reason: string };

/**
 * The user's presence status as the provider shows it to colleagues (Teams: "In a call",
 * "Away" …), read at `readAt`. `availability` and `activity` are the provider's own words
 * (Graph: Available, Busy, Away … / InACall, InAConferenceCall, InAMeeting …), kept as strings
 * because the provider adds values. Unavailable, with why in plain words, when the account
 * has no presence (Google, a personal Microsoft account) or may not read it.
 */
export type PresenceReading = { available: true; availability: string; activity: string; readAt: Date } | { available: false; reason: string };

export interface NewEvent {
  title: string;
  description: string;
  start: Date;
  end: Date;
  timeZone: string;
  /** stored as a private extended property so we recognise our own events */
  marker: string;
}

export interface SentMessage {
  providerMessageId: string | null;
}

/**
 * Whether a message we sent (by its RFC 5322 Message-ID) is in the user's Sent mail: `found`
 * (with the provider's id for it), or `not_found` among what was sent since `sentAfter`.
 * Throws ProviderError when the mailbox cannot be read (no read scope: forbidden).
 */
export type SentMailLookup = { found: true; providerMessageId: string | null } | { found: false };

/** A calendar account the user connected, through which all its calls go. */
export interface CalendarProvider {
  readonly kind: ProviderKind;
  listCalendars(): Promise<ProviderCalendar[]>;
  /** one sync round: throws ProviderError "cursor_expired" when a full resync is needed */
  syncEvents(request: SyncRequest): Promise<SyncRound>;
  /**
   * The same round page by page (see SyncPage); cursor_expired and every other ProviderError are
   * thrown from the iteration. Optional: the sync falls back to syncEvents (one page) without it.
   */
  syncPages?(request: SyncRequest): AsyncIterable<SyncPage>;
  watch(request: WatchRequest): Promise<WatchChannel>;
  /** may return a new channel (Google channels cannot be extended, Graph subscriptions can) */
  renewWatch(channel: WatchChannel, request: WatchRequest): Promise<WatchChannel>;
  stopWatch(channel: WatchChannel): Promise<void>;
  attendance(query: AttendanceQuery): Promise<Attendance>;
  busyTimes(range: TimeRange): Promise<TimeRange[]>;
  createEvent(providerCalendarId: string, event: NewEvent): Promise<{ providerEventId: string }>;
  moveEvent(providerCalendarId: string, providerEventId: string, range: TimeRange): Promise<void>;
  /** already gone (404/410) counts as done */
  deleteEvent(providerCalendarId: string, providerEventId: string): Promise<void>;
  /**
   * sends an RFC 822 message from the user's own mailbox. The request is not started at or after
   * `deadline` (a `send_window_closed` error: nothing left) and is abandoned when it arrives, so
   * once the deadline is past an attempt is over one way or the other (see MAIL_SEND_WINDOW_MS).
   */
  sendMail(mime: Buffer, window: { deadline: Date }): Promise<SentMessage>;
  /** looks for a message we sent in the user's Sent mail by its Message-ID (needs a mail read scope) */
  findSentMail(query: { messageId: string; sentAfter: Date }): Promise<SentMailLookup>;
  /** the user's presence status now; "no presence here" is an answer, not an error */
  presence(): Promise<PresenceReading>;
  /** the user's own time zone as the calendar account has it (IANA), or null when it names none we can map */
  timeZone(): Promise<string | null>;
}

export interface TokenSet {
  accessToken: string;
  /** absent when the provider did not issue (or rotate) one */
  refreshToken: string | null;
  expiresAt: Date;
  scopes: string[];
}

export interface ProviderAccount {
  /** stable provider user id (Google `sub`, Microsoft object id) */
  accountId: string;
  email: string;
  name: string | null;
}

/** The OAuth side of Google and Microsoft (the sandbox signs in without OAuth). */
export interface OAuthProvider {
  readonly kind: Exclude<ProviderKind, "sandbox">;
  /** `checkSentMail`: also ask for the mail read scope that settles an unknown send (the user opted in) */
  authorizationUrl(params: { state: string; codeChallenge: string; redirectUri: string; loginHint?: string; checkSentMail?: boolean }): string;
  exchangeCode(params: { code: string; codeVerifier: string; redirectUri: string }): Promise<{ tokens: TokenSet; account: ProviderAccount }>;
  /** a rotated refresh token comes back in `refreshToken`; invalid_grant → ProviderError "auth_revoked" */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** best effort where the provider offers revocation */
  revoke(token: string): Promise<void>;
}

/** Supplies a valid access token, refreshing it before expiry; adapters never see refresh tokens. */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  /** called when the provider rejected the token although it looked valid */
  invalidate(): void;
}
