/**
 * `npm run bench -- realday [checks_in] [meetings] [every_minute]`: a realistic working day, measured against
 * its ground truth. Prints figures, asserts nothing, exits 0.
 *
 * Two salespeople connect their calendars at 08:00 of their own morning, as new users: Maya on
 * Google Workspace (New York) and Tom on a Microsoft work account (London), 17 meetings each on
 * Tuesday 2026-11-17 (Meet and Teams meetings organised by them, by colleagues and by clients;
 * lunches and site visits at street addresses; Zoom links; phone calls; some attended, some
 * joined late, some missed) and a few on Monday that ended before they connected. The real
 * service (HTTP, OAuth, sync, detection, the task table, alert emails over SMTP to a sink) runs
 * against the provider emulator, which enforces the providers' visibility rules (Meet records:
 * the space owner or a participant; Teams attendance reports: the organiser only, after the
 * end), on a clock moved minute by minute through Tuesday and on until Wednesday's working day
 * has ended in New York (Tuesday evening's meetings are asked about in Wednesday's digest). The fixture, the world and
 * the scoring live in tests/realday/ (realday.test.ts asserts the targets).
 *
 * Variants: `never_clicks` (default; the user never clicks anything, the worst case for
 * questions) and `checks_in` (the user presses "I'm here" on the check-in-only meetings they
 * attend). `meetings` adds one line per meeting; `every_minute` runs the cron jobs every minute
 * all day instead of every five minutes away from any meeting (run-day.ts, cronTicks).
 */
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrateDatabase } from "../src/platform/db/migrate.js";
import { createLogger } from "../src/platform/logger.js";
import { runDay, type Variant } from "../tests/realday/run-day.js";
import { formatMeetings, formatScore, scoreDay } from "../tests/realday/score.js";
import { startPostgresServer } from "../tests/support/postgres-server.js";

async function createDatabase(adminUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export default async function main(args: string[] = []): Promise<void> {
  const variant: Variant = args.includes("checks_in") ? "checks_in" : "never_clicks";
  console.log(`realday benchmark (${variant}) — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  const server = await startPostgresServer();
  try {
    const database = await createDatabase(server.adminUrl, "bench_realday");
    await migrateDatabase(database.url, createLogger("warn"));
    const run = await runDay({ variant, database, everyMinute: args.includes("every_minute") });
    const score = scoreDay(run);
    console.log("");
    for (const line of formatScore(score)) console.log(line);
    if (args.includes("meetings")) {
      console.log("\nPer meeting (alert@minutes from the start):");
      for (const line of formatMeetings(score)) console.log(`  ${line}`);
    }
    const { stats } = run;
    console.log(
      `\nSimulated ${stats.simulatedFrom.toISOString()} → ${stats.simulatedTo.toISOString()} in ${stats.steps} steps, ${stats.tasksRun} tasks run; ` +
        `wall ${(stats.wallMs / 1000).toFixed(1)} s (cron sync ${(stats.syncMs / 1000).toFixed(1)} s, cron detect ${(stats.detectMs / 1000).toFixed(1)} s, tasks ${(stats.tasksMs / 1000).toFixed(1)} s)`,
    );
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
