import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/calendars/provider-error.js";
import type { CalendarProvider, SyncPage } from "../../src/calendars/provider.js";
import { syncConnection, type SyncDependencies } from "../../src/calendars/sync/sync-connection.js";
import { connectAs } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectionOf, eventually, settleTasks, type Kind } from "./support.js";

const HOUR = 3_600_000;
const accounts: Record<Kind, string> = { google: "paige@example.com", microsoft: "pat@contoso.example" };
/** More than one page on both providers (1,000 per page). */
const EVENTS = 1_250;

/**
 * A round is stored page by page inside one transaction that saves the cursor last: a failure
 * after some pages were stored rolls all of them back and leaves the cursor where it was, so the
 * next sync repeats the round. The failure is injected between two real pages from the emulator
 * (the adapter is wrapped, nothing else), because the emulator cannot fail "the second page" on cue.
 */
describe.each(["google", "microsoft"] as const)("paged rounds (%s)", (provider) => {
  let harness: Harness;
  const owner = accounts[provider];
  const ids: string[] = [];

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider, email: owner });
    const start = Date.now() + HOUR;
    for (let index = 0; index < EVENTS; index += 1) {
      ids.push(control.createEvent(owner, { summary: `Slot ${index}`, start: new Date(start + index * 600_000).toISOString(), end: new Date(start + index * 600_000 + 300_000).toISOString(), attendees: [{ email: owner, response: "accepted" }, { email: "guest@client.example", response: "accepted" }] }, provider).id);
    }
    await connectAs(harness, provider, owner);
    await eventually(async () => (await harness.service.services.db.meeting.count()) === EVENTS, 30_000, "the first sync");
    await settleTasks(harness);
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("a failure after the first page stores nothing and keeps the cursor; the next sync stores the whole round", async () => {
    const { control } = harness.emulator;
    const { db, sync } = harness.service.services;
    const connection = await connectionOf(harness, provider, owner);
    const calendarBefore = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
    // Every event changes, so the incremental round is as long as the calendar.
    for (const [index, id] of ids.entries()) control.updateEvent(owner, id, { summary: `Slot ${index} (moved)` }, provider);

    let pagesServed = 0;
    const failingOnSecondPage: SyncDependencies = {
      ...sync,
      providers: {
        ...sync.providers,
        oauth: (kind) => sync.providers.oauth(kind),
        calendar(identity, tokens): CalendarProvider {
          const real = sync.providers.calendar(identity, tokens);
          return {
            ...real,
            async *syncPages(request): AsyncGenerator<SyncPage> {
              for await (const page of real.syncPages!(request)) {
                if (pagesServed === 1) throw new ProviderError(provider, "transient", "connection reset while reading page 2");
                pagesServed += 1;
                yield page;
              }
            },
          };
        },
      },
    };
    const failed = await syncConnection(connection.id, failingOnSecondPage);
    expect(failed).toMatchObject({ status: "backing_off" });
    expect(pagesServed).toBe(1);
    expect(await db.meeting.count({ where: { connectionId: connection.id, title: { endsWith: "(moved)" } } })).toBe(0);
    const calendarAfterFailure = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(calendarAfterFailure.syncCursor).toBe(calendarBefore.syncCursor);

    await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: null } });
    const outcome = await syncConnection(connection.id, sync);
    expect(outcome).toMatchObject({ status: "synced", upserted: EVENTS, fullRounds: 0 });
    expect(await db.meeting.count({ where: { connectionId: connection.id, title: { endsWith: "(moved)" } } })).toBe(EVENTS);
    expect((await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } })).syncCursor).not.toBe(calendarBefore.syncCursor);
  }, 60_000);
});
