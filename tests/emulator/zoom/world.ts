import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { WebhookResult, WebhookSender } from "../webhooks.js";

/** A Zoom user of the emulated account(s). `id` is Zoom's user id, the `host_id` of meetings they host. */
export interface ZoomUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface ZoomGrant {
  userId: string;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  /** refresh tokens rotate: the one a refresh used is dead from then on */
  refreshUsed: boolean;
  revoked: boolean;
  scopes: string[];
}

export interface ZoomCode {
  code: string;
  userId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  expiresAt: number;
  redeemed: boolean;
}

export interface ZoomMeeting {
  /** the meeting number, as in zoom.us/j/<id> */
  id: string;
  hostId: string;
  topic: string;
  startTime: string;
  durationMinutes: number;
}

export interface ZoomParticipantRecord {
  /** Zoom user id when signed in (the host's equals host_id); "" for a guest */
  zoomUserId: string;
  /** the per-meeting participant number Zoom calls user_id */
  participantNumber: string;
  name: string;
  email: string;
  joinTime: string;
  leaveTime: string | undefined;
}

/** One occurrence of a meeting: Zoom's meeting UUID. */
export interface ZoomInstance {
  uuid: string;
  meetingId: string;
  startTime: string;
  endTime: string | undefined;
  participants: ZoomParticipantRecord[];
}

/** How one webhook is delivered (the happenings Zoom's real deliveries show, on demand). */
export interface DeliveryOptions {
  /** sent twice (Zoom retries a delivery it thinks failed) */
  duplicate?: boolean;
  /** kept back until releaseHeld(): later webhooks overtake it */
  hold?: boolean;
  /** no x-zm-signature / x-zm-request-timestamp */
  unsigned?: boolean;
  /** signed with a timestamp this many seconds in the past (a replay) */
  staleSeconds?: number;
  /** signed with another secret */
  badSignature?: boolean;
}

interface PendingWebhook {
  body: string;
  options: DeliveryOptions;
}

/**
 * The emulated Zoom: users, OAuth grants, scheduled meetings, their live and past instances,
 * and the webhooks the app's event subscription receives. As Zoom documents, participant and
 * meeting webhooks fire only for meetings hosted by a user who installed the app (an unrevoked
 * grant), signed with the app's secret token.
 */
export class ZoomWorld {
  readonly users = new Map<string, ZoomUser>();
  readonly grants: ZoomGrant[] = [];
  readonly codes = new Map<string, ZoomCode>();
  readonly meetings = new Map<string, ZoomMeeting>();
  readonly instances: ZoomInstance[] = [];
  nextLogin: string | undefined;
  webhookUrl: string | undefined;
  private readonly held: PendingWebhook[] = [];
  private participantNumbers = 16_778_240;

  constructor(
    readonly app: { clientId: string; clientSecret: string; webhookSecretToken: string },
    private readonly deps: { now: () => number; webhooks: WebhookSender; timeoutMs: number; accessTokenLifetimeSeconds: number },
  ) {}

  now(): number {
    return this.deps.now();
  }

  addUser(input: { email: string; name?: string; id?: string }): ZoomUser {
    const email = input.email.toLowerCase();
    const existing = this.userByEmail(email);
    if (existing) return existing;
    const [firstName = email.split("@")[0]!, ...rest] = (input.name ?? email.split("@")[0]!).split(" ");
    const user: ZoomUser = { id: input.id ?? randomBytes(16).toString("base64url").slice(0, 22), email, firstName, lastName: rest.join(" ") };
    this.users.set(user.id, user);
    return user;
  }

  userByEmail(email: string): ZoomUser | undefined {
    return [...this.users.values()].find((user) => user.email === email.toLowerCase());
  }

  issueGrant(userId: string, scopes: string[]): ZoomGrant {
    const grant: ZoomGrant = {
      userId,
      accessToken: `eyJzm.emu-${randomBytes(24).toString("base64url")}`,
      accessExpiresAt: this.now() + this.deps.accessTokenLifetimeSeconds * 1000,
      refreshToken: `eyJzm.refresh-${randomBytes(24).toString("base64url")}`,
      refreshUsed: false,
      revoked: false,
      scopes,
    };
    this.grants.push(grant);
    return grant;
  }

  /** The user a live access token acts for. */
  userOfAccessToken(token: string | undefined): ZoomUser | undefined {
    const grant = token ? this.grants.find((g) => g.accessToken === token && !g.revoked && g.accessExpiresAt > this.now()) : undefined;
    return grant ? this.users.get(grant.userId) : undefined;
  }

  /** Revoking any token of a grant removes the app's authorization for that user (every grant). */
  revoke(token: string): boolean {
    const grant = this.grants.find((g) => g.accessToken === token || g.refreshToken === token);
    if (!grant) return false;
    for (const g of this.grants) if (g.userId === grant.userId) g.revoked = true;
    return true;
  }

  /** A user who installed the app: Zoom sends webhooks about the meetings they host. */
  installed(userId: string): boolean {
    return this.grants.some((g) => g.userId === userId && !g.revoked);
  }

  scheduleMeeting(input: { host: string; id?: string; topic?: string; start: string; durationMinutes?: number }): ZoomMeeting {
    const host = this.userByEmail(input.host) ?? this.addUser({ email: input.host });
    const meeting: ZoomMeeting = {
      id: input.id ?? String(80_000_000_000 + Math.floor(Math.random() * 9_999_999_999)),
      hostId: host.id,
      topic: input.topic ?? "Zoom meeting",
      startTime: new Date(input.start).toISOString(),
      durationMinutes: input.durationMinutes ?? 30,
    };
    this.meetings.set(meeting.id, meeting);
    return meeting;
  }

  liveInstance(meetingId: string): ZoomInstance | undefined {
    return this.instances.find((instance) => instance.meetingId === meetingId && instance.endTime === undefined);
  }

  /** The ended instances of a meeting, latest last. */
  endedInstances(meetingId: string): ZoomInstance[] {
    return this.instances.filter((instance) => instance.meetingId === meetingId && instance.endTime !== undefined);
  }

  /** Someone joins (the meeting starts if it was not running): participant_joined, and meeting.started first. */
  async join(meetingId: string, who: { email?: string; name?: string; at?: string }, options: DeliveryOptions = {}): Promise<void> {
    const meeting = this.requireMeeting(meetingId);
    const at = new Date(who.at ?? this.now()).toISOString();
    let instance = this.liveInstance(meetingId);
    if (!instance) {
      instance = { uuid: newMeetingUuid(), meetingId, startTime: at, endTime: undefined, participants: [] };
      this.instances.push(instance);
      await this.send(meeting, instance, "meeting.started", {}, options);
    }
    const user = who.email ? this.userByEmail(who.email) : undefined;
    const record: ZoomParticipantRecord = {
      zoomUserId: user?.id ?? "",
      participantNumber: String((this.participantNumbers += 1)),
      name: who.name ?? (user ? `${user.firstName} ${user.lastName}`.trim() : "Guest"),
      // Zoom leaves the email blank for guests, and often for signed-in users of other accounts.
      email: user && user.id === meeting.hostId ? user.email : "",
      joinTime: at,
      leaveTime: undefined,
    };
    instance.participants.push(record);
    await this.send(meeting, instance, "meeting.participant_joined", { participant: participantPayload(record, "joined") }, options);
  }

  async leave(meetingId: string, who: { email?: string; name?: string; at?: string }, options: DeliveryOptions = {}): Promise<void> {
    const meeting = this.requireMeeting(meetingId);
    const instance = this.liveInstance(meetingId);
    if (!instance) throw new Error(`emulator: Zoom meeting ${meetingId} is not running`);
    const user = who.email ? this.userByEmail(who.email) : undefined;
    const record = instance.participants.find((p) => p.leaveTime === undefined && (user ? p.zoomUserId === user.id : p.name === who.name));
    if (!record) throw new Error(`emulator: ${who.email ?? who.name} is not in Zoom meeting ${meetingId}`);
    record.leaveTime = new Date(who.at ?? this.now()).toISOString();
    await this.send(meeting, instance, "meeting.participant_left", { participant: participantPayload(record, "left") }, options);
  }

  /** The host ends the meeting: everyone still in it leaves, meeting.ended. */
  async end(meetingId: string, at?: string, options: DeliveryOptions = {}): Promise<void> {
    const meeting = this.requireMeeting(meetingId);
    const instance = this.liveInstance(meetingId);
    if (!instance) throw new Error(`emulator: Zoom meeting ${meetingId} is not running`);
    const when = new Date(at ?? this.now()).toISOString();
    for (const record of instance.participants) record.leaveTime ??= when;
    instance.endTime = when;
    await this.send(meeting, instance, "meeting.ended", { end_time: when }, options);
  }

  /** A whole past occurrence, written at once (no webhooks): what the participant list will say. */
  recordPastInstance(meetingId: string, input: { uuid?: string; start: string; end: string; participants: Array<{ email?: string; name?: string; joinTime: string; leaveTime?: string }> }): ZoomInstance {
    const meeting = this.requireMeeting(meetingId);
    const instance: ZoomInstance = {
      uuid: input.uuid ?? newMeetingUuid(),
      meetingId,
      startTime: new Date(input.start).toISOString(),
      endTime: new Date(input.end).toISOString(),
      participants: input.participants.map((p) => {
        const user = p.email ? this.userByEmail(p.email) : undefined;
        return {
          zoomUserId: user?.id ?? "",
          participantNumber: String((this.participantNumbers += 1)),
          name: p.name ?? (user ? `${user.firstName} ${user.lastName}`.trim() : "Guest"),
          email: user && user.id === meeting.hostId ? user.email : "",
          joinTime: new Date(p.joinTime).toISOString(),
          leaveTime: new Date(p.leaveTime ?? input.end).toISOString(),
        };
      }),
    };
    this.instances.push(instance);
    return instance;
  }

  /** Sends the webhooks held back, in the order asked (reverse: the newest first). */
  async releaseHeld(order: "sent" | "reverse" = "sent"): Promise<WebhookResult[]> {
    const batch = this.held.splice(0);
    if (order === "reverse") batch.reverse();
    const results: WebhookResult[] = [];
    for (const pending of batch) results.push(...(await this.deliver(pending.body, pending.options)));
    return results;
  }

  /** Zoom's endpoint check: a plainToken to hash with the secret token. Says whether the answer was right. */
  async validateEndpoint(): Promise<{ status: number | undefined; valid: boolean; body: string }> {
    const plainToken = randomBytes(16).toString("base64url");
    const body = JSON.stringify({ payload: { plainToken }, event_ts: this.now(), event: "endpoint.url_validation" });
    const [result] = await this.deliver(body, {});
    const expected = createHmac("sha256", this.app.webhookSecretToken).update(plainToken).digest("hex");
    let answer: { plainToken?: unknown; encryptedToken?: unknown } = {};
    try {
      answer = JSON.parse(result?.body ?? "{}") as typeof answer;
    } catch {
      // not JSON: not valid
    }
    return { status: result?.status, valid: result?.status === 200 && answer.plainToken === plainToken && answer.encryptedToken === expected, body: result?.body ?? "" };
  }

  /** Sends any body as a webhook with the given signing options (tests of the endpoint's refusals). */
  async sendRaw(body: string, options: DeliveryOptions = {}): Promise<WebhookResult[]> {
    return this.deliver(body, options);
  }

  private requireMeeting(meetingId: string): ZoomMeeting {
    const meeting = this.meetings.get(meetingId);
    if (!meeting) throw new Error(`emulator: no Zoom meeting ${meetingId}`);
    return meeting;
  }

  private async send(meeting: ZoomMeeting, instance: ZoomInstance, event: string, extra: Record<string, unknown>, options: DeliveryOptions): Promise<void> {
    // Zoom's rule: webhooks only for meetings hosted on an account that installed the app.
    if (!this.installed(meeting.hostId) || !this.webhookUrl) return;
    const body = JSON.stringify({
      event,
      payload: {
        account_id: "emu-account-1",
        object: {
          uuid: instance.uuid,
          id: meeting.id,
          host_id: meeting.hostId,
          topic: meeting.topic,
          type: 2,
          start_time: instance.startTime,
          timezone: "UTC",
          duration: meeting.durationMinutes,
          ...extra,
        },
      },
      event_ts: this.now(),
    });
    if (options.hold) {
      this.held.push({ body, options: { ...options, hold: false } });
      return;
    }
    await this.deliver(body, options);
  }

  private async deliver(body: string, options: DeliveryOptions): Promise<WebhookResult[]> {
    if (!this.webhookUrl) throw new Error("emulator: no Zoom webhook endpoint set (setWebhookEndpoint)");
    const timestamp = String(Math.floor(this.now() / 1000) - (options.staleSeconds ?? 0));
    const secret = options.badSignature ? `${this.app.webhookSecretToken}-wrong` : this.app.webhookSecretToken;
    const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Zoom Marketplace/1.0a",
      ...(options.unsigned ? {} : { "x-zm-signature": signature, "x-zm-request-timestamp": timestamp }),
    };
    const results: WebhookResult[] = [];
    for (let copy = 0; copy < (options.duplicate ? 2 : 1); copy += 1) {
      const result = await this.deps.webhooks.post(this.webhookUrl, headers, body, this.deps.timeoutMs);
      if (result) results.push(result);
    }
    return results;
  }
}

function participantPayload(record: ZoomParticipantRecord, kind: "joined" | "left"): Record<string, unknown> {
  return {
    user_id: record.participantNumber,
    user_name: record.name,
    id: record.zoomUserId,
    participant_uuid: randomUUID().toUpperCase(),
    email: record.email,
    join_time: record.joinTime,
    ...(kind === "left" ? { leave_time: record.leaveTime, leave_reason: "left the meeting" } : {}),
  };
}

/**
 * Zoom meeting UUIDs are 16 random bytes in base64: they can begin with "/" or hold "//", which is
 * why the API asks for them double-encoded in paths. One in four here starts with "/" so that the
 * rule is exercised.
 */
function newMeetingUuid(): string {
  const uuid = randomBytes(16).toString("base64");
  return Math.random() < 0.25 ? `/${uuid.slice(1)}` : uuid;
}
