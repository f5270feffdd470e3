/**
 * Whether an error means "the database cannot be reached right now" (down, restarting, the
 * network between us cut, the pool exhausted waiting for it), as opposed to a bad query.
 * Such failures are answered 503 with Retry-After: the request may simply be sent again.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// admin_shutdown, crash_shutdown, cannot_connect_now, and class 08: connection exceptions.
const POSTGRES_CODES = /^(57P01|57P02|57P03|08...)$/;
const MESSAGES = /Connection terminated|connection timeout|ECONNRESET|ECONNREFUSED|Can't reach database server|Server has closed the connection|terminating connection|the database system is (starting up|shutting down)/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const fields = error as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof fields.code === "string" && (PRISMA_CODES.has(fields.code) || POSTGRES_CODES.test(fields.code))) return true;
  if (typeof fields.kind === "string" && ADAPTER_KINDS.has(fields.kind)) return true;
  if (typeof fields.message === "string" && MESSAGES.test(fields.message)) return true;
  return isDatabaseUnavailable(fields.cause, depth + 1) || isDatabaseUnavailable(fields.meta?.driverAdapterError, depth + 1);
}
