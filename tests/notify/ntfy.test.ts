import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertActionLinks } from "../../src/alerts/action-links.js";
import { deliverAlertTask, NTFY_TOKEN_CONTEXT, queueAlertDeliveriesPerSettings } from "../../src/alerts/delivery/deliver-alert-task.js";
import type { Mailer } from "../../src/alerts/delivery/mailer.js";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { FixedClock } from "../../src/platform/clock.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { TokenSealer } from "../../src/platform/token-sealer.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { createAlert, createUser } from "./support/alerts.js";
import { startNtfyServer, type NtfyServer } from "./support/ntfy-server.js";

const PUBLIC_URL = "https://makegood.example.com";
const KEYS = (() => {
  const parsed = parseKeyRing(Buffer.alloc(32, 11).toString("base64"));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keyRing;
})();
const noMail: Mailer = { send: () => Promise.reject(new Error("no email in these tests")), close: async () => {} };

/** Alerts published to an ntfy topic, against a server that checks ntfy's JSON format. */
describe("alerts on ntfy", () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;
  let ntfy: NtfyServer;
  const clock = new FixedClock(new Date("2026-03-04T15:06:00Z"));
  const logs = capturedLogger("debug");
  const sealer = new TokenSealer(KEYS);
  const links = new AlertActionLinks(KEYS, PUBLIC_URL);

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = createPrismaClient(url, { maxConnections: 6 });
    ntfy = await startNtfyServer();
  });
  afterAll(async () => {
    await ntfy?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const drain = () =>
    new TaskRunner({
      db,
      databaseUrl: url,
      handlers: [
        deliverAlertTask({
          db,
          mailer: noMail,
          clock,
          log: logs.log,
          publicUrl: PUBLIC_URL,
          mailFrom: "Makegood <alerts@makegood.example.com>",
          webhook: { allowHttp: false, allowPrivateAddresses: true, timeoutMs: 3_000 },
          actionLinks: links,
          webPush: null,
          sealer,
        }),
      ],
      clock,
      log: logs.log,
      concurrency: 2,
    }).drain();

  it("publishes a late alert once as ntfy JSON: the answers as http actions POSTing the signed links, Open as a view action, the token as Bearer", async () => {
    const owner = await createUser(db, { alertChannels: ["feed"] });
    await db.settings.update({
      where: { userId: owner.userId },
      data: {
        ntfyUrl: `${ntfy.origin}/ada-alerts_7`,
        ntfyTokenSealed: sealer.seal("tk_s3cr3tntfytoken", NTFY_TOKEN_CONTEXT),
        channelsByKind: { nudges: ["feed"], late: ["feed", "ntfy"], missed: ["feed"], digest: ["feed"] },
      },
    });
    ntfy.script([{ status: 429, headers: { "retry-after": "30" } }]);
    const alertId = await createAlert(db, owner);
    await db.$transaction((tx) => queueAlertDeliveriesPerSettings(tx, [{ alertId, userId: owner.userId, kind: "late" }], clock.now()));

    await drain();
    expect(ntfy.published).toHaveLength(0);
    const task = await db.task.findUniqueOrThrow({ where: { idempotencyKey: `deliver:${alertId}:ntfy` } });
    expect(task.dueAt.getTime() - clock.now().getTime()).toBe(30_000);
    clock.advance(30_000);
    await drain();
    await drain();

    expect(ntfy.rejections).toEqual([]);
    expect(ntfy.published).toHaveLength(1);
    const published = ntfy.published[0]!;
    expect(published).toMatchObject({ topic: "ada-alerts_7", title: "Running late for Pricing <review> & Q&A?", priority: 4, click: `${PUBLIC_URL}/?alert=${alertId}`, authorization: "Bearer tk_s3cr3tntfytoken" });
    expect(published.actions!.map((action) => [action.action, action.label])).toEqual([
      ["http", "I'm here"],
      ["http", "Running 10 min late"],
      ["view", "Open"],
    ]);
    const here = published.actions![0]!;
    expect(here).toMatchObject({ method: "POST", clear: true });
    expect(links.verify(here.url.split("/alert-action/")[1]!, clock.now())).toMatchObject({ ok: true, claims: { alertId, action: "here" } });
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId, channel: "ntfy" } } })).toMatchObject({ status: "delivered", attempts: 2 });
    expect(logs.text()).not.toContain("tk_s3cr3tntfytoken");
    expect(logs.text()).not.toContain("ada-alerts_7");
  });

  it("skips ntfy with the reason when no topic is set", async () => {
    const owner = await createUser(db, { alertChannels: ["feed"] });
    await db.settings.update({ where: { userId: owner.userId }, data: { channelsByKind: { nudges: ["feed"], late: ["feed", "ntfy"], missed: ["feed"], digest: ["feed"] } } });
    const alertId = await createAlert(db, owner);
    await db.$transaction((tx) => queueAlertDeliveriesPerSettings(tx, [{ alertId, userId: owner.userId, kind: "late" }], clock.now()));
    await drain();
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId, channel: "ntfy" } } })).toMatchObject({ status: "skipped", lastError: "No ntfy topic is set in the settings" });
  });
});
