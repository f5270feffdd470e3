import type { ProviderFactory } from "../calendars/index.js";
import type { AccessTokenSource, CalendarProvider } from "../calendars/index.js";
import type { AdvisoryLocks } from "../platform/index.js";
import type { Database, Prisma } from "../platform/index.js";
import type { Clock } from "../platform/index.js";
import { AppError } from "../platform/index.js";
import type { Logger } from "../platform/index.js";

/** What the recovery workflow needs from the rest of the service. */
export interface RecoveryDependencies {
  db: Database;
  providers: ProviderFactory;
  tokensFor(connection: { id: string; provider: "google" | "microsoft" | "sandbox" }): AccessTokenSource | undefined;
  locks: AdvisoryLocks;
  clock: Clock;
  log: Logger;
  publicUrl: string;
}

export type Tx = Prisma.TransactionClient;

/** Retry a step later when the connection cannot be used right now (it may be re-authorised). */
const INACTIVE_RETRY_MS = 15 * 60_000;

/** The calendar of the connection a meeting came from; the caller's calls go through it. */
export function calendarFor(
  deps: Pick<RecoveryDependencies, "providers" | "tokensFor">,
  connection: { id: string; provider: "google" | "microsoft" | "sandbox"; accountId: string; accountEmail: string; status: string },
): CalendarProvider {
  if (connection.status !== "active") {
    throw new AppError(`The ${connection.provider} calendar needs to be connected again before this step can run`, { code: "connection_inactive", retryable: true, retryAfterMs: INACTIVE_RETRY_MS });
  }
  const tokens = deps.tokensFor(connection);
  if (!tokens) throw new AppError(`${connection.provider} is not configured on this server`, { code: "provider_not_configured" });
  return deps.providers.calendar(connection, tokens);
}

/** A case with everything its steps read. */
export const caseInclude = {
  user: { include: { settings: true } },
  meeting: { include: { attendees: true, calendar: true, connection: true } },
} satisfies Prisma.RecoveryCaseInclude;

export type LoadedCase = Prisma.RecoveryCaseGetPayload<{ include: typeof caseInclude }>;

export function loadCase(db: Database | Tx, caseId: string): Promise<LoadedCase | null> {
  return db.recoveryCase.findUnique({ where: { id: caseId }, include: caseInclude });
}

/** The other people in the meeting: not the user, not rooms. */
export interface MeetingPeople {
  attendees: ReadonlyArray<{ email: string; name: string | null; isSelf: boolean; isResource: boolean }>;
  connection: { accountEmail: string };
  organizerEmail: string | null;
  organizerName: string | null;
}

export function otherAttendees(meeting: MeetingPeople): Array<{ email: string; name: string | null }> {
  const self = meeting.connection.accountEmail.toLowerCase();
  const people = meeting.attendees.filter((a) => !a.isSelf && !a.isResource && a.email.toLowerCase() !== self).map((a) => ({ email: a.email.toLowerCase(), name: a.name }));
  if (people.length === 0 && meeting.organizerEmail && meeting.organizerEmail.toLowerCase() !== self) {
    people.push({ email: meeting.organizerEmail.toLowerCase(), name: meeting.organizerName });
  }
  return people;
}

/** The user's name as it signs a draft: their profile name, or nothing. */
export function userName(user: { name: string | null }): string {
  return user.name ?? "";
}
