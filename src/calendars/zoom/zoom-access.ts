import type { Prisma } from "../../platform/index.js";

type Reader = Pick<Prisma.TransactionClient, "zoomConnection">;

/**
 * What a user's Zoom account lets us see (SignalAccess.zoom): the meeting numbers it hosts, or
 * null when no Zoom account is connected and active. A Zoom account that needs re-authorisation
 * sees nothing: its meetings are check-in only until it is connected again.
 */
export async function zoomAccessOf(db: Reader, userId: string): Promise<{ hosted: ReadonlySet<string> } | null> {
  const connection = await db.zoomConnection.findUnique({ where: { userId }, select: { status: true, hosted: { select: { meetingId: true } } } });
  if (!connection || connection.status !== "active") return null;
  return { hosted: new Set(connection.hosted.map((row) => row.meetingId)) };
}
