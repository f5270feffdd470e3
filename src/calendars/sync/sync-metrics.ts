import type { Database } from "../../platform/index.js";
import type { Metrics } from "../../platform/index.js";
import type { SyncOutcome } from "./sync-connection.js";

/** A connection's provider never changes: one lookup per connection per process. */
const providerOf = new WeakMap<Database, Map<string, string>>();

/**
 * Times one sync of one connection and counts it by provider and outcome. Returns a function
 * that records the outcome and passes it through, so the sync itself changes by one line.
 */
export function observeSync(deps: { db: Database; metrics?: Pick<Metrics, "syncRun"> | undefined }, connectionId: string): (outcome: SyncOutcome) => Promise<SyncOutcome> {
  const started = performance.now();
  return async (outcome) => {
    if (!deps.metrics) return outcome;
    const seconds = (performance.now() - started) / 1000;
    const known = providerOf.get(deps.db) ?? new Map<string, string>();
    providerOf.set(deps.db, known);
    let provider = known.get(connectionId);
    if (!provider) {
      const row = await deps.db.connection.findUnique({ where: { id: connectionId }, select: { provider: true } }).catch(() => null);
      provider = row?.provider ?? "unknown";
      if (row) known.set(connectionId, provider);
    }
    deps.metrics.syncRun(provider, outcome.status === "skipped" ? `skipped_${outcome.reason}` : outcome.status, seconds);
    return outcome;
  };
}
