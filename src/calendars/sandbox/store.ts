import { z } from "zod";
import type { Database, Prisma } from "../../platform/index.js";

export type Tx = Prisma.TransactionClient;

/** One of the other people on a sandbox event, as stored in `sandbox_events.attendees`. */
export const sandboxPerson = z.object({
  email: z.string(),
  name: z.string().nullable(),
  response: z.enum(["needs_action", "accepted", "tentative", "declined"]),
  isOrganizer: z.boolean(),
});
export type SandboxPerson = z.infer<typeof sandboxPerson>;
export const sandboxPeople = z.array(sandboxPerson);

/** A new row of the sandbox calendar, without its bookkeeping columns. */
export interface SandboxEventInput {
  sampleKey: string | null;
  title: string;
  description: string | null;
  location: string | null;
  start: Date;
  end: Date;
  timeZone: string;
  attendees: SandboxPerson[];
  selfResponse: "needs_action" | "accepted" | "tentative" | "declined";
  isFree: boolean;
  marker: string | null;
  conferenceCode: string | null;
  selfJoinedAt: Date | null;
  othersJoinedAt: Date | null;
}

/**
 * Every write to a connection's sandbox calendar goes through here: under the connection
 * row's lock it hands out the next version, so versions of one connection are committed in
 * order and a sync cursor ("every version up to N") never skips a change committed later.
 */
export async function writeSandboxCalendar<T>(db: Database, connectionId: string, change: (tx: Tx, version: number) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => writeSandboxCalendarIn(tx, connectionId, change));
}

/** The same, inside the caller's transaction. */
export async function writeSandboxCalendarIn<T>(tx: Tx, connectionId: string, change: (tx: Tx, version: number) => Promise<T>): Promise<T> {
  await tx.$queryRaw`SELECT id FROM connections WHERE id = ${connectionId}::uuid FOR UPDATE`;
  const latest = await tx.sandboxEvent.aggregate({ where: { connectionId }, _max: { version: true } });
  return change(tx, (latest._max.version ?? 0) + 1);
}

export function sandboxEventRow(connectionId: string, version: number, input: SandboxEventInput, now: Date): Prisma.SandboxEventCreateManyInput {
  return { ...input, connectionId, version, attendees: input.attendees, updatedAt: now };
}
