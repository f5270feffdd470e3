import { DateTime } from "luxon";
import { detectJob } from "../../jobs/detect.js";
import type { Job } from "../../jobs/job.js";
import { runJob } from "../../jobs/run-job.js";
import { syncJob } from "../../jobs/sync.js";
import { FixedClock } from "../../src/platform/clock.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { startSmtpSink, type ReceivedMail } from "../notify/support/smtp-sink.js";
import { connectAs } from "../support/connect.js";
import type { CookieClient } from "../support/cookie-client.js";
import type { TestDatabase } from "../support/database.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectInstant, localInstant, realDay, signalOf, userJoinAt, type DayFixture, type FixtureUser, type MeetingKind, type Provider, type Truth } from "./fixture.js";
import { buildWorld, type Happening, type World } from "./world.js";

/**
 * Drives the real service (HTTP, OAuth, sync, detection, alert delivery over SMTP) through the
 * fixture's day on a FixedClock that the emulator shares, and records what it said about each
 * meeting. Used by realday.test.ts and bench/realday.ts.
 *
 * Production runs a task runner woken by NOTIFY and timers, plus the cron jobs (`detect` every
 * minute, `sync` every five). On a moved clock a runner's timers would fire in real time, so the
 * harness runs no background runner (WORKERS=0) and the driver does what production would do at
 * each instant, deterministically: the world's happenings due by then, the cron jobs on their
 * minute, then every task due by the clock, until none is left. It steps to the next minute, the
 * next happening or the next due task, whichever comes first, so exact-instant wake-ups run at
 * their instant and no minute's cron run is skipped.
 */

/** `never_clicks`: the worst case for questions. `checks_in`: "I'm here" on check-in-only meetings attended. */
export type Variant = "never_clicks" | "checks_in";

export interface RunDayOptions {
  fixture?: DayFixture;
  variant?: Variant;
  /** a migrated database (outside vitest); by default the harness clones the test template */
  database?: TestDatabase;
  /** progress lines (the bench prints them) */
  progress?: (line: string) => void;
  /** run the cron jobs every minute all day, not every five outside the meetings (see cronTicks) */
  everyMinute?: boolean;
}

export interface AlertRecord {
  id: string;
  kind: string;
  createdAt: Date;
  withdrawnAt: Date | null;
  /** the meeting it is about, when it is about one (`alerts.meeting_id`) */
  meetingId: string | null;
  /** every meeting it is about: its meeting, and those it lists (a digest's `data.meetingIds`) */
  meetingIds: string[];
}

export interface EmailRecord {
  to: string[];
  subject: string;
  /** the clock when the driver saw it in the SMTP sink */
  at: Date;
  alertId: string | null;
}

export interface MeetingRecord {
  key: string;
  user: string;
  provider: Provider;
  kind: MeetingKind;
  title: string;
  truth: Truth;
  previousDay: boolean;
  start: Date;
  end: Date;
  /** null when the service never stored it */
  meetingId: string | null;
  watched: boolean | null;
  finalState: string | null;
  transitions: string[];
  /** alerts about this meeting (their `meetingId`) */
  alerts: AlertRecord[];
  /** alerts that list it without being about it alone (a digest), even when it is the only one listed */
  listedIn: AlertRecord[];
  /** emails of its own alerts (a digest's email is counted per user) */
  emails: number;
  /** the variant pressed "I'm here" for it */
  checkedIn: boolean;
}

export interface UserRecord {
  key: string;
  provider: Provider;
  email: string;
  connectedAt: Date;
  /** emails to the user within ten minutes of connecting, or about meetings that ended before */
  firstConnectEmails: number;
  emails: number;
  /** every alert of the user by kind (meeting alerts and others) */
  alertsByKind: Record<string, number>;
}

export interface DayRun {
  fixture: DayFixture;
  variant: Variant;
  presenceSimulated: boolean;
  meetings: MeetingRecord[];
  users: UserRecord[];
  /** alerts with no meeting (needs_reauth, digests without meeting ids…) */
  otherAlerts: AlertRecord[];
  /** wall time in all, and spent in the cron sync and detect runs and in running tasks */
  stats: { wallMs: number; steps: number; tasksRun: number; simulatedFrom: Date; simulatedTo: Date; syncMs: number; detectMs: number; tasksMs: number };
}

const MINUTE = 60_000;
const SYNC_EVERY_MINUTES = 5;
const FIRST_CONNECT_WINDOW_MS = 10 * MINUTE;
const AFTER_NEXT_WORKDAY_MS = 30 * MINUTE;
/** Real time a step may take to run its due tasks before the driver gives up and says which. */
const DRAIN_TIMEOUT_MS = 60_000;

export async function runDay(options: RunDayOptions = {}): Promise<DayRun> {
  const fixture = options.fixture ?? realDay;
  const variant = options.variant ?? "never_clicks";
  const progress = options.progress ?? (() => undefined);
  const wallStarted = performance.now();
  const connectAt = new Map(fixture.users.map((user) => [user.key, connectInstant(fixture, user)]));
  const from = new Date(Math.min(...[...connectAt.values()].map((at) => at.getTime())));
  // Past midnight in the zone whose day ends last, until half an hour after Wednesday's working
  // day ends there: a meeting that settles after the end of the working day is asked about in
  // the next working day's digest, which still counts for "every check-in-only missed meeting in
  // the digest". Wednesday has no meetings of its own.
  const nextDay = DateTime.fromISO(fixture.date).plus({ days: 1 }).toISODate()!;
  const until = new Date(
    Math.max(...fixture.users.flatMap((user) => [localInstant(fixture.date, "23:59", user.timeZone).getTime(), localInstant(nextDay, user.workingHours.end, user.timeZone).getTime() + AFTER_NEXT_WORKDAY_MS])),
  );
  const clock = new FixedClock(from);

  // google-auth-library checks the id_token's iat/exp against the machine's real clock
  // (Date.now), not the service's: while a Google user signs in, the emulator issues tokens on
  // the real clock. Access tokens then last past the simulated day; refreshes go back to the day's clock.
  let realTimeSignIn = false;
  const sink = await startSmtpSink();
  let harness: Harness | undefined;
  let runner: TaskRunner | undefined;
  try {
    harness = await startHarness({
      clock,
      emulatorNow: () => (realTimeSignIn ? Date.now() : clock.now().getTime()),
      env: { SMTP_URL: sink.url, WORKERS: "0", LOG_LEVEL: "warn" },
      logLevel: "warn",
      ...(options.database ? { database: options.database } : {}),
    });
    const services = harness.service.services;
    const world = buildWorld(harness.emulator.control, fixture);
    harness.emulator.control.zoom.setWebhookEndpoint(`${harness.baseUrl}/webhooks/zoom`);
    runner = new TaskRunner({ db: services.db, databaseUrl: services.databaseUrl, handlers: services.taskHandlers, clock, log: harness.logs.log, concurrency: 4 });
    const taskRunner = runner;
    const jobContext = { ...services, signal: new AbortController().signal };
    const cron = (job: Job) => runJob(job, jobContext, { waitForLock: true });

    const browsers = new Map<string, CookieClient>();
    const emails: EmailRecord[] = [];
    const checkedIn = new Set<string>();
    const pending = [...world.happenings, ...(variant === "checks_in" ? checkIns(fixture, world, browsers, harness, checkedIn) : [])].sort((a, b) => a.at.getTime() - b.at.getTime() || a.rank - b.rank);
    let steps = 0;
    const spent = { syncMs: 0, detectMs: 0, tasksMs: 0 };

    // Started, as in production (LISTEN, its own pools kept open); `drain` claims what the
    // clock made due, since no notification says so, and the runner's loop takes what tasks queue.
    await taskRunner.start();
    const drain = async () => {
      const deadline = performance.now() + DRAIN_TIMEOUT_MS;
      for (;;) {
        const { ran } = await taskRunner.drain();
        const busy = await services.db.task.findMany({ where: { OR: [{ status: "running" }, { status: "queued", dueAt: { lte: clock.now() } }] }, select: { kind: true, status: true }, take: 5 });
        if (busy.length === 0) return;
        if (performance.now() > deadline) throw new Error(`tasks still due or running at ${clock.now().toISOString()} after ${DRAIN_TIMEOUT_MS} ms: ${JSON.stringify(busy)}`);
        if (ran === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const nextDueTask = async (): Promise<number> => {
      const next = await services.db.task.findFirst({ where: { status: "queued", dueAt: { gt: clock.now() } }, orderBy: { dueAt: "asc" }, select: { dueAt: true } });
      return next ? next.dueAt.getTime() : Number.POSITIVE_INFINITY;
    };

    const nextTick = cronTicks(activeWindows(world, connectAt), options.everyMinute ?? false);
    for (let now = from.getTime(); now <= until.getTime(); ) {
      clock.set(new Date(now));
      steps += 1;
      // One at a time, finished before the cron runs. (A check-in click racing a detection pass
      // left meetings `in_progress` with an in_progress→attended transition recorded: the pass
      // stores its state over the one the click stored. A bug of its own, kept out of the figures.)
      while (pending.length > 0 && pending[0]!.at.getTime() <= now) await pending.shift()!.apply();
      for (const user of fixture.users) {
        if (browsers.has(user.key) || connectAt.get(user.key)!.getTime() > now) continue;
        realTimeSignIn = user.provider === "google";
        try {
          browsers.set(user.key, await connectUser(harness, user));
        } finally {
          realTimeSignIn = false;
        }
        progress(`${clock.now().toISOString()} ${user.name} connected ${user.provider}`);
      }
      if (now % MINUTE === 0) {
        if ((now / MINUTE) % SYNC_EVERY_MINUTES === 0) spent.syncMs += await timed(() => cron(syncJob));
        spent.detectMs += await timed(() => cron(detectJob));
      }
      spent.tasksMs += await timed(drain);
      for (const mail of sink.messages.slice(emails.length)) emails.push(emailRecord(mail, clock.now()));
      if ((now - from.getTime()) % (60 * MINUTE) === 0) progress(`${clock.now().toISOString()} ${emails.length} emails so far`);
      const nextHappening = pending[0]?.at.getTime() ?? Number.POSITIVE_INFINITY;
      now = Math.max(now + 1, Math.min(nextTick(now), nextHappening, await nextDueTask()));
    }

    const run = await collect(harness, fixture, world, variant, emails, connectAt, checkedIn);
    run.stats = {
      wallMs: Math.round(performance.now() - wallStarted),
      steps,
      tasksRun: await services.db.task.count({ where: { status: "done" } }),
      simulatedFrom: from,
      simulatedTo: until,
      syncMs: Math.round(spent.syncMs),
      detectMs: Math.round(spent.detectMs),
      tasksMs: Math.round(spent.tasksMs),
    };
    return run;
  } finally {
    await runner?.stop(1000).catch(() => undefined);
    await harness?.close();
    await sink.close();
  }
}

/** Around each of Tuesday's meetings, and just after each connect, the clock stops at every minute. */
const ACTIVE_BEFORE_MS = 20 * MINUTE;
/** The detect job reads attendance until an hour after the end. */
const ACTIVE_AFTER_MS = 70 * MINUTE;
const QUIET_STEP_MS = 5 * MINUTE;

function activeWindows(world: World, connectAt: Map<string, Date>): Array<[number, number]> {
  return [
    ...[...world.meetings.values()].filter((placed) => placed.meeting.day === "today").map((placed): [number, number] => [placed.start.getTime() - ACTIVE_BEFORE_MS, placed.end.getTime() + ACTIVE_AFTER_MS]),
    ...[...connectAt.values()].map((at): [number, number] => [at.getTime(), at.getTime() + FIRST_CONNECT_WINDOW_MS]),
  ];
}

/**
 * The next instant the cron jobs run. Every minute where anything can happen (around a meeting,
 * after a connect); elsewhere every five minutes, with the sync: a minute's detect run there
 * finds nothing due (the exact-instant wake-ups are tasks, and the driver stops at every due
 * task anyway) and no meeting whose attendance it would read. `everyMinute` turns this off.
 */
function cronTicks(windows: Array<[number, number]>, everyMinute: boolean): (now: number) => number {
  const active = (instant: number) => windows.some(([from, to]) => from <= instant && instant <= to);
  return (now) => {
    const minute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    if (everyMinute || active(minute)) return minute;
    const quiet = (Math.floor(now / QUIET_STEP_MS) + 1) * QUIET_STEP_MS;
    const nextWindow = Math.min(...windows.map(([from]) => Math.ceil(from / MINUTE) * MINUTE).filter((from) => from > now));
    return Math.min(quiet, nextWindow);
  };
}

/**
 * The user's browser goes through OAuth; their zone is set as the dashboard would from the
 * browser (PRODUCT §3); then they press Connect Zoom beside the calendar (issue 14).
 */
async function connectUser(harness: Harness, user: FixtureUser): Promise<CookieClient> {
  const browser = await connectAs(harness, user.provider, user.email);
  harness.emulator.control.zoom.setNextLogin(user.email);
  const zoom = await browser.follow("/auth/zoom");
  if (zoom.hops.at(-1) !== `${harness.baseUrl}/?connected=zoom`) throw new Error(`Connect Zoom for ${user.email} ended at ${zoom.hops.at(-1)} (${zoom.response.status})`);
  const reply = await browser.json("/api/settings", {
    method: "PUT",
    body: JSON.stringify({ timeZone: user.timeZone, workingHours: { days: [1, 2, 3, 4, 5], start: user.workingHours.start, end: user.workingHours.end } }),
  });
  if (reply.status !== 200) throw new Error(`settings for ${user.email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return browser;
}

// ---- the "I'm here" variant -----------------------------------------------------------------

/** "I'm here" pressed when the user arrives, on every check-in-only meeting they attend. */
function checkIns(fixture: DayFixture, world: World, browsers: Map<string, CookieClient>, harness: Harness, checkedIn: Set<string>): Happening[] {
  return [...world.meetings.values()]
    .filter((placed) => placed.meeting.day === "today" && placed.meeting.truth.outcome !== "missed")
    .filter((placed) => signalOf(placed.user.provider, placed.meeting.kind, world.presenceSimulated).source === "check_in")
    .map((placed) => {
      const joined = userJoinAt(fixture, placed.meeting)!;
      // The service refuses a check-in before the start.
      const at = new Date(Math.max(joined.getTime(), placed.start.getTime()));
      return {
        at,
        rank: 2,
        what: `${placed.user.key} presses "I'm here" on ${placed.meeting.key}`,
        apply: async () => {
          const browser = browsers.get(placed.user.key);
          const row = await harness.service.services.db.meeting.findFirst({ where: { providerEventId: placed.providerEventId }, select: { id: true } });
          if (!browser || !row) return;
          const reply = await browser.json(`/api/meetings/${row.id}/attended`, { method: "POST", body: "{}" });
          if (reply.status === 200) checkedIn.add(placed.meeting.key);
        },
      };
    });
}

// ---- collecting what the service said -------------------------------------------------------

const ALERT_MESSAGE_ID = /<alert\.([0-9a-f-]{36})\.email@/i;

function emailRecord(mail: ReceivedMail, at: Date): EmailRecord {
  const messageId = mail.header("message-id") ?? "";
  return { to: mail.envelopeTo.map((to) => to.toLowerCase()), subject: mail.header("subject") ?? "", at, alertId: ALERT_MESSAGE_ID.exec(messageId)?.[1] ?? null };
}

/** A digest (or any alert about several meetings) names them in `data.meetingIds`; absent, none. */
function listedMeetingIds(data: unknown): string[] {
  if (!data || typeof data !== "object" || !("meetingIds" in data)) return [];
  const ids = (data as { meetingIds: unknown }).meetingIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

async function collect(
  harness: Harness,
  fixture: DayFixture,
  world: World,
  variant: Variant,
  emails: EmailRecord[],
  connectAt: Map<string, Date>,
  checkedIn: ReadonlySet<string>,
): Promise<DayRun> {
  const { db } = harness.service.services;
  const rows = await db.meeting.findMany({ select: { id: true, providerEventId: true, userId: true, watched: true, state: true, user: { select: { email: true } } } });
  const transitions = await db.stateTransition.findMany({ orderBy: [{ at: "asc" }, { toState: "asc" }] });
  const alertRows = await db.alert.findMany({ orderBy: { createdAt: "asc" }, include: { user: { select: { email: true } } } });
  const alerts = alertRows.map((row) => ({
    record: {
      id: row.id,
      kind: String(row.kind),
      createdAt: row.createdAt,
      withdrawnAt: row.withdrawnAt,
      meetingId: row.meetingId,
      meetingIds: [...new Set([...(row.meetingId ? [row.meetingId] : []), ...listedMeetingIds(row.data)])],
    } satisfies AlertRecord,
    userEmail: row.user.email.toLowerCase(),
  }));
  const alertById = new Map(alerts.map((alert) => [alert.record.id, alert.record]));

  const meetings: MeetingRecord[] = [...world.meetings.values()].map((placed) => {
    const row = rows.find((candidate) => candidate.providerEventId === placed.providerEventId && candidate.user.email.toLowerCase() === placed.user.email.toLowerCase());
    const about = row ? alerts.filter((alert) => alert.record.meetingIds.includes(row.id)).map((alert) => alert.record) : [];
    const own = about.filter((alert) => alert.meetingId === row?.id);
    return {
      key: placed.meeting.key,
      user: placed.user.key,
      provider: placed.user.provider,
      kind: placed.meeting.kind,
      title: placed.meeting.title,
      truth: placed.meeting.truth,
      previousDay: placed.meeting.day === "previous",
      start: placed.start,
      end: placed.end,
      meetingId: row?.id ?? null,
      watched: row?.watched ?? null,
      finalState: row?.state ?? null,
      transitions: row ? transitions.filter((t) => t.meetingId === row.id).map((t) => `${t.fromState}→${t.toState}`) : [],
      alerts: own,
      listedIn: about.filter((alert) => alert.meetingId !== row?.id),
      emails: emails.filter((email) => email.alertId && own.some((alert) => alert.id === email.alertId)).length,
      checkedIn: checkedIn.has(placed.meeting.key),
    };
  });

  const users: UserRecord[] = fixture.users.map((user) => {
    const email = user.email.toLowerCase();
    const connectedAt = connectAt.get(user.key)!;
    const mine = emails.filter((mail) => mail.to.includes(email));
    const endedBefore = new Set(meetings.filter((meeting) => meeting.user === user.key && meeting.end <= connectedAt && meeting.meetingId).map((meeting) => meeting.meetingId!));
    const firstConnect = mine.filter((mail) => {
      if (mail.at.getTime() - connectedAt.getTime() < FIRST_CONNECT_WINDOW_MS) return true;
      const alert = mail.alertId ? alertById.get(mail.alertId) : undefined;
      return Boolean(alert?.meetingIds.some((id) => endedBefore.has(id)));
    });
    const alertsByKind: Record<string, number> = {};
    for (const alert of alerts.filter((candidate) => candidate.userEmail === email)) alertsByKind[alert.record.kind] = (alertsByKind[alert.record.kind] ?? 0) + 1;
    return { key: user.key, provider: user.provider, email, connectedAt, firstConnectEmails: firstConnect.length, emails: mine.length, alertsByKind };
  });

  return {
    fixture,
    variant,
    presenceSimulated: world.presenceSimulated,
    meetings,
    users,
    otherAlerts: alerts.filter((alert) => alert.record.meetingIds.length === 0).map((alert) => alert.record),
    stats: { wallMs: 0, steps: 0, tasksRun: 0, simulatedFrom: new Date(0), simulatedTo: new Date(0), syncMs: 0, detectMs: 0, tasksMs: 0 },
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** A local time label for progress lines and reports. */
export function localTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toFormat("HH:mm");
}
