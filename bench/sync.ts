import { spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { pino } from "pino";
import { runJob } from "../jobs/run-job.js";
import { syncJob } from "../jobs/sync.js";
import { migrateDatabase } from "../src/platform/db/migrate.js";
import { systemClock } from "../src/platform/clock.js";
import { loadConfig } from "../src/platform/config.js";
import { createServices, type Services } from "../src/app/services.js";
import { syncConnection } from "../src/calendars/sync/sync-connection.js";
import { roundPages } from "../src/calendars/sync-pages.js";
import { startPostgresServer } from "../tests/support/postgres-server.js";
import { connect, startChildEmulator, type ChildEmulator, type Kind } from "./support/fixtures.js";

/**
 * `npm run bench -- sync`: the calendar sync against the provider emulator and a throwaway
 * PostgreSQL, with the service's own code paths (syncConnection, the sync job).
 *
 * How things are set up and counted:
 * - PostgreSQL: tests/support/postgres-server.ts (initdb'd, fsync off like the test suite),
 *   migrated with src/platform/db/migrate.ts.
 * - The emulator runs in a child process (bench/support/emulator-child.ts), so the RSS printed
 *   here is the service's (its pools, adapters, Prisma), not the emulator's.
 * - Connections are real OAuth grants, without 1,000 browser flows: for each account the
 *   benchmark asks the emulator's authorize endpoint for a code (login_hint, PKCE), and the
 *   service's own OAuth client (`providers.oauth(kind).exchangeCode`) redeems it at the
 *   emulator's token endpoint. The tokens are sealed with the service's TokenSealer into user
 *   and connection rows, as the connect flow stores them (bench/support/fixtures.ts). The
 *   1,000 accounts of (b) and (c), and the edits of (c), are made by a set-up child process
 *   (bench/support/setup-child.ts) with the same code, so this process's RSS is the syncing
 *   service's alone; the 5,000 events of (a) are seeded in one batch request.
 * - RSS: sampled every 25 ms; "peak" is the highest sample during that step, which includes
 *   whatever the process kept from the steps before (V8 rarely returns heap to the system).
 * - Provider API calls: the emulator's request log (GET /_emulator/requests), which records
 *   every request except the control API, token refreshes included.
 * - DB queries: every statement the service sends through node-postgres (Prisma's adapter and
 *   the advisory-lock pool both use pg.Client), counted by wrapping pg.Client.prototype.query
 *   in this process; BEGINs counted apart as transactions.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TOKEN_KEY = Buffer.alloc(32, 7).toString("base64");
const TARGETS = { eventsPerSecond: 5_000, pollSeconds: 10, changedSeconds: 20, rssMb: 300 };

// ---- counters ---------------------------------------------------------------------------
const counts = { queries: 0, transactions: 0 };
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === "string" ? first : first && typeof first === "object" && "text" in first ? String((first as { text: unknown }).text) : "";
  counts.queries += 1;
  if (/^\s*begin/i.test(text)) counts.transactions += 1;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** The full round's requests as plain fetches (no SDK, no mapping): what the emulator alone costs. */
async function rawFullRound(emulator: ChildEmulator, provider: Kind, services: Services, connectionId: string, window: { start: Date; end: Date }): Promise<number> {
  const token = await services.sync.tokensFor({ id: connectionId, provider })!.accessToken();
  const headers = { authorization: `Bearer ${token}`, ...(provider === "microsoft" ? { prefer: 'outlook.timezone="UTC", outlook.body-content-type="text", odata.maxpagesize=1000' } : {}) };
  let next: string | undefined =
    provider === "google"
      ? `${emulator.url}/calendar/v3/calendars/primary/events?singleEvents=true&maxResults=1000&timeMin=${window.start.toISOString()}&timeMax=${window.end.toISOString()}`
      : `${emulator.url}/v1.0/me/calendarView/delta?startDateTime=${window.start.toISOString()}&endDateTime=${window.end.toISOString()}`;
  let bytes = 0;
  while (next) {
    const body = await (await fetch(next, { headers })).text();
    bytes += body.length;
    const page = JSON.parse(body) as { nextPageToken?: string; "@odata.nextLink"?: string };
    next = provider === "google" ? (page.nextPageToken ? `${next.replace(/&pageToken=.*$/, "")}&pageToken=${page.nextPageToken}` : undefined) : page["@odata.nextLink"];
  }
  return bytes;
}

interface LoggedRequest {
  method: string;
  path: string;
}

/** Runs bench/support/setup-child.ts with `input` and returns what it printed. */
async function inChild<T>(input: object): Promise<T> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./support/setup-child.ts", import.meta.url))], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  child.stdin!.end(JSON.stringify(input));
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`bench set-up child exited with ${code}`);
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as T;
}

async function providerCalls(emulator: ChildEmulator): Promise<LoggedRequest[]> {
  return emulator.control<LoggedRequest[]>("GET", "/requests");
}

async function measure<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; queries: number; transactions: number; peakRssMb: number }> {
  const before = { ...counts };
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const value = await run();
  const seconds = (performance.now() - started) / 1000;
  sampleRss();
  return { value, seconds, queries: counts.queries - before.queries, transactions: counts.transactions - before.transactions, peakRssMb: mb(peakRss) };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const line = (label: string, value: string, target?: string) => console.log(`  ${label.padEnd(44)} ${value.padStart(14)}${target ? `   target ${target}` : ""}`);

export default async function main(): Promise<void> {
  const cpus = os.cpus();
  const load = () => os.loadavg().map((value) => value.toFixed(2)).join(", ");
  console.log(`Makegood sync benchmark — ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${mb(os.totalmem())} MB RAM, Node ${process.version}, ${os.platform()} ${os.release()}; load average ${load()}`);
  const rssTimer = setInterval(sampleRss, 25);
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query("create database bench_sync");
  await admin.end();
  const databaseUrl = server.adminUrl.replace(/\/postgres$/, "/bench_sync");
  const log = pino({ level: "silent" });
  await migrateDatabase(databaseUrl, log);
  const emulator = await startChildEmulator();
  const config = loadConfig({ ...emulator.env, DATABASE_URL: databaseUrl, TOKEN_ENCRYPTION_KEY: TOKEN_KEY, PUBLIC_URL: "http://localhost:3999", CRON: "false", WORKERS: "0", LOG_LEVEL: "silent" });
  const services = createServices(config, { url: databaseUrl, tokenKeys: config.tokenKeys!, stop: async () => {} }, systemClock, log);
  // Prisma instantiates its query compiler (WebAssembly, ~70 MB of RSS) at the first query: a
  // running service has done that long before it syncs, so the baseline includes it.
  await services.db.$queryRaw`select 1`;
  console.log(`RSS after start-up (service graph, SDKs, Prisma's query compiler loaded): ${mb(process.memoryUsage().rss)} MB`);
  const job = () => runJob(syncJob, { ...services, signal: new AbortController().signal }, { waitForLock: true });
  const now = Date.now();

  try {
    // ---- (a) one connection with 5,000 events ---------------------------------------------
    // The adapter-only read and the raw HTTP read below run first, so the measured sync is warm
    // (a cold first round also pays for lazy module loading and JIT).
    console.log("\n(a) full sync of one connection holding 5,000 events (4,300 single + 50 daily series × 14 instances), 2 attendees each");
    for (const provider of ["google", "microsoft"] as const) {
      const email = provider === "google" ? "big@example.com" : "big@contoso.example";
      await emulator.control("POST", "/users", { provider, email, name: "Big Calendar" });
      const guests = [{ email, response: "accepted" }, { email: "client@else.example", name: "Client", response: "accepted" }];
      const inputs: Array<{ summary: string; start: string; durationMs: number; recurrence?: string[] }> = [
        ...Array.from({ length: 4_300 }, (_, i) => ({ summary: `Meeting ${i}`, start: new Date(now - DAY + ((i * 263) % (13 * 24)) * HOUR + (i % 4) * 900_000).toISOString(), durationMs: 30 * 60_000 })),
        ...Array.from({ length: 50 }, (_, i) => ({ summary: `Series ${i}`, start: new Date(now - DAY + i * 1_800_000).toISOString(), durationMs: 15 * 60_000, recurrence: ["RRULE:FREQ=DAILY;COUNT=14"] })),
      ];
      // One batch request: seeding 4,350 events one request each would inflate this process's RSS
      // (HTTP client buffers) before the service's own figure is taken.
      await emulator.control("POST", "/events/batch", {
        account: email,
        provider,
        events: inputs.map((input) => ({ summary: input.summary, start: input.start, end: new Date(Date.parse(input.start) + input.durationMs).toISOString(), timeZone: "Europe/Berlin", attendees: guests, ...(input.recurrence ? { recurrence: input.recurrence } : {}) })),
      });
      const connectionId = await connect(services, provider, email);
      // The provider's share: the same full round read by the adapter alone, not stored.
      const adapter = services.providers.calendar({ id: connectionId, provider, accountId: "", accountEmail: email }, services.sync.tokensFor({ id: connectionId, provider })!);
      const [primary] = await adapter.listCalendars();
      const window = { start: new Date(Date.now() - config.syncWindow.pastDays * DAY), end: new Date(Date.now() + config.syncWindow.futureDays * DAY) };
      const read = await measure(async () => {
        let events = 0;
        for await (const page of roundPages(adapter, { providerCalendarId: primary!.providerCalendarId, cursor: null, window })) events += page.changes.length;
        return events;
      });
      // The emulator's share: the same HTTP requests with no client library, bodies read as text.
      const raw = await measure(() => rawFullRound(emulator, provider, services, connectionId, window));
      await emulator.control("DELETE", "/requests");
      const result = await measure(() => syncConnection(connectionId, services.sync));
      const stored = await services.db.meeting.count({ where: { connectionId } });
      const calls = (await providerCalls(emulator)).length;
      console.log(` ${provider}: ${JSON.stringify(result.value)}`);
      line("events stored in Postgres", String(stored), "5000");
      line("wall time (s)", fixed(result.seconds, 2));
      line("events/s stored", fixed(stored / result.seconds, 0), `≥ ${TARGETS.eventsPerSecond}`);
      line("  of which reading the round (adapter only, s)", fixed(read.seconds, 2));
      line("  of which the emulator answering (raw HTTP, s)", fixed(raw.seconds, 2));
      const serviceSeconds = result.seconds - raw.seconds;
      line("  events/s, wall time less the emulator's", serviceSeconds > 0.05 ? fixed(stored / serviceSeconds, 0) : "n/a (noise)", `≥ ${TARGETS.eventsPerSecond}`);
      line("provider API calls", String(calls));
      line("DB statements / transactions", `${result.queries} / ${result.transactions}`);
      line("peak RSS (MB)", String(result.peakRssMb), `≤ ${TARGETS.rssMb}`);
      // Not part of the 1,000 below.
      await services.db.user.deleteMany({ where: { connections: { some: { id: connectionId } } } });
    }

    if (process.env["BENCH_SYNC_ONLY_A"]) {
      console.log(`\nload average at the end: ${load()}`);
      return;
    }
    // ---- 1,000 connections, 500 per provider ---------------------------------------------------
    const accounts = Array.from({ length: 1_000 }, (_, i) => ({ provider: (i % 2 === 0 ? "google" : "microsoft") as Kind, email: `user${i}@${i % 2 === 0 ? "example.com" : "contoso.example"}` }));
    const setup = await measure(() =>
      inChild<{ eventIds: Record<string, string> }>({
        command: "connect", emulatorUrl: emulator.url, env: emulator.env, databaseUrl, key: TOKEN_KEY, publicUrl: config.publicUrl,
        accounts: accounts.map(({ provider, email }) => ({ provider, email, start: new Date(now + 2 * HOUR).toISOString(), end: new Date(now + 3 * HOUR).toISOString() })),
      }),
    );
    const eventIds = setup.value.eventIds;
    console.log(`\nset-up (in a child process): 1,000 OAuth-connected accounts (500 Google, 500 Microsoft) in ${fixed(setup.seconds)} s`);
    await emulator.control("DELETE", "/requests");
    const first = await measure(job);
    const firstCalls = (await providerCalls(emulator)).length;
    console.log(`first sync job (full rounds): ${fixed(first.seconds, 2)} s, ${JSON.stringify(first.value.status === "done" ? first.value.summary : first.value)}, ${fixed(firstCalls / 1000, 2)} provider calls and ${fixed(first.queries / 1000, 1)} DB statements per connection`);

    // ---- (b) poll with no changes -------------------------------------------------------------
    await emulator.control("DELETE", "/requests");
    const poll = await measure(job);
    const pollCalls = await providerCalls(emulator);
    const perKind = (kind: Kind) => pollCalls.filter((call) => (kind === "google" ? !call.path.startsWith("/v1.0/") && !call.path.includes("/oauth2/v2.0/") : call.path.startsWith("/v1.0/") || call.path.includes("/oauth2/v2.0/"))).length;
    console.log("\n(b) poll of 1,000 connections with no changes (the sync job)");
    console.log(`  ${JSON.stringify(poll.value.status === "done" ? poll.value.summary : poll.value)}`);
    line("wall time (s)", fixed(poll.seconds, 2), `≤ ${TARGETS.pollSeconds}`);
    line("provider API calls per connection", fixed(pollCalls.length / 1000, 3), "exactly 1");
    line("  Google / Microsoft per connection", `${fixed(perKind("google") / 500, 3)} / ${fixed(perKind("microsoft") / 500, 3)}`);
    line("DB statements per connection", fixed(poll.queries / 1000, 1));
    line("DB transactions per connection", fixed(poll.transactions / 1000, 1));
    line("peak RSS (MB)", String(poll.peakRssMb), `≤ ${TARGETS.rssMb}`);

    // ---- (c) one changed event each -------------------------------------------------------------
    await inChild({
      command: "move", emulatorUrl: emulator.url,
      moves: accounts.map(({ provider, email }) => ({ provider, email, id: eventIds[email]!, summary: "Weekly sync (moved)", start: new Date(now + 4 * HOUR).toISOString(), end: new Date(now + 5 * HOUR).toISOString() })),
    });
    await emulator.control("DELETE", "/requests");
    const changed = await measure(job);
    const changedCalls = (await providerCalls(emulator)).length;
    const moved = await services.db.meeting.count({ where: { title: "Weekly sync (moved)" } });
    console.log("\n(c) the same 1,000 with one changed event each (the sync job)");
    console.log(`  ${JSON.stringify(changed.value.status === "done" ? changed.value.summary : changed.value)}`);
    line("wall time (s)", fixed(changed.seconds, 2), `≤ ${TARGETS.changedSeconds}`);
    line("changes stored", String(moved), "1000");
    line("provider API calls per connection", fixed(changedCalls / 1000, 3));
    line("DB statements per connection", fixed(changed.queries / 1000, 1));
    line("DB transactions per connection", fixed(changed.transactions / 1000, 1));
    line("peak RSS (MB)", String(changed.peakRssMb), `≤ ${TARGETS.rssMb}`);
    console.log(`\nload average at the end: ${load()} (figures swing with the machine's load)`);
  } finally {
    clearInterval(rssTimer);
    await services.close();
    await emulator.stop();
    await server.stop();
  }
}
