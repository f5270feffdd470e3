import { expect } from "vitest";
import { detectJob } from "../../jobs/detect.js";
import { runJob } from "../../jobs/run-job.js";
import { tasksJob } from "../../jobs/tasks.js";
import type { FixedClock } from "../../src/platform/clock.js";
import { settleTasks } from "../sync/support.js";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import { CookieClient } from "./cookie-client.js";
import type { Harness } from "./service-harness.js";

/** Signs a user in through the real OAuth flow against the emulator and returns their browser. */
export async function connectAs(harness: Harness, provider: "google" | "microsoft", email: string): Promise<CookieClient> {
  harness.emulator.control.setNextLogin(provider, email);
  const browser = new CookieClient(harness.baseUrl);
  const { hops } = await browser.follow(`/auth/${provider}`);
  expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=${provider}`);
  return browser;
}

export async function meetingsOf(browser: CookieClient, query = ""): Promise<MeetingView[]> {
  const reply = await browser.json<{ meetings: MeetingView[] }>(`/api/meetings${query}`);
  expect(reply.status).toBe(200);
  return reply.body.meetings;
}

/** Waits until the meeting titled `title` satisfies `check` (the task runner works in the background). */
export async function waitForMeeting(browser: CookieClient, title: string, check: (meeting: MeetingView) => boolean, timeout = 10_000, query = ""): Promise<MeetingView> {
  // A plain loop rather than expect.poll, so it also works in beforeAll.
  const deadline = Date.now() + timeout;
  let found: MeetingView | undefined;
  while (Date.now() < deadline) {
    found = (await meetingsOf(browser, query)).find((meeting) => meeting.title === title);
    if (found && check(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`meeting "${title}" did not reach the expected state within ${timeout} ms; last seen: ${JSON.stringify(found)}`);
}

/**
 * As if the user had connected this calendar long ago: a new connection is never asked about
 * meetings that ended before it was made (PRODUCT §3), so tests about past meetings backdate it
 * and let detection decide the connection's meetings afresh, as it would have live.
 */
export async function connectedLongAgo(harness: Harness, email: string): Promise<void> {
  const { db, clock } = harness.service.services;
  const connection = await db.connection.findFirstOrThrow({ where: { accountEmail: email } });
  await db.$transaction(async (tx) => {
    await tx.connection.update({ where: { id: connection.id }, data: { createdAt: new Date("2020-01-01T00:00:00Z") } });
    const meetings = { connectionId: connection.id };
    await tx.alert.deleteMany({ where: { meeting: meetings } });
    await tx.stateTransition.deleteMany({ where: { meeting: meetings } });
    await tx.meeting.updateMany({ where: { ...meetings, watched: true }, data: { state: null, stateChangedAt: null, digestedAt: null, nextCheckAt: clock.now() } });
  });
}

/**
 * Moves the service's clock to `iso` and runs what production runs at that minute: the cron
 * detect pass and the due tasks, until nothing due is left (tests on a clock they move).
 */
export async function tickTo(harness: Harness, clock: FixedClock, iso: string): Promise<void> {
  const context = { ...harness.service.services, signal: new AbortController().signal };
  clock.set(new Date(iso));
  await runJob(detectJob, context, { waitForLock: true });
  await runJob(tasksJob, context, { waitForLock: true });
  await settleTasks(harness);
}
