import { randomUUID } from "node:crypto";
import type { Database } from "../../src/platform/db/client.js";

/**
 * Rows as a sync would have stored them, for tests and benchmarks that are about what
 * happens after sync (detection, delivery) and need no provider.
 */
export async function seedUserWithMeetings(
  db: Database,
  options: { email?: string; meetings: Array<{ title: string; start: Date; end: Date; timeZone?: string; evidenceSource?: "conference" | "presence" | "check_in"; location?: string }>; alertChannels?: Array<"email" | "feed" | "webhook">; timeZone?: string },
): Promise<{ userId: string; meetingIds: string[] }> {
  const user = await db.user.create({ data: { email: options.email ?? `user-${randomUUID().slice(0, 8)}@example.com`, name: "Pat Doe" } });
  await db.settings.create({ data: { userId: user.id, timeZone: options.timeZone ?? "Europe/Berlin", alertChannels: options.alertChannels ?? ["email", "feed"] } });
  // Connected long ago, so no seeded meeting counts as one that ended before we watched.
  const connection = await db.connection.create({ data: { userId: user.id, provider: "sandbox", accountId: randomUUID(), accountEmail: user.email, scopes: [], createdAt: new Date("2020-01-01T00:00:00Z") } });
  const calendar = await db.calendar.create({ data: { connectionId: connection.id, providerCalendarId: "primary", name: "Primary", isPrimary: true } });
  const meetingIds: string[] = [];
  for (const meeting of options.meetings) {
    const row = await db.meeting.create({
      data: {
        userId: user.id,
        connectionId: connection.id,
        calendarId: calendar.id,
        providerEventId: randomUUID(),
        title: meeting.title,
        location: meeting.location ?? null,
        start: meeting.start,
        end: meeting.end,
        timeZone: meeting.timeZone ?? "Europe/Berlin",
        watched: true,
        selfResponse: "accepted",
        // as if the user's joins can be seen live: every question detection asks can be asked
        evidenceSource: meeting.evidenceSource ?? "conference",
        liveSignal: (meeting.evidenceSource ?? "conference") !== "check_in",
        attendees: {
          create: [
            { email: user.email, isSelf: true, response: "accepted" },
            { email: "client@else.example", name: "Client", response: "accepted" },
          ],
        },
      },
    });
    meetingIds.push(row.id);
  }
  return { userId: user.id, meetingIds };
}
