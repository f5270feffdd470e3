import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertActionLinks } from "../../src/alerts/action-links.js";
import { deliverAlertTask, queueAlertDeliveriesPerSettings } from "../../src/alerts/delivery/deliver-alert-task.js";
import type { Mailer } from "../../src/alerts/delivery/mailer.js";
import { PushSubscriptions } from "../../src/alerts/push-subscriptions.js";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { FixedClock } from "../../src/platform/clock.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { TokenSealer } from "../../src/platform/token-sealer.js";
import { generateVapidKeys } from "../../src/platform/vapid-keys.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { createAlert, createUser } from "./support/alerts.js";
import { startPushService, type PushService, type Subscriber } from "./support/push-service.js";

const PUBLIC_URL = "https://makegood.example.com";
const KEYS = (() => {
  const parsed = parseKeyRing(Buffer.alloc(32, 9).toString("base64"));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keyRing;
})();
const VAPID = generateVapidKeys();
const WEB_PUSH = { vapid: VAPID, subject: "mailto:ops@makegood.example.com", allowHttp: false, allowPrivateAddresses: true, timeoutMs: 3_000 };
const noMail: Mailer = {
  send: () => Promise.reject(new Error("no email in these tests")),
  close: async () => {},
};

interface NotificationPayload {
  title: string;
  body: string;
  tag: string;
  url: string;
  alertId: string;
  actions: Array<{ action: string; title: string; url: string }>;
}

/**
 * Alerts as Web Push, against a push service of our own (support/push-service.ts) that checks
 * the VAPID token and decrypts each message with the subscriber's private key: what arrives,
 * exactly once per device, through 429 with Retry-After, 5xx, 410, 413, a re-run after a
 * restart, and quiet hours.
 */
describe("alerts as Web Push", () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;
  let push: PushService;
  const clock = new FixedClock(new Date("2026-03-04T15:06:00Z"));
  const logs = capturedLogger("debug");
  const links = new AlertActionLinks(KEYS, PUBLIC_URL);

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = createPrismaClient(url, { maxConnections: 8 });
    push = await startPushService();
  });
  afterAll(async () => {
    await push?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const handler = (database: Database = db) =>
    deliverAlertTask({
      db: database,
      mailer: noMail,
      clock,
      log: logs.log,
      publicUrl: PUBLIC_URL,
      mailFrom: "Makegood <alerts@makegood.example.com>",
      webhook: { allowHttp: false, allowPrivateAddresses: true, timeoutMs: 3_000 },
      actionLinks: links,
      webPush: WEB_PUSH,
      sealer: new TokenSealer(KEYS),
    });
  const drain = (database: Database = db) => new TaskRunner({ db: database, databaseUrl: url, handlers: [handler(database)], clock, log: logs.log, concurrency: 2 }).drain();
  const devices = () => new PushSubscriptions({ db, clock, webPush: WEB_PUSH });

  /** A user whose late and missed alerts go to the feed and to push only. */
  async function pushUser(): Promise<{ userId: string; meetingId: string }> {
    const owner = await createUser(db, { alertChannels: ["feed"] });
    await db.settings.update({ where: { userId: owner.userId }, data: { channelsByKind: { nudges: ["feed", "push"], late: ["feed", "push"], missed: ["feed", "push"], digest: ["feed"] } } });
    return owner;
  }
  async function device(userId: string, label: string): Promise<Subscriber> {
    const subscriber = push.subscribe(VAPID.publicKey);
    await devices().subscribe(userId, { endpoint: subscriber.endpoint, keys: subscriber.keys, label }, "Chrome on Android");
    return subscriber;
  }
  const queue = (alertId: string, userId: string, kind: string) => db.$transaction((tx) => queueAlertDeliveriesPerSettings(tx, [{ alertId, userId, kind }], clock.now()));
  const pushTask = (alertId: string) => db.task.findUniqueOrThrow({ where: { idempotencyKey: `deliver:${alertId}:push` } });
  const delivery = (alertId: string) => db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId, channel: "push" } } });
  const payloads = (subscriber: Subscriber) => subscriber.received.map((message) => message.payload as NotificationPayload);

  it("pushes a late alert to each device once: VAPID verified, the payload decrypted, its answers signed links", async () => {
    const owner = await pushUser();
    const phone = await device(owner.userId, "Phone");
    const laptop = await device(owner.userId, "Laptop");
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, "late");

    expect(await drain()).toEqual({ ran: 1 });

    expect(push.rejections).toEqual([]);
    for (const subscriber of [phone, laptop]) {
      expect(subscriber.received).toHaveLength(1);
      const message = subscriber.received[0]!;
      expect(message.claims).toMatchObject({ aud: push.origin, sub: "mailto:ops@makegood.example.com" });
      expect(message).toMatchObject({ ttl: 3600, urgency: "high", topic: owner.meetingId.replace(/-/g, "") });
      const payload = payloads(subscriber)[0]!;
      expect(payload).toMatchObject({ title: "Running late for Pricing <review> & Q&A?", tag: `makegood-meeting-${owner.meetingId}`, url: `${PUBLIC_URL}/?alert=${alertId}`, alertId });
      expect(payload.body).toContain("6 minutes ago");
      expect(payload.actions.map((action) => [action.action, action.title])).toEqual([
        ["here", "I'm here"],
        ["late_10", "Running 10 min late"],
      ]);
      for (const action of payload.actions) {
        expect(action.url.startsWith(`${PUBLIC_URL}/alert-action/`)).toBe(true);
        const verdict = links.verify(action.url.slice(`${PUBLIC_URL}/alert-action/`.length), clock.now());
        expect(verdict).toMatchObject({ ok: true, claims: { alertId, userId: owner.userId, action: action.action } });
      }
    }
    expect(await delivery(alertId)).toMatchObject({ status: "delivered", attempts: 1, lastError: null });
    expect(await db.webPushSend.count({ where: { alertId } })).toBe(2);

    // The same task claimed again (a lease that expired under a slow worker): nobody is pushed twice.
    await db.task.update({ where: { id: (await pushTask(alertId)).id }, data: { status: "queued", lockedBy: null, lockedUntil: null } });
    await drain();
    expect([phone.received.length, laptop.received.length]).toEqual([1, 1]);
  });

  it("429 with Retry-After on one device: the other gets it at once, the retry waits as asked and pushes only the one left", async () => {
    const owner = await pushUser();
    const phone = await device(owner.userId, "Phone");
    const laptop = await device(owner.userId, "Laptop");
    push.script(laptop, [{ status: 429, headers: { "retry-after": "120" }, body: "slow down" }]);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, "late");

    await drain();
    expect([phone.received.length, laptop.received.length]).toEqual([1, 0]);
    const waiting = await pushTask(alertId);
    expect(waiting).toMatchObject({ status: "queued", attempts: 1 });
    expect(waiting.dueAt.getTime() - clock.now().getTime()).toBe(120_000);
    expect(await delivery(alertId)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await delivery(alertId)).lastError).toContain("HTTP 429");

    clock.advance(119_000);
    expect(await drain()).toEqual({ ran: 0 });
    clock.advance(1_000);
    expect(await drain()).toEqual({ ran: 1 });
    expect([phone.received.length, laptop.received.length]).toEqual([1, 1]);
    expect(await delivery(alertId)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("a 5xx is retried with backoff; after a restart (a new client and runner) the retry pushes nobody twice", async () => {
    const owner = await pushUser();
    const phone = await device(owner.userId, "Phone");
    const laptop = await device(owner.userId, "Laptop");
    push.script(laptop, [{ status: 503, body: "maintenance" }, { status: 500, body: "oops" }]);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, "late");

    await drain();
    const first = await pushTask(alertId);
    expect(first.dueAt.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.set(first.dueAt);
    await drain();
    expect([phone.received.length, laptop.received.length]).toEqual([1, 0]);

    // The service restarts: a fresh database client, handler and runner pick the task up.
    const restarted = createPrismaClient(url, { maxConnections: 4 });
    try {
      clock.set((await pushTask(alertId)).dueAt);
      expect(await drain(restarted)).toEqual({ ran: 1 });
    } finally {
      await restarted.$disconnect();
    }
    expect([phone.received.length, laptop.received.length]).toEqual([1, 1]);
    const toPhone = push.requests.filter((request) => request.subscriberId === phone.id);
    const toLaptop = push.requests.filter((request) => request.subscriberId === laptop.id);
    expect(toPhone.map((request) => request.status)).toEqual([201]);
    expect(toLaptop.map((request) => request.status)).toEqual([503, 500, 201]);
    expect(await delivery(alertId)).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("410 from the push service removes the device; with none left the channel is skipped, saying why", async () => {
    const owner = await pushUser();
    const phone = await device(owner.userId, "Phone");
    push.expire(phone);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, "late");

    await drain();
    expect(phone.received).toHaveLength(0);
    expect(await db.pushSubscription.count({ where: { userId: owner.userId } })).toBe(0);
    expect(await delivery(alertId)).toMatchObject({ status: "skipped", lastError: "Every subscribed device had unsubscribed or expired" });
  });

  it("413: the short form goes instead (title, a line of the body, no answers), recorded as shortened", async () => {
    const owner = await pushUser();
    const phone = await device(owner.userId, "Phone");
    push.limitBytes(phone, 700);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, "late");

    await drain();
    expect(push.requests.filter((request) => request.subscriberId === phone.id).map((request) => request.status)).toEqual([413, 201]);
    const payload = payloads(phone)[0]!;
    expect(payload.actions).toEqual([]);
    expect(payload.title).toBe("Running late for Pricing <review> & Q&A?");
    expect(payload.body.length).toBeLessThanOrEqual(120);
    expect(phone.received[0]!.bodyBytes).toBeLessThanOrEqual(700);
    expect(await db.webPushSend.findFirstOrThrow({ where: { alertId } })).toMatchObject({ status: 201, shortened: true });
    expect(await delivery(alertId)).toMatchObject({ status: "delivered" });
  });

  it("refuses to subscribe an endpoint on a private address (unless allowed), naming the field", async () => {
    const owner = await pushUser();
    const subscriber = push.subscribe(VAPID.publicKey);
    const strict = new PushSubscriptions({ db, clock, webPush: { ...WEB_PUSH, allowPrivateAddresses: false } });
    const refused = strict.subscribe(owner.userId, { endpoint: subscriber.endpoint, keys: subscriber.keys }, "Chrome on Android");
    await expect(refused).rejects.toMatchObject({ httpStatus: 400, code: "validation_failed", details: { field: "endpoint" } });
    await expect(refused).rejects.toThrow(/resolves to (127\.0\.0\.1|::1), which is a loopback address; a push service is always on the public internet/);
    expect(await db.pushSubscription.count({ where: { userId: owner.userId } })).toBe(0);
  });

  it("quiet hours (22:00–07:00 by default): a missed-meeting push waits for 07:00 in the user's zone; running late does not wait", async () => {
    const owner = await pushUser();
    await device(owner.userId, "Phone");
    // 23:00 in New York.
    clock.set(new Date("2026-03-05T04:00:00Z"));
    const missed = await db.alert.create({ data: { userId: owner.userId, meetingId: owner.meetingId, kind: "suspected_missed", idempotencyKey: `missed:${owner.meetingId}`, title: "Did you miss it?", body: "Are you sure?" } });
    const late = await createAlert(db, owner);
    await queue(missed.id, owner.userId, "suspected_missed");
    await queue(late, owner.userId, "late");

    expect((await pushTask(missed.id)).dueAt.toISOString()).toBe("2026-03-05T12:00:00.000Z");
    expect((await pushTask(late)).dueAt.toISOString()).toBe("2026-03-05T04:00:00.000Z");
    // The feed is silent: it has the alert at once.
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId: missed.id, channel: "feed" } } })).toMatchObject({ status: "delivered" });
  });
});
