import { randomUUID } from "node:crypto";
import type { Database, Prisma } from "../../../src/platform/db/client.js";
import type { AlertChannel } from "../../../src/platform/db/generated/enums.js";
import type { Logger } from "../../../src/platform/logger.js";
import type { TaskContext, TaskHandler } from "../../../src/tasks/task-handler.js";

/** 10:00–10:45 AM in New York on Wednesday 4 March 2026. */
export const MEETING_START = new Date("2026-03-04T15:00:00Z");
export const MEETING_END = new Date("2026-03-04T15:45:00Z");

export async function createUser(db: Database, settings: { email?: string; timeZone?: string; alertChannels?: AlertChannel[]; webhookUrl?: string | null } = {}): Promise<{ userId: string; meetingId: string }> {
  const user = await db.user.create({ data: { email: settings.email ?? `ada+${randomUUID().slice(0, 8)}@example.com`, name: "Ada" } });
  await db.settings.create({
    data: {
      userId: user.id,
      timeZone: settings.timeZone ?? "America/New_York",
      alertChannels: settings.alertChannels ?? ["email", "feed"],
      webhookUrl: settings.webhookUrl ?? null,
    },
  });
  const connection = await db.connection.create({ data: { userId: user.id, provider: "sandbox", accountId: randomUUID(), accountEmail: user.email, scopes: [] } });
  const calendar = await db.calendar.create({ data: { connectionId: connection.id, providerCalendarId: "primary", name: "Sandbox" } });
  const meeting = await db.meeting.create({
    data: {
      userId: user.id,
      connectionId: connection.id,
      calendarId: calendar.id,
      providerEventId: randomUUID(),
      title: "Pricing <review> & Q&A",
      start: MEETING_START,
      end: MEETING_END,
      timeZone: "Europe/Paris",
    },
  });
  return { userId: user.id, meetingId: meeting.id };
}

export async function createAlert(db: Database, owner: { userId: string; meetingId: string }, data?: Prisma.InputJsonValue): Promise<string> {
  const alert = await db.alert.create({
    data: {
      userId: owner.userId,
      meetingId: owner.meetingId,
      kind: "late",
      idempotencyKey: `late:${randomUUID()}`,
      title: "Running late for Pricing <review> & Q&A?",
      body: "It started at 10:00 AM EST, 6 minutes ago. If you're on your way, let them know now.",
      data: data ?? {
        links: [
          { label: "I'm here", url: "https://makegood.example.com/check-in/abc.def" },
          { label: "Tell them I'm running late", url: "/?meeting=1&action=late" },
          { label: "Evil", url: "javascript:alert(1)" },
        ],
      },
    },
  });
  return alert.id;
}

/**
 * Runs a handler outside the task runner, as a second worker whose lease took over would:
 * `finish` commits the effects without touching the task table.
 */
export async function runDirectly<P>(handler: TaskHandler<P>, payload: P, db: Database, log: Logger, attempts = 1): Promise<void> {
  const context: TaskContext = {
    task: { id: randomUUID(), kind: handler.kind, payload, attempts, maxAttempts: 8, dueAt: new Date(), idempotencyKey: randomUUID() },
    now: new Date(),
    log,
    db,
    finish: async (effects) => {
      await db.$transaction(async (tx) => {
        await effects?.(tx);
      });
    },
  };
  await handler.run(handler.payload.parse(payload), context);
}
