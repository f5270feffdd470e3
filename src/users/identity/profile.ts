import type { Database } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";

export interface Profile {
  id: string;
  email: string;
  name: string | null;
  timeZone: string;
  /** signed in through the sample calendar: every send lands in the outbox preview */
  sandbox: boolean;
  connections: number;
  now: string;
}

/** Who is signed in, as the dashboard greets them. */
export async function profileOf(db: Database, userId: string, now: Date): Promise<Profile> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, settings: { select: { timeZone: true } }, connections: { where: { status: { not: "disconnected" } }, select: { provider: true } } },
  });
  if (!user) throw new AppError("This session's user no longer exists: sign in again at /", { code: "unauthenticated", httpStatus: 401 });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    timeZone: user.settings?.timeZone ?? "UTC",
    sandbox: user.connections.some((connection) => connection.provider === "sandbox"),
    connections: user.connections.length,
    now: now.toISOString(),
  };
}
