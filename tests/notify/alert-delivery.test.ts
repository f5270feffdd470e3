import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import type { AlertChannel } from "../../src/platform/db/generated/enums.js";
import { deliverAlertTask, queueAlertDeliveries } from "../../src/alerts/delivery/deliver-alert-task.js";
import { createMailer, type Mailer } from "../../src/alerts/delivery/mailer.js";
import { OutboxMailer } from "../../src/alerts/delivery/outbox-mailer.js";
import { SmtpMailer } from "../../src/alerts/delivery/smtp-mailer.js";
import type { WebhookOptions } from "../../src/alerts/delivery/webhook.js";
import { FixedClock } from "../../src/platform/clock.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { TokenSealer } from "../../src/platform/token-sealer.js";
import { AlertActionLinks } from "../../src/alerts/action-links.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { createAlert, createUser, runDirectly } from "./support/alerts.js";
import { startSmtpSink, unusedPort, type SmtpSink } from "./support/smtp-sink.js";
import { startWebhookServer, type WebhookServer } from "./support/webhook-server.js";

const PUBLIC_URL = "https://makegood.example.com";
const FAST_SMTP = { connectionMs: 2_000, greetingMs: 2_000, socketMs: 5_000 };
const HOUR_MS = 60 * 60_000;
const KEYS = (() => {
  const parsed = parseKeyRing(Buffer.alloc(32, 7).toString("base64"));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keyRing;
})();

describe("alert delivery", () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;
  let sink: SmtpSink;
  let webhooks: WebhookServer;
  let smtp: SmtpMailer;
  const clock = new FixedClock(new Date("2026-03-04T15:06:00Z"));
  const logs = capturedLogger("debug");
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = createPrismaClient(url, { maxConnections: 12 });
    sink = await startSmtpSink({
      rejectRecipient: (address) =>
        address.startsWith("busy") ? { code: 451, message: "4.3.0 Mailbox busy, try later" } : address.startsWith("gone") ? { code: 550, message: "5.1.1 No such user" } : null,
    });
    webhooks = await startWebhookServer();
    smtp = new SmtpMailer({ smtpUrl: sink.url, db, log: logs.log, timeouts: FAST_SMTP });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await smtp?.close();
    await sink?.close();
    await webhooks?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const handler = (mailer: Mailer, webhook: Partial<WebhookOptions> = {}) =>
    deliverAlertTask({
      db,
      mailer,
      clock,
      log: logs.log,
      publicUrl: PUBLIC_URL,
      mailFrom: "Makegood <alerts@makegood.example.com>",
      webhook: { allowHttp: true, allowPrivateAddresses: true, timeoutMs: 2_000, ...webhook },
      actionLinks: new AlertActionLinks(KEYS, PUBLIC_URL),
      webPush: null,
      sealer: new TokenSealer(KEYS),
    });
  const drain = (mailer: Mailer) => new TaskRunner({ db, databaseUrl: url, handlers: [handler(mailer)], clock, log: logs.log, concurrency: 2 }).drain();
  const queue = (alertId: string, userId: string, channels: AlertChannel[]) => db.$transaction((tx) => queueAlertDeliveries(tx, { alertId, userId, channels }, clock.now()));
  const delivery = (alertId: string, channel: AlertChannel) => db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId, channel } } });
  const task = (alertId: string, channel: AlertChannel) => db.task.findUniqueOrThrow({ where: { idempotencyKey: `deliver:${alertId}:${channel}` } });
  const mailsFor = (alertId: string, from: SmtpSink = sink) => from.messages.filter((mail) => mail.header("message-id")?.includes(alertId));

  it("emails an alert once: text and HTML, the meeting time in the user's zone, its links, a deterministic Message-ID", async () => {
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    expect(await queue(alertId, owner.userId, ["email", "feed"])).toBe(1);

    expect(await drain(smtp)).toEqual({ ran: 1 });

    const mails = mailsFor(alertId);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.header("message-id")).toBe(`<alert.${alertId}.email@makegood.example.com>`);
    expect(mail.header("auto-submitted")).toBe("auto-generated");
    expect(mail.header("subject")).toBe("Running late for Pricing <review> & Q&A?");
    const user = await db.user.findUniqueOrThrow({ where: { id: owner.userId } });
    expect(mail.envelopeTo).toEqual([user.email]);

    const text = mail.parts.get("text/plain") ?? "";
    expect(text).toContain("When: Wed, Mar 4, 10:00–10:45 AM EST");
    expect(text).toContain("I'm here: https://makegood.example.com/check-in/abc.def");
    expect(text).toContain("Tell them I'm running late: https://makegood.example.com/?meeting=1&action=late");
    expect(text).not.toContain("javascript:");

    const html = mail.parts.get("text/html") ?? "";
    expect(html).toContain('href="https://makegood.example.com/check-in/abc.def"');
    expect(html).toContain('href="https://makegood.example.com/?meeting=1&amp;action=late"');
    expect(html).toContain("Pricing &lt;review&gt; &amp; Q&amp;A");
    expect(html).toContain("10:00–10:45 AM EST");
    expect(html).not.toContain("<review>");
    expect(html).not.toContain("javascript:");

    expect(await delivery(alertId, "email")).toMatchObject({ status: "delivered", attempts: 1, lastError: null, deliveredAt: clock.now() });
    expect(await delivery(alertId, "feed")).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await task(alertId, "email")).toMatchObject({ status: "done" });
    expect(await db.outboxMessage.findMany({ where: { idempotencyKey: `alert:${alertId}:email` } })).toMatchObject([{ transport: "smtp", messageId: mail.header("message-id") }]);

    // A rerun (a lease that ran out, a replay) sends nothing more.
    await runDirectly(handler(smtp), { alertId, channel: "email" }, db, logs.log);
    await runDirectly(handler(smtp), { alertId, channel: "email" }, db, logs.log);
    expect(mailsFor(alertId)).toHaveLength(1);
    expect(await delivery(alertId, "email")).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("sends one email when several workers deliver the same alert at once", async () => {
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["email"]);
    // A slow server keeps the first send in flight while the others arrive; separate
    // mailers have separate connection pools, as separate service instances would.
    const slow = await startSmtpSink({ dataDelayMs: 300 });
    const mailers = [1, 2, 3].map(() => new SmtpMailer({ smtpUrl: slow.url, db, log: logs.log, timeouts: FAST_SMTP }));
    closers.push(...mailers.map((mailer) => () => mailer.close()), () => slow.close());

    await Promise.all([...mailers.map((mailer) => runDirectly(handler(mailer), { alertId, channel: "email" }, db, logs.log)), drain(mailers[0]!)]);

    expect(mailsFor(alertId, slow)).toHaveLength(1);
    expect(await delivery(alertId, "email")).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("retries while the SMTP server is down and delivers once when it is back", async () => {
    const port = await unusedPort();
    const down = new SmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, db, log: logs.log, timeouts: FAST_SMTP });
    closers.push(() => down.close());
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["email"]);

    await expect(runDirectly(handler(down), { alertId, channel: "email" }, db, logs.log)).rejects.toMatchObject({ code: "smtp_unavailable", retryable: true });
    expect(await drain(down)).toEqual({ ran: 1 });
    expect(await task(alertId, "email")).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringContaining("could not be reached") });
    expect(await delivery(alertId, "email")).toMatchObject({ status: "pending", attempts: 2, lastError: expect.stringContaining("could not be reached") });
    expect(await db.outboxMessage.count({ where: { idempotencyKey: `alert:${alertId}:email` } })).toBe(0);

    const back = await startSmtpSink({ port });
    closers.push(() => back.close());
    clock.advance(2 * HOUR_MS);
    expect(await drain(down)).toEqual({ ran: 1 });
    expect(mailsFor(alertId, back)).toHaveLength(1);
    expect(await task(alertId, "email")).toMatchObject({ status: "done", attempts: 2 });
    expect(await delivery(alertId, "email")).toMatchObject({ status: "delivered", attempts: 3, lastError: null });

    await runDirectly(handler(down), { alertId, channel: "email" }, db, logs.log);
    expect(mailsFor(alertId, back)).toHaveLength(1);
  });

  it("retries a 4xx answer and parks a 5xx recipient rejection for good", async () => {
    const busy = await createUser(db, { email: "busy@example.com" });
    const busyAlert = await createAlert(db, busy);
    await queue(busyAlert, busy.userId, ["email"]);
    await expect(runDirectly(handler(smtp), { alertId: busyAlert, channel: "email" }, db, logs.log)).rejects.toMatchObject({ code: "smtp_deferred", retryable: true });
    expect(await delivery(busyAlert, "email")).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("451") });

    const gone = await createUser(db, { email: "gone@example.com" });
    const goneAlert = await createAlert(db, gone);
    await queue(goneAlert, gone.userId, ["email"]);
    await expect(runDirectly(handler(smtp), { alertId: goneAlert, channel: "email" }, db, logs.log)).rejects.toMatchObject({ code: "smtp_rejected", retryable: false });
    expect(await delivery(goneAlert, "email")).toMatchObject({ status: "failed", lastError: expect.stringContaining("550") });
    await db.alertDelivery.update({ where: { alertId_channel: { alertId: goneAlert, channel: "email" } }, data: { status: "pending" } });
    await drain(smtp);
    expect(await task(goneAlert, "email")).toMatchObject({ status: "failed", attempts: 1 });
    expect(mailsFor(busyAlert)).toHaveLength(0);
    expect(mailsFor(goneAlert)).toHaveLength(0);
  });

  it("marks the delivery failed when its task is parked because its worker kept dying (gaveUp), and sends nothing", async () => {
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["email", "feed"]);
    await db.alertDelivery.upsert({ where: { alertId_channel: { alertId, channel: "email" } }, create: { alertId, channel: "email", status: "pending" }, update: { status: "pending" } });
    // Its last worker died holding it: a lease that ran out on the last attempt.
    const { id, maxAttempts } = await task(alertId, "email");
    await db.task.update({ where: { id }, data: { status: "running", attempts: maxAttempts, lockedBy: "dead-worker", lockedUntil: new Date(clock.now().getTime() - 1) } });

    expect(await drain(smtp)).toEqual({ ran: 0 });

    expect(await task(alertId, "email")).toMatchObject({ status: "failed", lastError: expect.stringContaining("giving up") });
    expect(await delivery(alertId, "email")).toMatchObject({ status: "failed", lastError: expect.stringContaining("lease expired") });
    expect(mailsFor(alertId)).toHaveLength(0);
  });

  it("keeps the email in the outbox table and sends nothing when no SMTP_URL is set", async () => {
    const outbox = createMailer({ smtpUrl: undefined }, db, logs.log);
    expect(outbox).toBeInstanceOf(OutboxMailer);
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["email", "feed"]);

    expect(await drain(outbox)).toEqual({ ran: 1 });
    await runDirectly(handler(outbox), { alertId, channel: "email" }, db, logs.log);

    const stored = await db.outboxMessage.findMany({ where: { userId: owner.userId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ transport: "outbox", messageId: `<alert.${alertId}.email@makegood.example.com>`, subject: "Running late for Pricing <review> & Q&A?" });
    expect(stored[0]!.textBody).toContain("When: Wed, Mar 4, 10:00–10:45 AM EST");
    expect(stored[0]!.htmlBody).toContain("Pricing &lt;review&gt;");
    expect(mailsFor(alertId)).toHaveLength(0);
    expect(await delivery(alertId, "email")).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("does not email a withdrawn alert and marks its delivery skipped", async () => {
    const owner = await createUser(db);
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["email", "feed"]);
    await db.alert.update({ where: { id: alertId }, data: { withdrawnAt: clock.now() } });

    expect(await drain(smtp)).toEqual({ ran: 1 });

    expect(mailsFor(alertId)).toHaveLength(0);
    expect(await delivery(alertId, "email")).toMatchObject({ status: "skipped", lastError: expect.stringContaining("withdrawn"), deliveredAt: null });
    expect(await task(alertId, "email")).toMatchObject({ status: "done" });
    expect(await db.outboxMessage.count({ where: { userId: owner.userId } })).toBe(0);
  });

  it("posts the alert to the webhook as Slack JSON once, even when workers race", async () => {
    const hookPath = "/services/T000/B000/s3cr3tw3bh00k";
    const owner = await createUser(db, { alertChannels: ["feed", "webhook"], webhookUrl: `http://127.0.0.1:${webhooks.port}${hookPath}` });
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["feed", "webhook"]);
    // A slow receiver keeps the first post in flight while the others arrive.
    webhooks.respond((_request, response) => setTimeout(() => response.end("ok"), 200));
    const before = webhooks.requests.length;

    await Promise.all([
      runDirectly(handler(smtp), { alertId, channel: "webhook" }, db, logs.log),
      runDirectly(handler(smtp), { alertId, channel: "webhook" }, db, logs.log),
      drain(smtp),
    ]);

    const posted = webhooks.requests.slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ method: "POST", path: hookPath });
    expect(posted[0]!.headers["content-type"]).toContain("application/json");
    const body = JSON.parse(posted[0]!.body) as { text: string; blocks: Array<{ type: string; elements?: Array<{ type: string; text: { text: string }; url: string }> }> };
    expect(body.text).toBe("Running late for Pricing <review> & Q&A?");
    expect(body.blocks.map((block) => block.type)).toEqual(["section", "actions", "context"]);
    // The answers are Block Kit buttons whose URLs are the signed answer links (issue 15).
    const buttons = body.blocks[1]!.elements!;
    expect(buttons.map((button) => [button.type, button.text.text])).toEqual([
      ["button", "I'm here"],
      ["button", "Running 10 min late"],
      ["button", "Open Makegood"],
    ]);
    expect(buttons[0]!.url).toMatch(/^https:\/\/makegood\.example\.com\/alert-action\/[\w-]+\.[\w-]+$/);
    expect(buttons[2]!.url).toBe("https://makegood.example.com/");
    expect(await delivery(alertId, "webhook")).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await task(alertId, "webhook")).toMatchObject({ status: "done" });
    // The webhook's secret path and the check-in token never reach the logs.
    expect(logs.text()).not.toContain("s3cr3tw3bh00k");
    expect(logs.text()).not.toContain("abc.def");
    expect(logs.text()).not.toContain(buttons[0]!.url.split("/").pop());
  });

  it("skips the webhook with a recorded reason when no URL is set, and retries a failing one", async () => {
    const unset = await createUser(db, { alertChannels: ["feed", "webhook"], webhookUrl: null });
    const unsetAlert = await createAlert(db, unset);
    await queue(unsetAlert, unset.userId, ["webhook"]);
    await runDirectly(handler(smtp), { alertId: unsetAlert, channel: "webhook" }, db, logs.log);
    expect(await delivery(unsetAlert, "webhook")).toMatchObject({ status: "skipped", lastError: "No webhook URL is set in the settings" });

    const failing = await createUser(db, { alertChannels: ["webhook"], webhookUrl: `http://127.0.0.1:${webhooks.port}/hook` });
    const failingAlert = await createAlert(db, failing);
    await queue(failingAlert, failing.userId, ["webhook"]);
    webhooks.respond((_request, response) => {
      response.statusCode = 500;
      response.end("internal_error");
    });
    await expect(runDirectly(handler(smtp), { alertId: failingAlert, channel: "webhook" }, db, logs.log)).rejects.toMatchObject({ code: "webhook_unavailable", retryable: true });
    expect(await delivery(failingAlert, "webhook")).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("HTTP 500") });

    webhooks.respond((_request, response) => {
      response.statusCode = 404;
      response.end("no_service");
    });
    await drain(smtp);
    expect(await task(failingAlert, "webhook")).toMatchObject({ status: "failed" });
    expect(await delivery(failingAlert, "webhook")).toMatchObject({ status: "failed", attempts: 2, lastError: expect.stringContaining("HTTP 404") });
    webhooks.respond((_request, response) => response.end("ok"));
  });

  it("refuses a private webhook address by default, without retrying", async () => {
    const owner = await createUser(db, { alertChannels: ["webhook"], webhookUrl: `https://127.0.0.1:${webhooks.port}/hook` });
    const alertId = await createAlert(db, owner);
    await queue(alertId, owner.userId, ["webhook"]);
    const before = webhooks.requests.length;
    await expect(runDirectly(handler(smtp, { allowHttp: false, allowPrivateAddresses: false }), { alertId, channel: "webhook" }, db, logs.log)).rejects.toMatchObject({
      code: "webhook_url_refused",
      retryable: false,
    });
    expect(webhooks.requests.length).toBe(before);
    expect(await delivery(alertId, "webhook")).toMatchObject({ status: "failed", lastError: expect.stringContaining("loopback") });
  });
});
