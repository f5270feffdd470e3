import { DateTime } from "luxon";
import { z } from "zod";
import type { EmulatorContext } from "./context.js";
import { createEvent, createTeamsMeeting, deleteEvent, materialiseOccurrence, resolveEvent, updateEvent, type EventFields } from "./events.js";
import type { FaultInput } from "./faults.js";
import { sendChannelMessage, type ResourceState } from "./google/watch.js";
import { guid, meetCode, opaqueId } from "./ids.js";
import { calendarsOf, type GraphCalendar } from "./microsoft/calendars.js";
import { sendLifecycleNotification, type LifecycleEvent } from "./microsoft/subscriptions.js";
import type { LoggedRequest } from "./request-log.js";
import type { Account, EventTime, GraphSubscription, Provider, SentMail, StoredEvent, WatchChannel } from "./state.js";
import type { WebhookDelivery } from "./webhooks.js";
import { toIanaZone } from "./windows-zones.js";
import type { ZoomControl } from "./zoom/control.js";

const providerSchema = z.enum(["google", "microsoft"]);
const responseSchema = z.enum(["needsAction", "accepted", "declined", "tentative"]);

export const userInputSchema = z.object({
  provider: providerSchema, email: z.string().email(), name: z.string().optional(), id: z.string().optional(),
  /** Microsoft: PERSONAL_TENANT_ID makes a personal account (no presence); default: the work tenant. */
  tenantId: z.string().optional(),
  /** Google: IANA (default "UTC"); Microsoft: Windows or IANA name (default "Pacific Standard Time"). */
  timeZone: z.string().optional(),
});

export const presenceInputSchema = z.object({ availability: z.string().min(1), activity: z.string().min(1) });
export type PresenceInput = z.input<typeof presenceInputSchema>;
/** When a scheduled presence holds, in the emulator's clock (ISO instants); either end may be open. */
export const presenceWindowSchema = z.object({ from: z.string().optional(), until: z.string().optional() });
export type PresenceWindow = z.input<typeof presenceWindowSchema>;

/** A calendar event as tests describe it; `start`/`end` are ISO instants, or dates when allDay. */
export const eventInputSchema = z.object({
  id: z.string().optional(),
  summary: z.string().default("Meeting"),
  description: z.string().optional(),
  location: z.string().optional(),
  start: z.string(),
  end: z.string(),
  allDay: z.boolean().default(false),
  /** IANA or Windows zone name the event is written in (Outlook shows Windows names). */
  timeZone: z.string().default("UTC"),
  organizer: z.object({ email: z.string(), name: z.string().default("") }).optional(),
  attendees: z.array(z.object({ email: z.string(), name: z.string().default(""), response: responseSchema.default("needsAction"), optional: z.boolean().default(false) })).default([]),
  transparency: z.enum(["opaque", "transparent"]).default("opaque"),
  status: z.enum(["confirmed", "tentative", "cancelled"]).default("confirmed"),
  /** true = generate a Meet code; a string = use that code. */
  meet: z.union([z.boolean(), z.string()]).optional(),
  /** true = create a Teams online meeting organised by `organizer` (or the owner). */
  teams: z.boolean().optional(),
  /** RFC 5545 lines: RRULE:..., EXDATE;TZID=...:... */
  recurrence: z.array(z.string()).optional(),
  privateProperties: z.record(z.string(), z.string()).optional(),
});
export type EventInput = z.input<typeof eventInputSchema>;
export const eventPatchSchema = eventInputSchema.partial().extend({ attendees: eventInputSchema.shape.attendees.optional() });
export type EventPatch = z.input<typeof eventPatchSchema>;

export const conferenceInputSchema = z.object({
  owner: z.string(),
  meetingCode: z.string(),
  startTime: z.string(),
  endTime: z.string().optional(),
  /** Overrides the emulator's meetRecordLagMs for this record. */
  lagMs: z.number().int().nonnegative().optional(),
  participants: z.array(z.object({
    /** A Google account of the emulator (signed-in user) ... */
    email: z.string().optional(),
    /** ... or a display name for anonymous/phone participants. */
    displayName: z.string().optional(),
    kind: z.enum(["signedin", "anonymous", "phone"]).default("signedin"),
    joinTime: z.string(),
    leaveTime: z.string().optional(),
  })).default([]),
});
export type ConferenceInput = z.input<typeof conferenceInputSchema>;

export const attendanceInputSchema = z.object({
  organizer: z.string(),
  joinWebUrl: z.string(),
  meetingStart: z.string(),
  meetingEnd: z.string(),
  lagMs: z.number().int().nonnegative().optional(),
  records: z.array(z.object({ email: z.string(), name: z.string().default(""), role: z.enum(["Organizer", "Presenter", "Attendee"]).default("Attendee"), joinTime: z.string(), leaveTime: z.string() })).default([]),
});
export type AttendanceInput = z.input<typeof attendanceInputSchema>;

const iso = (value: string): string => new Date(value).toISOString();

function eventTime(value: string, allDay: boolean, zone: string): EventTime {
  if (allDay) return { kind: "date", date: value.slice(0, 10) };
  const instant = DateTime.fromISO(value, { zone: toIanaZone(zone) });
  if (!instant.isValid) throw new Error(`emulator: invalid time ${value}`);
  return { kind: "timed", utc: instant.toUTC().toISO()!, timeZone: zone };
}

/** The JS control handle; every method also has an HTTP route under /_emulator (see control-routes.ts). */
export class EmulatorControl {
  /** the Zoom part (users, meetings, joins that send signed webhooks): set by startEmulator */
  zoom!: ZoomControl;

  constructor(private readonly ctx: EmulatorContext) {}

  private account(email: string, provider?: Provider): Account {
    const matches = [...this.ctx.state.accounts.values()].filter((a) => a.email === email.toLowerCase() && (!provider || a.provider === provider));
    if (matches.length !== 1) throw new Error(matches.length === 0 ? `emulator: no account ${email}` : `emulator: ${email} exists for both providers; pass provider`);
    return matches[0]!;
  }

  addUser(input: z.input<typeof userInputSchema>): Account {
    return this.ctx.state.addAccount(userInputSchema.parse(input));
  }

  /**
   * The Teams presence Graph reports for a Microsoft account. Without a window it replaces the
   * standing presence (default Available/Available); with `{ from, until }` it holds only while
   * the emulator clock is inside, over the standing one, so tests can advance time through it.
   */
  setPresence(email: string, value: PresenceInput, window: PresenceWindow = {}): void {
    const presence = presenceInputSchema.parse(value);
    const { from, until } = presenceWindowSchema.parse(window);
    this.ctx.state.setPresence(this.account(email, "microsoft").id, { ...presence, from: from === undefined ? undefined : Date.parse(from), until: until === undefined ? undefined : Date.parse(until) });
  }

  /** The account's own zone: Google's "timezone" setting, Graph's mailboxSettings.timeZone. */
  setTimeZone(email: string, timeZone: string, provider?: Provider): void {
    this.account(email, provider).timeZone = timeZone;
  }

  /** The account that "logs in" at the next authorize request of that provider (created if new). */
  setNextLogin(provider: Provider, email: string): void {
    this.ctx.state.nextLogin.set(provider, email);
  }

  /** The next authorize request of that provider redirects with error=access_denied. */
  denyNextLogin(provider: Provider): void {
    this.ctx.state.nextLogin.set(provider, "deny");
  }

  expireAccessTokens(email?: string, provider?: Provider): number {
    return this.ctx.state.expireAccessTokens(email ? this.account(email, provider).id : undefined);
  }

  /** Later refreshes answer invalid_grant. */
  revokeRefreshTokens(email?: string, provider?: Provider): number {
    return this.ctx.state.revokeRefreshTokens(email ? this.account(email, provider).id : undefined);
  }

  /** Google sync tokens and Graph delta tokens issued so far answer 410. */
  invalidateSyncTokens(email: string, provider?: Provider): void {
    this.ctx.state.invalidateSyncTokens(this.account(email, provider).id);
  }

  advanceTime(ms: number): void {
    this.ctx.state.advanceTime(ms);
  }

  now(): number {
    return this.ctx.state.now();
  }

  private fields(input: z.output<typeof eventInputSchema>, owner: Account): EventFields {
    const start = eventTime(input.start, input.allDay, input.timeZone);
    const end = eventTime(input.end, input.allDay, input.timeZone);
    const organizer = input.organizer ?? { email: owner.email, name: owner.name };
    const teamsOrganizer = this.ctx.state.findAccount("microsoft", organizer.email) ?? owner;
    return {
      id: input.id, summary: input.summary, description: input.description, location: input.location, start, end,
      organizer: { email: organizer.email.toLowerCase(), name: organizer.name },
      attendees: input.attendees.map((a) => ({ ...a, email: a.email.toLowerCase() })),
      transparency: input.transparency, status: input.status, recurrence: input.recurrence, privateProperties: input.privateProperties,
      meetCode: input.meet === true ? meetCode() : typeof input.meet === "string" ? input.meet : undefined,
      teamsJoinUrl: input.teams ? createTeamsMeeting(this.ctx.state, teamsOrganizer, input.summary, start, end) : undefined,
    };
  }

  /** A Microsoft account's calendars; the first is the default one, which holds every event. */
  graphCalendars(email: string): GraphCalendar[] {
    return calendarsOf(this.account(email, "microsoft"));
  }

  createEvent(ownerEmail: string, input: EventInput, provider?: Provider): StoredEvent {
    const owner = this.account(ownerEmail, provider);
    return createEvent(this.ctx.state, owner.provider, owner, this.fields(eventInputSchema.parse(input), owner));
  }

  private stored(ownerEmail: string, eventId: string, provider?: Provider): { owner: Account; event: StoredEvent } {
    const owner = this.account(ownerEmail, provider);
    const resolved = resolveEvent(this.ctx.state, owner.provider, owner.id, eventId);
    if (!resolved) throw new Error(`emulator: no event ${eventId} for ${ownerEmail}`);
    const event = resolved.kind === "stored" ? resolved.event : materialiseOccurrence(this.ctx.state, owner.provider, resolved.master, resolved.original);
    return { owner, event };
  }

  updateEvent(ownerEmail: string, eventId: string, patch: EventPatch, provider?: Provider): StoredEvent {
    const { owner, event } = this.stored(ownerEmail, eventId, provider);
    // Only the keys the caller passed: the schema's defaults must not overwrite stored values.
    const parsedWithDefaults = eventPatchSchema.parse(patch);
    const parsed = Object.fromEntries(Object.entries(parsedWithDefaults).filter(([key]) => key in patch)) as typeof parsedWithDefaults;
    const allDay = parsed.allDay ?? event.start.kind === "date";
    const zone = parsed.timeZone ?? (event.start.kind === "timed" ? event.start.timeZone : "UTC");
    const changes: Partial<EventFields> = {
      summary: parsed.summary, description: parsed.description, location: parsed.location, transparency: parsed.transparency, status: parsed.status,
      recurrence: parsed.recurrence, privateProperties: parsed.privateProperties,
      start: parsed.start ? eventTime(parsed.start, allDay, zone) : undefined,
      end: parsed.end ? eventTime(parsed.end, allDay, zone) : undefined,
      attendees: parsed.attendees?.map((a) => ({ ...a, email: a.email.toLowerCase() })),
      organizer: parsed.organizer ? { email: parsed.organizer.email.toLowerCase(), name: parsed.organizer.name } : undefined,
      meetCode: parsed.meet === true ? meetCode() : typeof parsed.meet === "string" ? parsed.meet : undefined,
    };
    if (parsed.teams && !event.teamsJoinUrl) changes.teamsJoinUrl = createTeamsMeeting(this.ctx.state, owner, event.summary, changes.start ?? event.start, changes.end ?? event.end);
    return updateEvent(this.ctx.state, event, changes);
  }

  /** Removes the event from the calendar (Google: cancelled in sync; Graph: @removed in delta). */
  deleteEvent(ownerEmail: string, eventId: string, provider?: Provider): void {
    const { event } = this.stored(ownerEmail, eventId, provider);
    deleteEvent(this.ctx.state, event);
  }

  /** The organiser cancelled the meeting: Google status "cancelled", Graph isCancelled=true. */
  cancelEvent(ownerEmail: string, eventId: string, provider?: Provider): StoredEvent {
    const { event } = this.stored(ownerEmail, eventId, provider);
    return updateEvent(this.ctx.state, event, { status: "cancelled" });
  }

  /** One attendee's answer changes (e.g. the user declines). */
  setResponse(ownerEmail: string, eventId: string, attendeeEmail: string, response: z.infer<typeof responseSchema>, provider?: Provider): StoredEvent {
    const { event } = this.stored(ownerEmail, eventId, provider);
    const attendees = event.attendees.map((a) => (a.email === attendeeEmail.toLowerCase() ? { ...a, response } : a));
    return updateEvent(this.ctx.state, event, { attendees });
  }

  private occurrence(ownerEmail: string, seriesId: string, originalStart: string, provider?: Provider): { owner: Account; master: StoredEvent; original: DateTime } {
    const owner = this.account(ownerEmail, provider);
    const master = this.ctx.state.events.get(seriesId);
    if (!master?.recurrence || master.ownerId !== owner.id) throw new Error(`emulator: ${seriesId} is not a series of ${ownerEmail}`);
    return { owner, master, original: DateTime.fromISO(originalStart) };
  }

  /** Cancels one occurrence the way the providers store it: a cancelled (Google) or deleted (Graph) exception. */
  cancelOccurrence(ownerEmail: string, seriesId: string, originalStart: string, provider?: Provider): StoredEvent {
    const { owner, master, original } = this.occurrence(ownerEmail, seriesId, originalStart, provider);
    const exception = materialiseOccurrence(this.ctx.state, owner.provider, master, original);
    if (owner.provider === "microsoft") {
      deleteEvent(this.ctx.state, exception);
      return exception;
    }
    return updateEvent(this.ctx.state, exception, { status: "cancelled" });
  }

  /** Moves or edits one occurrence, producing an exception instance. */
  moveOccurrence(ownerEmail: string, seriesId: string, originalStart: string, patch: EventPatch, provider?: Provider): StoredEvent {
    const { owner, master, original } = this.occurrence(ownerEmail, seriesId, originalStart, provider);
    const exception = materialiseOccurrence(this.ctx.state, owner.provider, master, original);
    return this.updateEvent(ownerEmail, exception.id, patch, owner.provider);
  }

  /** Adds an EXDATE line to the series (the occurrence simply no longer exists). */
  addExdate(ownerEmail: string, seriesId: string, originalStart: string, provider?: Provider): StoredEvent {
    const { master, original } = this.occurrence(ownerEmail, seriesId, originalStart, provider);
    const line = `EXDATE:${original.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
    return updateEvent(this.ctx.state, master, { recurrence: [...(master.recurrence ?? []), line] });
  }

  addFault(input: FaultInput): void {
    this.ctx.faults.add(input);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /** What-if: Gmail replaces the Message-ID of what it sends with one of its own. */
  setGmailRewritesMessageId(rewrites: boolean): void {
    this.ctx.state.gmailRewritesMessageId = rewrites;
  }

  /** Exchange saves the Sent Items copy after transport: make it appear `ms` after sendMail answered 202. */
  setSentItemsDelay(ms: number): void {
    this.ctx.state.sentItemsDelayMs = ms;
  }

  sentMail(): SentMail[] {
    return [...this.ctx.state.sentMail];
  }

  clearSentMail(): void {
    this.ctx.state.sentMail.length = 0;
  }

  requests(filter?: { method?: string; pathPrefix?: string }): LoggedRequest[] {
    return this.ctx.log.list(filter);
  }

  clearRequests(): void {
    this.ctx.log.clear();
  }

  /** A Meet conference with participants; readable after the lag, by the owner and signed-in participants. */
  addConferenceRecord(input: ConferenceInput): { name: string } {
    const parsed = conferenceInputSchema.parse(input);
    const owner = this.account(parsed.owner, "google");
    const visibleFrom = Date.parse(parsed.endTime ?? parsed.startTime);
    const id = guid();
    this.ctx.state.conferences.set(id, {
      id, spaceId: opaqueId("", 9), meetingCode: parsed.meetingCode, ownerId: owner.id, startTime: iso(parsed.startTime), endTime: parsed.endTime ? iso(parsed.endTime) : undefined,
      visibleAt: visibleFrom + (parsed.lagMs ?? this.ctx.settings.meetRecordLagMs),
      participants: parsed.participants.map((p) => {
        const user = p.email ? this.ctx.state.findAccount("google", p.email) : undefined;
        if (p.kind === "signedin" && !user) throw new Error(`emulator: signed-in participant ${p.email ?? "?"} is not a Google account of the emulator`);
        return { id: opaqueId("", 12), kind: p.kind, userId: user?.id, displayName: p.displayName ?? user?.name ?? "Anonymous", earliestStartTime: iso(p.joinTime), latestEndTime: p.leaveTime ? iso(p.leaveTime) : undefined };
      }),
    });
    return { name: `conferenceRecords/${id}` };
  }

  private conference(name: string) {
    const record = this.ctx.state.conferences.get(name.replace(/^conferenceRecords\//, ""));
    if (!record) throw new Error(`emulator: no conference record ${name}`);
    return record;
  }

  /** A participant of a live conference leaves (latestEndTime set), at `at` or the emulator's now. */
  leaveConference(name: string, email: string, at?: string): void {
    const user = this.ctx.state.requireAccount("google", email);
    const participant = this.conference(name).participants.find((p) => p.userId === user.id);
    if (!participant) throw new Error(`emulator: ${email} is not a participant of ${name}`);
    participant.latestEndTime = iso(at ?? new Date(this.ctx.state.now()).toISOString());
  }

  /** The conference ends (endTime set); everyone still in it leaves then, as Meet records it. */
  endConference(name: string, at?: string): void {
    const record = this.conference(name);
    const endTime = iso(at ?? new Date(this.ctx.state.now()).toISOString());
    record.endTime = endTime;
    for (const participant of record.participants) participant.latestEndTime ??= endTime;
  }

  /** A Teams attendance report for the online meeting behind joinWebUrl; readable after the lag, by the organiser. */
  addTeamsAttendance(input: AttendanceInput): { meetingId: string; reportId: string } {
    const parsed = attendanceInputSchema.parse(input);
    const organizer = this.account(parsed.organizer, "microsoft");
    let meeting = [...this.ctx.state.onlineMeetings.values()].find((m) => m.joinWebUrl === parsed.joinWebUrl);
    if (!meeting) {
      const id = Buffer.from(`1*${organizer.id}*0**${opaqueId()}`).toString("base64url");
      meeting = { id, joinWebUrl: parsed.joinWebUrl, organizerId: organizer.id, subject: "", startDateTime: iso(parsed.meetingStart), endDateTime: iso(parsed.meetingEnd), reports: [] };
      this.ctx.state.onlineMeetings.set(id, meeting);
    }
    const reportId = guid();
    meeting.reports.push({
      id: reportId, meetingStartDateTime: iso(parsed.meetingStart), meetingEndDateTime: iso(parsed.meetingEnd),
      visibleAt: Date.parse(parsed.meetingEnd) + (parsed.lagMs ?? this.ctx.settings.teamsReportLagMs),
      records: parsed.records.map((r) => ({
        id: guid(), emailAddress: r.email.toLowerCase(), displayName: r.name || r.email, role: r.role,
        identityId: this.ctx.state.findAccount("microsoft", r.email)?.id ?? guid(), joinDateTime: iso(r.joinTime), leaveDateTime: iso(r.leaveTime),
      })),
    });
    return { meetingId: meeting.id, reportId };
  }

  channels(): WatchChannel[] {
    return [...this.ctx.state.channels.values()];
  }

  subscriptions(): GraphSubscription[] {
    return [...this.ctx.state.subscriptions.values()];
  }

  /** A forged or duplicated push message on a watch channel (messageNumber repeats a previous one when given). */
  sendGoogleNotification(channelId: string, options: { state?: ResourceState; messageNumber?: number } = {}): void {
    const channel = [...this.ctx.state.channels.values()].find((c) => c.id === channelId);
    if (!channel) throw new Error(`emulator: no channel ${channelId}`);
    sendChannelMessage(this.ctx, channel, options.state ?? "exists", options.messageNumber);
  }

  sendGraphLifecycleNotification(subscriptionId: string, lifecycleEvent: LifecycleEvent): void {
    const subscription = this.ctx.state.subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`emulator: no subscription ${subscriptionId}`);
    sendLifecycleNotification(this.ctx, subscription, lifecycleEvent);
  }

  webhookDeliveries(): WebhookDelivery[] {
    return [...this.ctx.webhooks.deliveries];
  }

  /** Re-sends an earlier webhook delivery byte for byte (the providers may deliver twice). */
  replayWebhook(index = -1): void {
    const deliveries = this.ctx.webhooks.deliveries;
    const delivery = deliveries.at(index);
    if (!delivery) throw new Error("emulator: no such webhook delivery");
    this.ctx.webhooks.postInBackground(delivery.url, delivery.headers, delivery.body, this.ctx.settings.webhookTimeoutMs);
  }

  /** Waits until every push notification sent so far has been delivered (or has failed). */
  settleWebhooks(): Promise<void> {
    return this.ctx.webhooks.settle();
  }
}
