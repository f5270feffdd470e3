import type { CalendarProvider, ProviderKind } from "../provider.js";
import { ProviderError } from "../provider-error.js";
import type { Database } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { refreshEvidenceSources } from "./evidence-sources.js";
import { signalAccessOf } from "./signal-access.js";

type PresenceStatus = "unknown" | "available" | "unavailable";

interface ConnectionRow {
  id: string;
  provider: ProviderKind;
  presenceStatus: PresenceStatus;
}

/**
 * Records whether the connection's presence can be read, once per change: "unavailable" (a
 * personal account, no consent, not licensed) is said once on the connection and is not asked
 * again until the user reconnects, so it never becomes an error loop. The connection's
 * meetings then get their evidence source again (a Teams meeting without presence is check-in
 * only), in the same transaction.
 */
export async function recordPresenceStatus(
  deps: { db: Database },
  connection: ConnectionRow,
  reading: { available: true } | { available: false; reason: string },
  now: Date,
): Promise<void> {
  const status: PresenceStatus = reading.available ? "available" : "unavailable";
  if (status === connection.presenceStatus) return;
  await deps.db.$transaction(async (tx) => {
    const updated = await tx.connection.updateMany({
      where: { id: connection.id, presenceStatus: connection.presenceStatus },
      data: { presenceStatus: status, presenceNote: reading.available ? null : reading.reason },
    });
    if (updated.count === 0) return;
    await refreshEvidenceSources(tx, connection.id, signalAccessOf({ provider: connection.provider, presenceStatus: status }), now);
  });
  connection.presenceStatus = status;
}

/**
 * Asks a connection's presence once, before its meetings are stored, so their evidence source
 * is right from the first sync. A throttled or failing read leaves it unknown (the next sync
 * asks again); meetings meanwhile count as without presence, which never asks a false question.
 */
export async function probePresence(deps: { db: Database; log: Logger }, connection: ConnectionRow, provider: CalendarProvider, now: Date): Promise<void> {
  if (connection.presenceStatus !== "unknown") return;
  try {
    const reading = await provider.presence();
    await recordPresenceStatus(deps, connection, reading.available ? { available: true } : { available: false, reason: reading.reason }, now);
  } catch (error) {
    const kind = error instanceof ProviderError ? error.kind : "unexpected";
    deps.log.info({ connectionId: connection.id, kind }, "presence could not be read yet; asking again at the next sync");
  }
}
