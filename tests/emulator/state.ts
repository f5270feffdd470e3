import { googleEventId, googleNumericId, guid, opaqueId } from "./ids.js";

export type Provider = "google" | "microsoft";

export interface Account {
  id: string;
  provider: Provider;
  email: string;
  name: string;
  /** Microsoft only: the directory (tenant) the account lives in; PERSONAL_TENANT_ID for a personal account. */
  tenantId: string;
  /** Google: the Calendar "timezone" setting (IANA). Microsoft: mailboxSettings.timeZone (Windows or IANA name). */
  timeZone: string;
}

/** The tenant every personal Microsoft account (outlook.com, hotmail.com) signs in from. */
export const PERSONAL_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
/** The emulator's one work-or-school directory ("Contoso"); a made-up id. */
export const WORK_TENANT_ID = "3c2c8b4e-6f0a-4d55-9a8e-0f6d1b7a2e10";

/** A Teams presence as set by a test; `from`/`until` (emulator epoch ms) bound a scheduled one. */
export interface PresenceEntry {
  availability: string;
  activity: string;
  from: number | undefined;
  until: number | undefined;
}

export interface OAuthClient {
  provider: Provider;
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs; empty means "accept any", convenient while PUBLIC_URL varies. */
  redirectUris: string[];
}

export interface AuthorizationCode {
  code: string;
  provider: Provider;
  clientId: string;
  redirectUri: string;
  accountId: string;
  scopes: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  nonce: string | undefined;
  offline: boolean;
  expiresAt: number;
  redeemed: boolean;
}

export interface AccessToken {
  token: string;
  provider: Provider;
  clientId: string;
  accountId: string;
  scopes: string[];
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  provider: Provider;
  clientId: string;
  accountId: string;
  scopes: string[];
  revoked: boolean;
  expiresAt: number;
}

/** A timed instant with the zone it was written in (IANA or Windows name), or an all-day date. */
export type EventTime =
  | { kind: "timed"; utc: string; timeZone: string }
  | { kind: "date"; date: string };

export type ResponseStatus = "needsAction" | "accepted" | "declined" | "tentative";

export interface Attendee {
  email: string;
  name: string;
  response: ResponseStatus;
  optional: boolean;
}

export interface StoredEvent {
  id: string;
  ownerId: string;
  iCalUID: string;
  status: "confirmed" | "tentative" | "cancelled";
  /** Removed from the calendar (Google: cancelled in sync results; Graph: @removed). */
  deleted: boolean;
  summary: string;
  description: string;
  location: string;
  start: EventTime;
  end: EventTime;
  organizer: { email: string; name: string };
  attendees: Attendee[];
  transparency: "opaque" | "transparent";
  meetCode: string | undefined;
  teamsJoinUrl: string | undefined;
  /** RFC 5545 lines as Google represents them: RRULE:..., EXDATE...:... */
  recurrence: string[] | undefined;
  recurringEventId: string | undefined;
  originalStart: EventTime | undefined;
  privateProperties: Record<string, string>;
  extendedProperties: { id: string; value: string }[];
  createdAt: number;
  updatedAt: number;
  sequence: number;
  changeSeq: number;
}

export interface WatchChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  token: string | undefined;
  address: string;
  expiration: number;
  accountId: string;
  messageNumber: number;
  stopped: boolean;
}

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | undefined;
  clientState: string | undefined;
  expirationDateTime: string;
  accountId: string;
  clientId: string;
  deleted: boolean;
}

export interface ConferenceParticipant {
  id: string;
  kind: "signedin" | "anonymous" | "phone";
  /** Google account id for signed-in users (rendered as users/{id}). */
  userId: string | undefined;
  displayName: string;
  earliestStartTime: string;
  latestEndTime: string | undefined;
}

export interface ConferenceRecord {
  id: string;
  spaceId: string;
  meetingCode: string;
  ownerId: string;
  startTime: string;
  endTime: string | undefined;
  /** Records only become readable after the provider's processing lag. */
  visibleAt: number;
  participants: ConferenceParticipant[];
}

export interface AttendanceRecord {
  id: string;
  emailAddress: string;
  displayName: string;
  role: "Organizer" | "Presenter" | "Attendee";
  identityId: string;
  joinDateTime: string;
  leaveDateTime: string;
}

export interface AttendanceReport {
  id: string;
  meetingStartDateTime: string;
  meetingEndDateTime: string;
  visibleAt: number;
  records: AttendanceRecord[];
}

export interface OnlineMeeting {
  id: string;
  joinWebUrl: string;
  organizerId: string;
  subject: string;
  startDateTime: string;
  endDateTime: string;
  reports: AttendanceReport[];
}

export interface SentMail {
  provider: Provider;
  accountEmail: string;
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  messageId: string | undefined;
  body: string;
  raw: string | undefined;
  saveToSentItems: boolean;
  sentAt: string;
  /** Exchange: wall-clock ms from which the Sent Items copy can be listed (saved after transport) */
  inSentItemsFrom?: number;
}

export type EventChange = "created" | "updated" | "deleted";
export type EventListener = (account: Account, event: StoredEvent, change: EventChange) => void;

export interface ClientConfig {
  google: { clientId: string; clientSecret: string; redirectUris: string[] };
  microsoft: { clientId: string; clientSecret: string; redirectUris: string[] };
}

/** The in-memory provider world: every emulated surface reads and writes only this. */
export class EmulatorState {
  readonly accounts = new Map<string, Account>();
  readonly clients = new Map<string, OAuthClient>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly events = new Map<string, StoredEvent>();
  readonly channels = new Map<string, WatchChannel>();
  readonly subscriptions = new Map<string, GraphSubscription>();
  readonly conferences = new Map<string, ConferenceRecord>();
  readonly onlineMeetings = new Map<string, OnlineMeeting>();
  readonly sentMail: SentMail[] = [];
  /** Gmail puts a Message-ID of its own on what it sends, the sender's kept nowhere but its own headers (a what-if). */
  gmailRewritesMessageId = false;
  /** How long after sendMail's 202 Exchange's Sent Items copy appears (transport, then the save): 0 by default. */
  sentItemsDelayMs = 0;
  /** Microsoft accounts' presence, by account id: the latest matching entry wins. */
  readonly presence = new Map<string, PresenceEntry[]>();
  /** Who "logs in" at the next authorize request, per provider; "deny" answers access_denied. */
  readonly nextLogin = new Map<Provider, string | "deny">();
  /** Bumped to invalidate every sync/delta token issued earlier for an account. */
  readonly syncGeneration = new Map<string, number>();
  private changeCounter = 0;
  private timeOffsetMs = 0;
  private readonly listeners: EventListener[] = [];

  constructor(
    private readonly baseNow: () => number,
    config: ClientConfig,
  ) {
    this.clients.set(config.google.clientId, { provider: "google", ...config.google });
    this.clients.set(config.microsoft.clientId, { provider: "microsoft", ...config.microsoft });
  }

  now(): number {
    return this.baseNow() + this.timeOffsetMs;
  }

  advanceTime(ms: number): void {
    this.timeOffsetMs += ms;
  }

  addAccount(input: { provider: Provider; email: string; name?: string | undefined; id?: string | undefined; tenantId?: string | undefined; timeZone?: string | undefined }): Account {
    const existing = this.findAccount(input.provider, input.email);
    if (existing) return existing;
    const account: Account = {
      id: input.id ?? (input.provider === "google" ? googleNumericId() : guid()),
      provider: input.provider,
      email: input.email.toLowerCase(),
      name: input.name ?? input.email.split("@")[0] ?? input.email,
      // A work account unless told otherwise: presence and Teams artifacts exist only there.
      tenantId: input.tenantId ?? WORK_TENANT_ID,
      // Outlook's default format is a Windows name, so the Microsoft default exercises the mapping.
      timeZone: input.timeZone ?? (input.provider === "google" ? "UTC" : "Pacific Standard Time"),
    };
    this.accounts.set(account.id, account);
    return account;
  }

  findAccount(provider: Provider, email: string): Account | undefined {
    const wanted = email.toLowerCase();
    for (const account of this.accounts.values()) {
      if (account.provider === provider && account.email === wanted) return account;
    }
    return undefined;
  }

  requireAccount(provider: Provider, email: string): Account {
    const account = this.findAccount(provider, email);
    if (!account) throw new Error(`emulator: no ${provider} account ${email}`);
    return account;
  }

  issueAccessToken(grant: Omit<AccessToken, "token" | "expiresAt">, lifetimeSeconds: number): AccessToken {
    const token: AccessToken = { ...grant, token: opaqueId(grant.provider === "google" ? "ya29.emu-" : "EwB-emu-", 24), expiresAt: this.now() + lifetimeSeconds * 1000 };
    this.accessTokens.set(token.token, token);
    return token;
  }

  issueRefreshToken(grant: Omit<RefreshToken, "token" | "revoked" | "expiresAt">, lifetimeSeconds: number): RefreshToken {
    const token: RefreshToken = { ...grant, token: opaqueId(grant.provider === "google" ? "1//emu-" : "M.C5-emu-", 32), revoked: false, expiresAt: this.now() + lifetimeSeconds * 1000 };
    this.refreshTokens.set(token.token, token);
    return token;
  }

  /** Returns the live access token, or undefined when unknown, expired or of the other provider. */
  validAccessToken(provider: Provider, bearer: string | undefined): AccessToken | undefined {
    if (!bearer) return undefined;
    const token = this.accessTokens.get(bearer);
    if (!token || token.provider !== provider || token.expiresAt <= this.now()) return undefined;
    return token;
  }

  expireAccessTokens(accountId?: string): number {
    let count = 0;
    for (const token of this.accessTokens.values()) {
      if (accountId === undefined || token.accountId === accountId) {
        token.expiresAt = this.now() - 1;
        count += 1;
      }
    }
    return count;
  }

  revokeRefreshTokens(accountId?: string): number {
    let count = 0;
    for (const token of this.refreshTokens.values()) {
      if (accountId === undefined || token.accountId === accountId) {
        token.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** The presence Graph reports now: the latest entry whose window holds the clock, else "Available". */
  presenceOf(accountId: string): { availability: string; activity: string } {
    const now = this.now();
    const entries = this.presence.get(accountId) ?? [];
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const entry = entries[index]!;
      if ((entry.from === undefined || entry.from <= now) && (entry.until === undefined || now < entry.until)) return { availability: entry.availability, activity: entry.activity };
    }
    return { availability: "Available", activity: "Available" };
  }

  /** An unscheduled presence replaces the standing one; scheduled ones stack on top until they end. */
  setPresence(accountId: string, entry: PresenceEntry): void {
    const scheduled = entry.from !== undefined || entry.until !== undefined;
    const kept = (this.presence.get(accountId) ?? []).filter((e) => scheduled || e.from !== undefined || e.until !== undefined);
    this.presence.set(accountId, scheduled ? [...kept, entry] : [entry, ...kept]);
  }

  nextChangeSeq(): number {
    this.changeCounter += 1;
    return this.changeCounter;
  }

  currentChangeSeq(): number {
    return this.changeCounter;
  }

  generationOf(accountId: string): number {
    return this.syncGeneration.get(accountId) ?? 0;
  }

  invalidateSyncTokens(accountId: string): void {
    this.syncGeneration.set(accountId, this.generationOf(accountId) + 1);
  }

  newEventId(provider: Provider): string {
    return provider === "google" ? googleEventId() : opaqueId("AAMkAGI2", 33);
  }

  eventsOf(accountId: string): StoredEvent[] {
    return [...this.events.values()].filter((event) => event.ownerId === accountId);
  }

  /** Stores a created or changed event, stamps it and tells push-notification surfaces. */
  saveEvent(event: StoredEvent, change: EventChange): StoredEvent {
    event.changeSeq = this.nextChangeSeq();
    event.updatedAt = this.now();
    if (change !== "created") event.sequence += 1;
    if (change === "deleted") event.deleted = true;
    this.events.set(event.id, event);
    const account = this.accounts.get(event.ownerId);
    if (account) for (const listener of this.listeners) listener(account, event, change);
    return event;
  }

  onEventChange(listener: EventListener): void {
    this.listeners.push(listener);
  }
}
