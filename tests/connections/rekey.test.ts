import { randomUUID } from "node:crypto";
import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findJob, jobs } from "../../jobs/registry.js";
import { runJob } from "../../jobs/run-job.js";
import { rekeyTokens } from "../../src/calendars/connections/rekey-tokens.js";
import { FixedClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { createServices, type Services } from "../../src/app/services.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";

const OLD_KEY = `old:${Buffer.alloc(32, 1).toString("base64")}`;
const NEW_KEY = `new:${Buffer.alloc(32, 2).toString("base64")}`;
const LOST_KEY = `lost:${Buffer.alloc(32, 3).toString("base64")}`;

/** Token rotation: rows sealed under an older key are re-sealed with the newest, by the rekey job, against a real database. */
describe("rekey: re-encrypting tokens after a key rotation", () => {
  const clock = new FixedClock(new Date("2026-11-23T10:00:00Z"));
  const instances: Services[] = [];
  const logs: ReturnType<typeof capturedLogger>[] = [];
  let drop: () => Promise<void>;
  let url: string;
  /** connection id → the plaintext tokens it was given */
  const plaintext = new Map<string, { access: string; refresh: string | null }>();

  const servicesWith = (keys: string) => {
    const ring = parseKeyRing(keys);
    if (!ring.ok) throw new Error(ring.problem);
    const log = capturedLogger("debug");
    logs.push(log);
    const services = createServices(loadConfig({}), { url, tokenKeys: ring.keyRing, stop: async () => {} }, clock, log.log);
    instances.push(services);
    return services;
  };

  /** A user with one connection whose tokens `services` seals (its newest key). */
  const seedConnection = async (services: Services, index: number, withRefresh = true) => {
    const id = randomUUID();
    const access = `ya29.access-${index}-${randomUUID()}`;
    const refresh = withRefresh ? `1//refresh-${index}-${randomUUID()}` : null;
    await services.db.user.create({
      data: {
        email: `rekey${index}@example.com`,
        connections: {
          create: {
            id, provider: "google", accountId: `acct-${index}`, accountEmail: `rekey${index}@example.com`, scopes: [],
            accessTokenSealed: services.sealer.seal(access, id), refreshTokenSealed: refresh === null ? null : services.sealer.seal(refresh, id),
            tokenKeyId: services.sealer.currentKeyId, accessTokenExpiresAt: clock.now(),
          },
        },
      },
    });
    plaintext.set(id, { access, refresh });
    return id;
  };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    url = database.url;
    const before = servicesWith(OLD_KEY);
    for (let index = 0; index < 9; index += 1) await seedConnection(before, index, index % 3 !== 0);
  });

  afterAll(async () => {
    await Promise.allSettled(instances.map((services) => services.close()));
    await drop?.();
  });

  it("is a registered job, scheduled daily, runnable as `npm run job -- rekey`", () => {
    const job = findJob("rekey");
    expect(job).toBe(jobs.rekey);
    expect(cron.validate(job!.schedule)).toBe(true);
    expect(job!.schedule.split(" ").slice(2)).toEqual(["*", "*", "*"]);
  });

  it("two instances at once re-seal every old row exactly once, in bounded batches; then only the newest key is needed", async () => {
    const a = servicesWith(`${NEW_KEY},${OLD_KEY}`);
    const b = servicesWith(`${NEW_KEY},${OLD_KEY}`);
    const [first, second] = await Promise.all([rekeyTokens({ ...a }, { batchSize: 2 }), rekeyTokens({ ...b }, { batchSize: 2 })]);
    expect(first!.rekeyed + second!.rekeyed).toBe(9);
    expect(first!.unreadable + second!.unreadable).toBe(0);
    expect(first!.batches + second!.batches).toBeGreaterThanOrEqual(5);

    const onlyNew = servicesWith(NEW_KEY);
    const rows = await onlyNew.db.connection.findMany();
    expect(rows).toHaveLength(9);
    for (const row of rows) {
      const expected = plaintext.get(row.id)!;
      expect(row.tokenKeyId).toBe("new");
      expect(row.accessTokenSealed!.split(".")[1]).toBe("new");
      expect(onlyNew.sealer.open(row.accessTokenSealed!, row.id)).toBe(expected.access);
      expect(row.refreshTokenSealed === null ? null : onlyNew.sealer.open(row.refreshTokenSealed, row.id)).toBe(expected.refresh);
    }
    // Without the rotation the old rows would not open with the newest key alone.
    const stale = servicesWith(OLD_KEY).sealer.seal("x", rows[0]!.id);
    expect(() => onlyNew.sealer.open(stale, rows[0]!.id)).toThrow(/no longer lists/);
  });

  it("re-seals a Zoom account's tokens too", async () => {
    const old = servicesWith(OLD_KEY);
    const user = await old.db.user.create({ data: { email: "zoom-rekey@example.com" } });
    const id = randomUUID();
    await old.db.zoomConnection.create({
      data: { id, userId: user.id, zoomUserId: "zoom-user-rekey", accountEmail: "zoom-rekey@example.com", scopes: [], accessTokenSealed: old.sealer.seal("zoom-access", id), refreshTokenSealed: old.sealer.seal("zoom-refresh", id), tokenKeyId: "old" },
    });
    const result = await rekeyTokens({ ...servicesWith(`${NEW_KEY},${OLD_KEY}`) });
    expect(result).toMatchObject({ rekeyed: 1, unreadable: 0 });
    const onlyNew = servicesWith(NEW_KEY);
    const row = await onlyNew.db.zoomConnection.findUniqueOrThrow({ where: { id } });
    expect(row.tokenKeyId).toBe("new");
    expect(onlyNew.sealer.open(row.accessTokenSealed!, id)).toBe("zoom-access");
    expect(onlyNew.sealer.open(row.refreshTokenSealed!, id)).toBe("zoom-refresh");
  });

  it("is idempotent: the job run again reports nothing to do", async () => {
    const outcome = await runJob(jobs.rekey, { ...servicesWith(`${NEW_KEY},${OLD_KEY}`), signal: new AbortController().signal }, { waitForLock: true });
    expect(outcome.status).toBe("done");
    expect(outcome.status === "done" && outcome.summary).toMatchObject({ rekeyed: 0, unreadable: 0, key: "new" });
  });

  it("counts a row no listed key opens as unreadable, leaves it untouched and still finishes", async () => {
    const lostId = await seedConnection(servicesWith(LOST_KEY), 100);
    const oldId = await seedConnection(servicesWith(OLD_KEY), 101);
    const services = servicesWith(`${NEW_KEY},${OLD_KEY}`);
    const sealedBefore = (await services.db.connection.findUniqueOrThrow({ where: { id: lostId } })).accessTokenSealed;
    const outcome = await runJob(jobs.rekey, { ...services, signal: new AbortController().signal }, { waitForLock: true });
    expect(outcome.status === "done" && outcome.summary).toMatchObject({ rekeyed: 1, unreadable: 1 });
    expect((await services.db.connection.findUniqueOrThrow({ where: { id: lostId } })).accessTokenSealed).toBe(sealedBefore);
    const rekeyed = await services.db.connection.findUniqueOrThrow({ where: { id: oldId } });
    expect(servicesWith(NEW_KEY).sealer.open(rekeyed.accessTokenSealed!, oldId)).toBe(plaintext.get(oldId)!.access);
  });

  it("never writes a token to the log", () => {
    const everything = logs.map((log) => log.text()).join("\n");
    expect(everything).toContain("could not re-seal");
    for (const { access, refresh } of plaintext.values()) {
      expect(everything).not.toContain(access);
      if (refresh) expect(everything).not.toContain(refresh);
    }
  });
});
