import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renewJob } from "../../jobs/renew.js";
import { runJob } from "../../jobs/run-job.js";
import { TASKS_CHANNEL } from "../../src/tasks/sql/enqueue-task.js";
import { CookieClient } from "../support/cookie-client.js";
import { meetingsOf, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { startHttpsProxy, type HttpsProxy } from "./https-proxy.js";
import { connectionOf, eventually, settleTasks, type Kind } from "./support.js";

const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const accounts: Record<Kind, string> = { google: "ann@example.com", microsoft: "cam@contoso.example" };

/**
 * Push notifications end to end: the service behind an https reverse proxy (PUBLIC_URL), the
 * emulator opening channels / subscriptions and posting to /webhooks/* through it. The cron
 * poll is off (CRON=false), so a change that arrives proves push did it.
 */
describe("push notifications from Google and Microsoft", () => {
  let proxy: HttpsProxy;
  let harness: Harness;
  const browsers = {} as Record<Kind, CookieClient>;
  const syncTasks = () => harness.service.services.db.task.count({ where: { kind: "sync_connection" } });
  const liveChannels = async (provider: Kind) => {
    const connection = await connectionOf(harness, provider, accounts[provider]);
    return harness.service.services.db.pushChannel.findMany({ where: { connectionId: connection.id, stoppedAt: null }, orderBy: { createdAt: "asc" } });
  };

  /** The maintain_push task queued at connect is due 30 s later; bring it forward and wake the runner. */
  async function runQueuedPushMaintenance(): Promise<void> {
    const { db } = harness.service.services;
    await db.task.updateMany({ where: { kind: "maintain_push", status: "queued" }, data: { dueAt: new Date() } });
    await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;
    await settleTasks(harness);
  }

  beforeAll(async () => {
    proxy = await startHttpsProxy();
    harness = await startHarness({ env: { PUBLIC_URL: proxy.url } });
    proxy.setTarget(Number(new URL(harness.baseUrl).port));
    const { control } = harness.emulator;
    for (const provider of ["google", "microsoft"] as const) {
      control.addUser({ provider, email: accounts[provider] });
      control.createEvent(accounts[provider], { summary: "Before push", start: at(2 * HOUR), end: at(3 * HOUR) }, provider);
      control.setNextLogin(provider, accounts[provider]);
      const browser = new CookieClient(proxy.url);
      const { hops } = await browser.follow(`/auth/${provider}`);
      expect(hops.at(-1)).toBe(`${proxy.url}/?connected=${provider}`);
      browsers[provider] = browser;
      await waitForMeeting(browser, "Before push", () => true);
    }
    await settleTasks(harness);
    await runQueuedPushMaintenance();
    await control.settleWebhooks();
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await proxy?.close();
  });

  describe("Google events.watch", () => {
    it("opens a channel after connect, to the https webhook address, with a secret token", async () => {
      const [channel] = await liveChannels("google");
      expect(channel).toBeDefined();
      const opened = harness.emulator.control.channels().find((c) => c.id === channel!.externalId)!;
      expect(opened).toMatchObject({ address: `${proxy.url}/webhooks/google`, stopped: false, resourceId: channel!.resourceId });
      expect(opened.token).toMatch(/.{32,}/);
      expect(channel!.secretHash).not.toContain(opened.token!);
      expect((await connectionOf(harness, "google", accounts.google)).pushStatus).toBe("active");
      // The "sync" handshake message reached us and queued nothing.
      const handshake = harness.emulator.control.webhookDeliveries().find((d) => d.headers["x-goog-channel-id"] === channel!.externalId);
      expect(handshake).toMatchObject({ status: 200, headers: { "x-goog-resource-state": "sync" } });
    });

    it("a change in the calendar arrives through the webhook without any poll", async () => {
      const started = Date.now();
      harness.emulator.control.createEvent(accounts.google, { summary: "Pushed in", start: at(4 * HOUR), end: at(5 * HOUR) }, "google");
      await waitForMeeting(browsers.google, "Pushed in", () => true, 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      const delivery = harness.emulator.control.webhookDeliveries().filter((d) => d.headers["x-goog-resource-state"] === "exists").at(-1)!;
      expect(delivery.status).toBe(200);
    });

    it("rejects a notification with a wrong channel token and queues nothing", async () => {
      const [channel] = await liveChannels("google");
      const before = await syncTasks();
      const response = await fetch(`${proxy.url}/webhooks/google`, {
        method: "POST",
        headers: { "x-goog-channel-id": channel!.externalId, "x-goog-channel-token": "not-the-secret", "x-goog-resource-id": channel!.resourceId ?? "", "x-goog-resource-state": "exists", "x-goog-message-number": "9999" },
      });
      expect(response.status).toBe(401);
      expect(await syncTasks()).toBe(before);
      const anonymous = await fetch(`${proxy.url}/webhooks/google`, { method: "POST", headers: { "x-goog-channel-id": channel!.externalId, "x-goog-resource-state": "exists" } });
      expect(anonymous.status).toBe(401);
      expect(await syncTasks()).toBe(before);
    });

    it("a duplicated notification queues the sync once", async () => {
      const { control } = harness.emulator;
      const { db } = harness.service.services;
      await settleTasks(harness);
      control.createEvent(accounts.google, { summary: "Pushed twice", start: at(6 * HOUR), end: at(7 * HOUR) }, "google");
      await control.settleWebhooks();
      const index = control.webhookDeliveries().length - 1;
      const original = control.webhookDeliveries()[index]!;
      expect(original.headers["x-goog-resource-state"]).toBe("exists");
      await waitForMeeting(browsers.google, "Pushed twice", () => true, 5_000);
      const before = await syncTasks();
      control.replayWebhook(index);
      await control.settleWebhooks();
      expect(control.webhookDeliveries().at(-1)).toMatchObject({ status: 200, body: original.body, headers: original.headers });
      expect(await syncTasks()).toBe(before);
      const connection = await connectionOf(harness, "google", accounts.google);
      const key = `sync:${connection.id}:google:${original.headers["x-goog-channel-id"]}:${original.headers["x-goog-message-number"]}`;
      expect(await db.task.count({ where: { idempotencyKey: key } })).toBe(1);
    });
  });

  describe("bursts and replays", () => {
    /** Every sync task finished, those retrying later too (a sync that found another running waits 2 s). */
    const syncsFinished = async () => {
      await eventually(async () => (await harness.service.services.db.task.count({ where: { kind: "sync_connection", status: { in: ["queued", "running"] } } })) === 0, 10_000, "sync tasks to finish");
      await settleTasks(harness);
    };
    /** Calendar reads: Google events.list, Graph calendarView/delta. */
    const fetches = (provider: Kind) =>
      provider === "google"
        ? harness.emulator.control.requests({ method: "GET", pathPrefix: "/calendar/v3/calendars/" }).filter((r) => r.path.endsWith("/events")).length
        : harness.emulator.control.requests({ method: "GET", pathPrefix: "/v1.0/me/" }).filter((r) => r.path.endsWith("/delta")).length;

    it("Google: 20 valid notifications for one channel while its sync runs lead to at most 2 calendar fetches; a replayed one to none", async () => {
      const { control } = harness.emulator;
      await syncsFinished();
      const [channel] = await liveChannels("google");
      const token = control.channels().find((c) => c.id === channel!.externalId)!.token!;
      const first = Number(channel!.lastMessageNumber ?? 1n) + 1;
      const notify = (messageNumber: number) => fetch(`${proxy.url}/webhooks/google`, {
        method: "POST",
        headers: { "x-goog-channel-id": channel!.externalId, "x-goog-channel-token": token, "x-goog-resource-id": channel!.resourceId ?? "", "x-goog-resource-state": "exists", "x-goog-message-number": String(messageNumber) },
      });
      control.clearRequests();
      // The first sync's read takes a second, so every later notification arrives while it runs.
      control.addFault({ method: "GET", path: "/calendar/v3/calendars/*/events", kind: "delay", delayMs: 1_000 });
      const replies = [];
      for (let n = 0; n < 20; n += 1) {
        replies.push(await notify(first + n));
        if (n === 0) await eventually(async () => fetches("google") > 0, 5_000, "the first sync to start reading");
      }
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
      await syncsFinished();
      expect(fetches("google")).toBeGreaterThanOrEqual(1);
      expect(fetches("google")).toBeLessThanOrEqual(2);

      // Replays: a number already seen (the last, and an older one) is ignored.
      control.clearRequests();
      const tasksBefore = await syncTasks();
      for (const n of [first + 19, first + 3]) {
        const replay = await notify(n);
        expect(replay.status).toBe(200);
        expect(await replay.json()).toEqual({ received: 1, queued: 0 });
      }
      await syncsFinished();
      expect(await syncTasks()).toBe(tasksBefore);
      expect(fetches("google")).toBe(0);
      // A new number is a new change again.
      expect(await (await notify(first + 20)).json()).toEqual({ received: 1, queued: 1 });
      await syncsFinished();
      expect(fetches("google")).toBe(1);
    });

    it("Graph: 20 valid change notifications while its sync runs lead to at most 2 delta reads; a replayed one to none", async () => {
      const { control } = harness.emulator;
      await syncsFinished();
      const [channel] = await liveChannels("microsoft");
      const subscription = control.subscriptions().find((s) => s.id === channel!.externalId)!;
      const notification = (n: number) => ({
        subscriptionId: subscription.id, clientState: subscription.clientState, changeType: "updated", tenantId: "t",
        subscriptionExpirationDateTime: channel!.expiresAt.toISOString(), resource: `Users/u/Events/burst-${n}`,
        resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": `Users/u/Events/burst-${n}`, "@odata.etag": `W/"${n}"`, id: `burst-${n}` },
      });
      const notify = (body: object) => fetch(`${proxy.url}/webhooks/microsoft`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      control.clearRequests();
      control.addFault({ method: "GET", path: "/v1.0/me/**", kind: "delay", delayMs: 1_000 });
      const replies = [];
      for (let n = 0; n < 20; n += 1) {
        replies.push(await notify({ value: [notification(n)] }));
        if (n === 0) await eventually(async () => control.requests({ method: "GET", pathPrefix: "/v1.0/me/" }).length > 0, 5_000, "the first sync to start reading");
      }
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(202));
      await syncsFinished();
      expect(fetches("microsoft")).toBeGreaterThanOrEqual(1);
      expect(fetches("microsoft")).toBeLessThanOrEqual(2);

      control.clearRequests();
      const tasksBefore = await syncTasks();
      const replay = await notify({ value: [notification(7)] });
      expect(await replay.json()).toEqual({ received: 1, queued: 0 });
      await syncsFinished();
      expect(await syncTasks()).toBe(tasksBefore);
      expect(fetches("microsoft")).toBe(0);
    });
  });

  describe("Graph subscriptions", () => {
    it("creates a subscription after the validationToken handshake, with clientState", async () => {
      const [channel] = await liveChannels("microsoft");
      expect(channel).toBeDefined();
      const subscription = harness.emulator.control.subscriptions().find((s) => s.id === channel!.externalId)!;
      expect(subscription).toMatchObject({ notificationUrl: `${proxy.url}/webhooks/microsoft`, lifecycleNotificationUrl: `${proxy.url}/webhooks/microsoft`, deleted: false });
      expect(subscription.clientState).toMatch(/.{32,}/);
      // Graph validated both URLs (notification and lifecycle) before creating it.
      const validations = harness.emulator.control.webhookDeliveries().filter((d) => d.url.startsWith(`${proxy.url}/webhooks/microsoft?validationToken=`));
      expect(validations.length).toBeGreaterThanOrEqual(2);
      expect(validations.every((d) => d.status === 200)).toBe(true);
    });

    it("a change notification brings the change without any poll", async () => {
      harness.emulator.control.createEvent(accounts.microsoft, { summary: "Pushed by Graph", start: at(4 * HOUR), end: at(5 * HOUR) }, "microsoft");
      await waitForMeeting(browsers.microsoft, "Pushed by Graph", () => true, 5_000);
    });

    it("rejects a notification with a wrong clientState and queues nothing", async () => {
      const [channel] = await liveChannels("microsoft");
      await settleTasks(harness);
      const before = await syncTasks();
      const response = await fetch(`${proxy.url}/webhooks/microsoft`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ value: [{ subscriptionId: channel!.externalId, clientState: "forged", changeType: "updated", resource: "Users/x/Events/y" }] }),
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ received: 1, queued: 0 });
      expect(await syncTasks()).toBe(before);
    });

    it("reauthorizationRequired renews the subscription", async () => {
      const { control } = harness.emulator;
      const [channel] = await liveChannels("microsoft");
      control.clearRequests();
      control.sendGraphLifecycleNotification(channel!.externalId, "reauthorizationRequired");
      await control.settleWebhooks();
      await eventually(async () => control.requests({ method: "PATCH", pathPrefix: `/v1.0/subscriptions/${channel!.externalId}` }).length === 1, 5_000, "subscription renewed");
      await settleTasks(harness);
      const after = await liveChannels("microsoft");
      expect(after.map((c) => c.externalId)).toEqual([channel!.externalId]);
      expect(after[0]!.expiresAt.getTime()).toBeGreaterThanOrEqual(channel!.expiresAt.getTime());
    });

    it("subscriptionRemoved makes us create a new subscription and catch up", async () => {
      const { control } = harness.emulator;
      const [channel] = await liveChannels("microsoft");
      control.sendGraphLifecycleNotification(channel!.externalId, "subscriptionRemoved");
      await control.settleWebhooks();
      const replaced = await eventually(async () => {
        const live = await liveChannels("microsoft");
        return live.length === 1 && live[0]!.externalId !== channel!.externalId ? live[0] : undefined;
      }, 5_000, "subscription recreated");
      expect(control.subscriptions().find((s) => s.id === replaced.externalId)).toMatchObject({ deleted: false });
      control.createEvent(accounts.microsoft, { summary: "After the new subscription", start: at(8 * HOUR), end: at(9 * HOUR) }, "microsoft");
      await waitForMeeting(browsers.microsoft, "After the new subscription", () => true, 5_000);
    });
  });

  it("the renew job renews channels close to expiry: a new Google channel (the old one stopped), a longer Graph subscription", async () => {
    const { control } = harness.emulator;
    const { db } = harness.service.services;
    await settleTasks(harness);
    const [google] = await liveChannels("google");
    const [graph] = await liveChannels("microsoft");
    const soon = new Date(Date.now() + HOUR);
    await db.pushChannel.updateMany({ where: { id: { in: [google!.id, graph!.id] } }, data: { expiresAt: soon } });

    const outcome = await runJob(renewJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });
    expect(outcome).toMatchObject({ status: "done", summary: { renewed: 2, opened: 0, failed: 0 } });
    const [newGoogle] = await liveChannels("google");
    expect(newGoogle!.externalId).not.toBe(google!.externalId);
    expect(newGoogle!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * HOUR);
    expect(control.channels().find((c) => c.id === google!.externalId)?.stopped).toBe(true);
    expect(control.channels().find((c) => c.id === newGoogle!.externalId)?.stopped).toBe(false);
    const [renewedGraph] = await liveChannels("microsoft");
    expect(renewedGraph!.externalId).toBe(graph!.externalId);
    expect(renewedGraph!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * HOUR);
    // A second run finds nothing to do.
    expect(await runJob(renewJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true })).toMatchObject({ summary: { renewed: 0, opened: 0 } });
    // Changes still arrive on the new Google channel.
    control.createEvent(accounts.google, { summary: "On the renewed channel", start: at(10 * HOUR), end: at(11 * HOUR) }, "google");
    await waitForMeeting(browsers.google, "On the renewed channel", () => true, 5_000);
    expect((await meetingsOf(browsers.google)).filter((m) => m.title === "On the renewed channel")).toHaveLength(1);
  });
});
