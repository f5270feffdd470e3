import type { Harness } from "../support/service-harness.js";

export type Kind = "google" | "microsoft";

/** Waits until no task is queued-and-due or running, so a direct syncConnection call never races the runner. */
export async function settleTasks(harness: Harness, timeoutMs = 10_000): Promise<void> {
  const { db, clock } = harness.service.services;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const busy = await db.task.count({ where: { OR: [{ status: "running" }, { status: "queued", dueAt: { lte: clock.now() } }] } });
    if (busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const left = await db.task.findMany({ where: { status: { in: ["queued", "running"] } }, select: { kind: true, status: true, dueAt: true, lastError: true } });
  throw new Error(`tasks did not settle within ${timeoutMs} ms: ${JSON.stringify(left)}`);
}

export async function connectionOf(harness: Harness, provider: Kind, email: string) {
  return harness.service.services.db.connection.findFirstOrThrow({ where: { provider, accountEmail: email } });
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}
