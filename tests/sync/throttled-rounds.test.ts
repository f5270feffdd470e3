import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncConnection } from "../../src/calendars/sync/sync-connection.js";
import { connectAs } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectionOf, eventually, settleTasks, type Kind } from "./support.js";

const HOUR = 3_600_000;
const accounts: Record<Kind, string> = { google: "tara@example.com", microsoft: "tom@contoso.example" };
/** Three pages on both providers (1,000 events a page). */
const EVENTS = 2_100;
const LIST_PATH: Record<Kind, string> = { google: "/calendar/v3/calendars/*/events", microsoft: "/v1.0/me/calendarView/delta" };
const isList = (path: string) => path.endsWith("/events") || path.endsWith("/calendarView/delta");

/**
 * A round throttled in its middle: a short Retry-After is waited out and the round goes on from
 * the page it was on (every page read once, the round stored whole); a long one ends the round
 * and queues the connection's sync for the instant the provider named, not the next poll.
 */
describe.each(["google", "microsoft"] as const)("a sync round throttled mid-way (%s)", (provider) => {
  let harness: Harness;
  const owner = accounts[provider];

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider, email: owner });
    const start = Date.now() + HOUR;
    for (let index = 0; index < EVENTS; index += 1) {
      control.createEvent(owner, { summary: `Slot ${index}`, start: new Date(start + index * 300_000).toISOString(), end: new Date(start + index * 300_000 + 240_000).toISOString(), attendees: [{ email: owner, response: "accepted" }, { email: "guest@client.example", response: "accepted" }] }, provider);
    }
    await connectAs(harness, provider, owner);
    await eventually(async () => (await harness.service.services.db.meeting.count()) === EVENTS, 60_000, "the first sync");
    await settleTasks(harness);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  /** The next sync lists the whole window again (a full round of three pages). */
  async function forceFullRound(connectionId: string): Promise<void> {
    await harness.service.services.db.calendar.updateMany({ where: { connectionId }, data: { syncCursor: null } });
  }

  it("Retry-After: 1 on page 2 is waited out: the round continues from page 2 and ends synced, no page read twice", async () => {
    const { control } = harness.emulator;
    const { db, sync } = harness.service.services;
    const connection = await connectionOf(harness, provider, owner);
    await forceFullRound(connection.id);
    control.clearRequests();
    control.addFault({ method: "GET", path: LIST_PATH[provider], kind: "rateLimit", retryAfterSeconds: 1, skip: 1, times: 1 });
    const started = Date.now();
    const outcome = await syncConnection(connection.id, sync);
    expect(outcome).toMatchObject({ status: "synced", fullRounds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const reads = control.requests({ method: "GET" }).filter((r) => isList(r.path));
    // Three pages and the one throttled read of page 2, read again after the wait: four, the first page once.
    expect(reads).toHaveLength(4);
    const firstPageReads = reads.filter((r) => !r.query["pageToken"] && !r.query["$skiptoken"]);
    expect(firstPageReads).toHaveLength(1);
    expect(reads[1]!.query).toEqual(reads[2]!.query);
    const calendar = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(calendar.syncCursor).not.toBeNull();
    expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ backoffUntil: null, lastSyncError: null });
    expect(await db.meeting.count({ where: { connectionId: connection.id, isCancelled: false } })).toBe(EVENTS);
  });

  it("Retry-After: 120 on page 2 ends the round and queues the connection's sync for that instant", async () => {
    const { control } = harness.emulator;
    const { db, sync } = harness.service.services;
    const connection = await connectionOf(harness, provider, owner);
    await forceFullRound(connection.id);
    control.clearRequests();
    control.addFault({ method: "GET", path: LIST_PATH[provider], kind: "rateLimit", retryAfterSeconds: 120, skip: 1, times: 1 });
    const outcome = await syncConnection(connection.id, sync);
    expect(outcome).toMatchObject({ status: "backing_off" });
    expect(control.requests({ method: "GET" }).filter((r) => isList(r.path))).toHaveLength(2);
    const row = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row.backoffUntil).not.toBeNull();
    const queued = await db.task.findMany({ where: { kind: "sync_connection", status: "queued", payload: { equals: { connectionId: connection.id } } } });
    expect(queued.map((task) => task.dueAt.toISOString())).toEqual([row.backoffUntil!.toISOString()]);
    // Two minutes away, as asked.
    expect(row.backoffUntil!.getTime() - Date.now()).toBeGreaterThan(110_000);
    await db.task.deleteMany({ where: { id: { in: queued.map((task) => task.id) } } });
    await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: null } });
  });
});
