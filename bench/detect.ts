/**
 * `npm run bench -- detect`: prints figures, asserts nothing.
 *
 * (1) 10,000 users with 10 meetings each today, 10% under way: the detect passes the clock
 *     drives (no provider calls) → wall time, database statements per batch, peak RSS:
 *     - the first pass after the 100,000 meetings were stored as a sync stores them (the
 *       90,000 ahead already placed `upcoming`; the 10,000 under way due at first sight);
 *     - a steady tick 30 s later (the ~170 meetings starting in that minute are due);
 *     - a tick 60 s after the first, while 1,000 meetings pass their grace and turn late.
 *     Meetings are placed relative to now, so the figures do not depend on the time of day.
 * (2) The delay from a meeting's grace expiry to its "running late?" email arriving in a
 *     real SMTP sink, with the production wiring: the wake-up task due at start + grace,
 *     LISTEN/NOTIFY, the task runner, the delivery task, SMTP. p50 / p99 / max.
 */
import os from "node:os";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../src/platform/db/generated/client.js";
import { migrateDatabase } from "../src/platform/db/migrate.js";
import { announceAlerts } from "../src/alerts/alert-stream.js";
import { detectMeetings, type DetectionDependencies } from "../src/detection/detect-meetings.js";
import { queueAlertDeliveriesPerSettings } from "../src/alerts/delivery/index.js";
import { CheckInLinks } from "../src/detection/check-in-links.js";
import { systemClock } from "../src/platform/clock.js";
import { loadConfig } from "../src/platform/config.js";
import { parseKeyRing } from "../src/platform/key-ring.js";
import { createLogger } from "../src/platform/logger.js";
import { createServices } from "../src/app/services.js";
import { TaskRunner } from "../src/tasks/task-runner.js";
import { startSmtpSink } from "../tests/notify/support/smtp-sink.js";
import { startPostgresServer } from "../tests/support/postgres-server.js";
import pg from "pg";

const USERS = 10_000;
const MEETINGS_PER_USER = 10;
const MINUTE = 60_000;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Seeds with set-based SQL: the benchmark measures detection, not the seeding. */
export async function seed(url: string, now: Date): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `insert into users (id, email, name, created_at) select gen_random_uuid(), 'user' || i || '@example.com', 'User ' || i, now() from generate_series(1, $1) i`,
    [USERS],
  );
  await client.query(`insert into settings (user_id, updated_at) select id, now() from users`);
  await client.query(`insert into connections (id, user_id, provider, account_id, account_email, scopes, updated_at) select gen_random_uuid(), id, 'sandbox', id::text, email, '{}', now() from users`);
  await client.query(`insert into calendars (id, connection_id, provider_calendar_id, name, is_primary) select gen_random_uuid(), id, 'primary', 'Primary', true from connections`);
  // Meeting 0 of each user is under way: started 10 s to 4 min 13 s ago (27 s steps by user),
  // so 1,000 users pass the 5-minute grace 60 s from now. Meetings 1–9 start later today,
  // one minute slot of the next nine hours each (~170 starts a minute), from 20 s from now.
  // As a sync stores them (src/calendars/sync/store-round.ts, placeAtSight): a watched meeting that has
  // not begun goes in `upcoming`, next checked at its start; one under way is due at once.
  // Each is one whose joins can be seen live (evidence source `conference`), so every question
  // detection asks (late, are you sure?) is measured.
  await client.query(
    `insert into meetings (id, user_id, connection_id, calendar_id, provider_event_id, title, start, "end", time_zone, watched, self_response, updated_at,
                           next_check_at, state, state_changed_at, evidence_source, live_signal)
     select gen_random_uuid(), c.user_id, c.id, cal.id, 'evt-' || k, 'Client meeting ' || k, t.start, t.start + interval '30 minutes',
            'Europe/Berlin', true, 'accepted', $1,
            case when t.start > $1::timestamptz then t.start else $1::timestamptz end,
            case when t.start > $1::timestamptz then 'upcoming'::"MeetingState" end,
            case when t.start > $1::timestamptz then $1::timestamptz end,
            'conference', true
       from (select c.*, row_number() over (order by c.id) as i from connections c) c
       join calendars cal on cal.connection_id = c.id
      cross join generate_series(0, $2 - 1) k
      cross join lateral (select case when k = 0
                                      then $1::timestamptz - interval '10 seconds' - (c.i % 10) * interval '27 seconds'
                                      else $1::timestamptz + interval '20 seconds' + ((c.i * 9 + k) % 540) * interval '1 minute'
                                 end as start) t`,
    [now, MEETINGS_PER_USER],
  );
  await client.query(
    `insert into attendees (id, meeting_id, email, response, is_self) select gen_random_uuid(), m.id, 'client@else.example', 'accepted', false from meetings m`,
  );
  await client.query("analyze");
  await client.end();
}

async function detectPass(url: string, now: Date): Promise<void> {
  const log = createLogger("warn");
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  const db = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  let queries = 0;
  db.$on("query", () => (queries += 1));
  const keys = parseKeyRing(Buffer.alloc(32, 1).toString("base64"));
  if (!keys.ok) throw new Error(keys.problem);
  const deps: DetectionDependencies = {
    db,
    log,
    publicUrl: "http://localhost:3000",
    checkIns: new CheckInLinks(keys.keyRing, "http://localhost:3000"),
    // As src/app/services.ts wires it: delivery rows and tasks, and the live feed's announcement.
    onAlertsRaised: async (tx, alerts, at) => {
      await queueAlertDeliveriesPerSettings(tx, alerts, at);
      await announceAlerts(tx, alerts);
    },
  };
  await db.$queryRaw`select 1`;
  for (const [label, at] of [
    ["first pass (100,000 meetings just stored; the 10,000 under way due)", now],
    ["steady tick 30 s later", new Date(now.getTime() + MINUTE / 2)],
    ["tick 60 s later (1,000 meetings turn late)", new Date(now.getTime() + MINUTE)],
  ] as const) {
    queries = 0;
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await detectMeetings(deps, at);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const batches = Math.max(1, result.batches);
    console.log(
      `  ${label}: ${Math.round(ms)} ms wall, examined ${result.examined} in ${result.batches} batch(es), transitions ${result.transitions}, alerts ${result.alerts}; ` +
        `${queries} queries (${(queries / batches).toFixed(1)} per batch of ≤ 2,000); peak RSS ${mb(peak)}; this process's CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms`,
    );
  }
  await db.$disconnect();
}

async function lateAlertLatency(url: string): Promise<void> {
  const sink = await startSmtpSink();
  const config = loadConfig({ SMTP_URL: sink.url, PUBLIC_URL: "http://localhost:3000", LOG_LEVEL: "warn" });
  const log = createLogger("warn");
  const keys = parseKeyRing(Buffer.alloc(32, 2).toString("base64"));
  if (!keys.ok) throw new Error(keys.problem);
  const services = createServices(config, { url, tokenKeys: keys.keyRing, stop: async () => {} }, systemClock, log);
  const runner = new TaskRunner({ db: services.db, databaseUrl: url, handlers: services.taskHandlers, clock: systemClock, log, concurrency: 4 });
  await runner.start();

  const SAMPLES = 100;
  const grace = 1;
  const user = await services.db.user.create({ data: { email: "latency@example.com", name: "Lat" } });
  await services.db.settings.create({ data: { userId: user.id, lateGraceMinutes: grace, alertChannels: ["email", "feed"] } });
  const connection = await services.db.connection.create({ data: { userId: user.id, provider: "sandbox", accountId: user.id, accountEmail: user.email, scopes: [], createdAt: new Date(Date.now() - 24 * 60 * MINUTE) } });
  const calendar = await services.db.calendar.create({ data: { connectionId: connection.id, providerCalendarId: "primary", name: "Primary" } });
  // Grace expiries spread over the next ~70 s, one every 0.7 s.
  const base = Date.now() + 5_000 - grace * MINUTE;
  const expiries = new Map<string, number>();
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = new Date(base + i * 700);
    const meeting = await services.db.meeting.create({
      data: {
        userId: user.id, connectionId: connection.id, calendarId: calendar.id, providerEventId: `lat-${i}`, title: `Latency ${i}`,
        start, end: new Date(start.getTime() + 30 * MINUTE), timeZone: "UTC", watched: true, selfResponse: "accepted",
        // joins can be seen live (no conference code to read first): the question is asked at grace expiry
        evidenceSource: "conference", liveSignal: true,
        attendees: { create: [{ email: "client@else.example", response: "accepted" }] },
      },
    });
    expiries.set(`Latency ${i}`, start.getTime() + grace * MINUTE);
  }
  // First sight before the start: each meeting becomes "upcoming" with a wake-up at start, then at start + grace.
  await detectMeetings(services.detection, new Date());
  const arrivals = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (arrivals.size < SAMPLES && Date.now() < deadline) {
    for (const mail of sink.messages) {
      const subject = mail.header("subject") ?? "";
      const title = [...expiries.keys()].find((t) => subject.includes(`${t}?`) || subject.includes(`${t} `) || subject.endsWith(t));
      if (title && !arrivals.has(title)) arrivals.set(title, Date.now());
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const delays = [...arrivals].map(([title, at]) => at - expiries.get(title)!).sort((a, b) => a - b);
  const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
  console.log(`  ${delays.length}/${SAMPLES} emails; grace expiry → email in the SMTP sink: p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms, max ${delays.at(-1)} ms (target p99 ≤ 5,000 ms)`);
  await runner.stop(2000);
  await services.close();
  await sink.close();
}

/** `npm run bench -- detect [passes|latency]`: both parts by default. */
export default async function main(args: string[] = []): Promise<void> {
  const only = args[0];
  console.log(`detect benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  const server = await startPostgresServer();
  try {
    const log = createLogger("warn");
    if (only !== "latency") await passes(server.adminUrl);
    if (only !== "passes") {
      const latencyUrl = await createDatabase(server.adminUrl, "bench_latency");
      await migrateDatabase(latencyUrl, log);
      console.log("(2) late alert latency with the production wiring (exact-instant wake-up, LISTEN/NOTIFY, SMTP)");
      await lateAlertLatency(latencyUrl);
    }
    console.log(`load after: ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  } finally {
    await server.stop();
  }
}

async function passes(adminUrl: string): Promise<void> {
  const log = createLogger("warn");
  const passUrl = await createDatabase(adminUrl, "bench_detect");
  await migrateDatabase(passUrl, log);
  const now = new Date();
  const seeded = performance.now();
  await seed(passUrl, now);
  console.log(`(1) ${USERS.toLocaleString("en")} users × ${MEETINGS_PER_USER} meetings today, 10% under way (seeded in ${Math.round(performance.now() - seeded)} ms); target ≤ 2,000 ms, constant queries per batch`);
  await detectPass(passUrl, now);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
