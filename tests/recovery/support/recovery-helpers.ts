import { expect } from "vitest";
import type { FixedClock } from "../../../src/platform/clock.js";
import type { CaseView } from "../../../src/recovery/case-service.js";
import type { DraftView } from "../../../src/recovery/drafts/draft-view.js";
import { requestSync } from "../../../src/calendars/sync/sync-task.js";
import type { CookieClient } from "../../support/cookie-client.js";
import type { Harness } from "../../support/service-harness.js";

/** Polls `probe` until it returns something truthy; `onSlow` runs once when half the time has passed. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string, options: { timeout?: number; onSlow?: () => void } = {}): Promise<T> {
  const timeout = options.timeout ?? 15_000;
  const started = Date.now();
  let slowDone = false;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (!slowDone && options.onSlow && Date.now() - started > timeout / 3) {
      slowDone = true;
      options.onSlow();
    }
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function casesOf(browser: CookieClient): Promise<CaseView[]> {
  const reply = await browser.json<{ cases: CaseView[] }>("/api/cases");
  expect(reply.status).toBe(200);
  return reply.body.cases;
}

export async function draftsOf(browser: CookieClient): Promise<DraftView[]> {
  const reply = await browser.json<{ drafts: DraftView[] }>("/api/drafts");
  expect(reply.status).toBe(200);
  return reply.body.drafts;
}

export async function syncNow(harness: Harness, email: string, clock: FixedClock, reason: string): Promise<void> {
  // Time moves on between changes (the re-decide task after a sync is keyed by the time).
  clock.advance(1000);
  const connection = await harness.service.services.db.connection.findFirstOrThrow({ where: { accountEmail: email } });
  await harness.service.services.db.$transaction((tx) => requestSync(tx, connection.id, reason, clock.now()));
}

/** Waits until no task due by the clock is queued or running (the runner caught up). */
export async function settled(harness: Harness, clock: FixedClock): Promise<void> {
  await eventually(
    async () => (await harness.service.services.db.task.count({ where: { OR: [{ status: "running" }, { status: "queued", dueAt: { lte: clock.now() } }] } })) === 0,
    "the task queue to settle",
  );
}
