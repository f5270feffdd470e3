import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withJobTaskHandlers } from "../../jobs/registry.js";
import { FixedClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { createServices, type Services } from "../../src/app/services.js";
import { CommitBatcher } from "../../src/tasks/commit-batcher.js";
import { enqueueTasks } from "../../src/tasks/sql/enqueue-task.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import type { ClaimedTask } from "../../src/tasks/task-row.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";

/**
 * Every production handler ends through the one commit path (CommitBatcher): its effects
 * and completion, or its failure, in the batcher's transaction. Proven two ways: each
 * registered kind run through the runner, and no other code that can mark a task done.
 */
describe("the production commit path", () => {
  let services: Services;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const keys = parseKeyRing(Buffer.alloc(32, 5).toString("base64"));
    if (!keys.ok) throw new Error(keys.problem);
    services = createServices(loadConfig({}), { url: database.url, tokenKeys: keys.keyRing, stop: async () => {} }, new FixedClock(new Date("2026-11-23T10:00:00Z")), capturedLogger().log);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await services?.close();
    await drop?.();
  });

  it("runs every registered handler kind through the runner, and the batcher commits each one's end", async () => {
    const context = withJobTaskHandlers({ ...services, signal: new AbortController().signal });
    const handlers = [...services.taskHandlers, ...(context.jobTaskHandlers ?? [])];
    const kinds = handlers.map((handler) => handler.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    // One payload every schema accepts (objects drop the keys they do not name); the ids
    // name nothing, so each handler finds nothing to do and ends at once.
    const payload = {
      draftId: randomUUID(), alertId: randomUUID(), channel: "email", connectionId: randomUUID(), forceRenew: false, meetingId: randomUUID(),
      previousMeetingId: randomUUID(), userId: randomUUID(), caseId: randomUUID(), end: "2026-11-23T09:00:00.000Z", day: "2026-11-22", job: "tasks", bucket: "2026-11-23T10:00",
    };
    const ended: string[] = [];
    const complete = CommitBatcher.prototype.complete;
    const fail = CommitBatcher.prototype.fail;
    vi.spyOn(CommitBatcher.prototype, "complete").mockImplementation(function (this: CommitBatcher, task: ClaimedTask, ...rest) {
      ended.push(task.kind);
      return complete.call(this, task, ...rest);
    });
    vi.spyOn(CommitBatcher.prototype, "fail").mockImplementation(function (this: CommitBatcher, task: ClaimedTask, ...rest) {
      ended.push(task.kind);
      return fail.call(this, task, ...rest);
    });
    await enqueueTasks(services.db, kinds.map((kind) => ({ kind, payload, idempotencyKey: `every-kind:${kind}`, dueAt: services.clock.now() })));

    const runner = new TaskRunner({ db: services.db, databaseUrl: services.databaseUrl, handlers, clock: services.clock, log: services.log, concurrency: 4 });
    expect(await runner.drain()).toEqual({ ran: kinds.length });

    expect([...ended].sort()).toEqual([...kinds].sort());
    const tasks = await services.db.task.findMany({ where: { idempotencyKey: { startsWith: "every-kind:" } }, select: { kind: true, status: true, lastError: true } });
    // Nothing left running: each ended through the batcher, done, or failed and queued again or parked.
    expect(tasks.filter((task) => task.status === "running")).toEqual([]);
    expect(tasks.filter((task) => task.status === "done").length).toBeGreaterThan(kinds.length / 2);
  });

  it("leaves marking a task done or failed to the batcher alone (no other caller in src/ or jobs/)", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const callers: string[] = [];
    for (const folder of ["src", "jobs"]) {
      for (const file of await readdir(path.join(root, folder), { recursive: true })) {
        if (!file.endsWith(".ts") || file.includes("generated")) continue;
        const relative = path.join(folder, file);
        if (relative === path.join("src", "tasks", "commit-batcher.ts") || relative.startsWith(path.join("src", "tasks", "sql"))) continue;
        const text = await readFile(path.join(root, relative), "utf8");
        if (/\b(completeTask|completeTasks|completeHeldTasks|failTask)\s*\(/.test(text) || /status\s*=\s*'done'/.test(text)) callers.push(relative);
      }
    }
    expect(callers).toEqual([]);
  });
});
