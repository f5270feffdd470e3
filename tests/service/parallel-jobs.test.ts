import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../src/platform/db/client.js";
import { openDatabase } from "../../src/platform/db/open-database.js";
import { loadConfig } from "../../src/platform/config.js";
import { createLogger } from "../../src/platform/logger.js";
import { startSmtpSink, type SmtpSink } from "../notify/support/smtp-sink.js";
import { freePort, runEntry, type RunningChild } from "../support/child-process.js";
import { seedUserWithMeetings } from "../support/seed.js";

/**
 * Several processes on one DATA_DIR with the embedded PostgreSQL: parallel `npm run job`s
 * with no server running, and a job beside `npm start`. They share one server: started once,
 * stopped by the last one out, never under anyone still using it.
 */
const MINUTE = 60_000;

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie (exited, not yet reaped by whoever inherited it) is not running.
  return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => undefined);
  return text ? Number(text.split("\n")[0]) : undefined;
}

const folders: string[] = [];
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function freshDataDir(): Promise<string> {
  // Under /tmp, 0700: as root the service lets the postgres user through by itself.
  const parent = await mkdtemp(path.join(tmpdir(), "makegood-jobs-"));
  folders.push(parent);
  return path.join(parent, "data");
}

describe("parallel npm run job on one data folder", () => {
  it("ten jobs at once with no server running all succeed, share one server, send each alert once, and leave it stopped", async () => {
    const dataDir = await freshDataDir();
    // Sixteen meetings under way with nobody in them: detection raises a "running late?" for each.
    const config = loadConfig({ DATA_DIR: dataDir });
    const database = await openDatabase(config, createLogger("silent"));
    const db = createPrismaClient(database.url);
    const now = Date.now();
    const meetings = Array.from({ length: 16 }, (_, i) => ({ title: `Review-${String(i + 1).padStart(2, "0")}`, start: new Date(now - 20 * MINUTE), end: new Date(now + 40 * MINUTE) }));
    const { userId } = await seedUserWithMeetings(db, { meetings, alertChannels: ["email"], timeZone: "UTC" });
    // The sync jobs run but leave the seeded calendar alone: a sandbox sync would replace these
    // meetings with the sample calendar's, and then no alert is due at all.
    await db.connection.updateMany({ where: { userId }, data: { backoffUntil: new Date(now + 24 * 60 * MINUTE) } });
    await db.$disconnect();
    await database.stop();
    expect(await postmasterPid(dataDir)).toBeUndefined();

    const env = { DATA_DIR: dataDir, SMTP_URL: sink.url, SMTP_FROM: "Makegood <makegood@example.com>", LOG_FORMAT: "json" };
    const names = ["detect", "tasks", "sync", "detect", "tasks", "sync", "detect", "tasks", "tasks", "detect"];
    const children: RunningChild[] = names.map((name) => runEntry("jobs/cli.ts", [name], env));
    const codes = await Promise.all(children.map((child) => child.waitForExit(200_000)));
    const failures = children.flatMap((child, i) => (codes[i] === 0 ? [] : [`${names[i]} exited ${codes[i]}:\n${child.output().slice(-1500)}`]));
    expect(failures).toEqual([]);
    const outputs = children.map((child) => child.output());
    // One of them started the server; nobody started a second one or initialised the folder twice.
    expect(outputs.filter((output) => output.includes("embedded PostgreSQL started"))).toHaveLength(1);
    expect(outputs.filter((output) => output.includes("initialising the embedded PostgreSQL data folder"))).toHaveLength(0);
    expect(outputs.filter((output) => output.includes("embedded PostgreSQL stopped"))).toHaveLength(1);
    expect(await postmasterPid(dataDir)).toBeUndefined();

    // Whatever the parallel runs left queued goes out now: still one email per meeting.
    const last = runEntry("jobs/cli.ts", ["tasks"], env);
    expect(await last.waitForExit(60_000), last.output()).toBe(0);
    const subjects = sink.messages.map((message) => message.header("subject") ?? "");
    const perMeeting = new Map<string, number>();
    for (const meeting of meetings) perMeeting.set(meeting.title, subjects.filter((subject) => subject.includes(meeting.title)).length);
    if (process.env["JOBS_VERBOSE"]) process.stderr.write(`${outputs.join("\n")}\n${last.output()}\n${subjects.join("\n")}\n`);
    expect(Object.fromEntries(perMeeting)).toEqual(Object.fromEntries(meetings.map((meeting) => [meeting.title, 1])));
    expect(await postmasterPid(dataDir)).toBeUndefined();
  }, 300_000);

  it("a job beside a running npm start leaves the server running, and npm start stops it on its way out", async () => {
    const dataDir = await freshDataDir();
    const port = await freePort();
    const service = runEntry("src/app/main.ts", [], { DATA_DIR: dataDir, PORT: String(port) });
    try {
      await service.waitForOutput(/Makegood is running at/, 90_000);
      const pid = await postmasterPid(dataDir);
      expect(pid).toBeDefined();

      const jobs = ["detect", "tasks", "sync"].map((name) => runEntry("jobs/cli.ts", [name], { DATA_DIR: dataDir }));
      expect(await Promise.all(jobs.map((job) => job.waitForExit(90_000)))).toEqual([0, 0, 0]);
      for (const job of jobs) expect(job.output()).toContain("left the embedded PostgreSQL running: another process still uses it");
      expect(alive(pid!)).toBe(true);
      expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);

      service.kill("SIGINT");
      expect(await service.waitForExit(30_000)).toBe(0);
      expect(service.output()).toContain("embedded PostgreSQL stopped");
      expect(alive(pid!)).toBe(false);
    } finally {
      service.kill("SIGKILL");
    }
  }, 180_000);

  it("a job killed while it holds its place does not keep the next one from stopping the server", async () => {
    const dataDir = await freshDataDir();
    const env = { DATA_DIR: dataDir };
    // A first run initialises the folder; a second is killed once it is using the server.
    const first = runEntry("jobs/cli.ts", ["detect"], env);
    expect(await first.waitForExit(90_000), first.output()).toBe(0);
    const killed = runEntry("jobs/cli.ts", ["tasks"], { ...env, LOG_LEVEL: "debug" });
    // Past its place among the server's users: the migration check comes after it.
    await killed.waitForOutput(/database schema is current/, 60_000);
    killed.kill("SIGKILL");
    await killed.waitForExit(10_000);
    const pid = await postmasterPid(dataDir);
    expect(pid).toBeDefined();

    const next = runEntry("jobs/cli.ts", ["detect"], env);
    expect(await next.waitForExit(60_000), next.output()).toBe(0);
    expect(next.output()).toContain("using the embedded PostgreSQL that is already running");
    expect(next.output()).toContain("embedded PostgreSQL stopped");
    expect(alive(pid!)).toBe(false);
  }, 240_000);
  it("a job killed while it holds the start lock (mid-initdb) does not wedge the next start", async () => {
    const dataDir = await freshDataDir();
    const killed = runEntry("jobs/cli.ts", ["detect"], { DATA_DIR: dataDir });
    await killed.waitForOutput(/initialising the embedded PostgreSQL data folder/, 60_000);
    killed.kill("SIGKILL");
    await killed.waitForExit(10_000);

    const next = runEntry("jobs/cli.ts", ["detect"], { DATA_DIR: dataDir });
    expect(await next.waitForExit(90_000), next.output()).toBe(0);
    expect(next.output()).toMatch(/detect: done/);
    expect(next.output()).toContain("embedded PostgreSQL stopped");
    expect(await postmasterPid(dataDir)).toBeUndefined();
  }, 180_000);
});
