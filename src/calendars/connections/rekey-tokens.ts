import { Prisma, type Database } from "../../platform/index.js";
import { errorMessage } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import type { TokenSealer } from "../../platform/index.js";

export interface RekeyResult {
  /** connections whose tokens were re-sealed with the newest key */
  rekeyed: number;
  /** connections whose tokens no listed key opens (their key was dropped, or the row was tampered with) */
  unreadable: number;
  batches: number;
}

interface StaleRow {
  id: string;
  access_token_sealed: string | null;
  refresh_token_sealed: string | null;
}

/**
 * Re-seals every connection's tokens that an older key of TOKEN_ENCRYPTION_KEY sealed, with the
 * newest key, `batchSize` rows per transaction. Rows are chosen by the key id inside each envelope
 * ("v1.<keyId>.…"), so a half-finished earlier run or a row refreshed meanwhile is judged by what
 * it holds now. Each batch locks its rows (FOR UPDATE SKIP LOCKED): a second instance running
 * the job at the same time takes other rows, and a token refresh (which locks the same row) waits
 * or is waited for, so nothing is re-sealed from a stale read. Running it again finds nothing to do.
 * Tokens are never logged: only connection ids and key ids. Calendar connections first, then
 * Zoom accounts (sealed the same way, with their own row id).
 */
export async function rekeyTokens(deps: { db: Database; sealer: TokenSealer; log: Logger; signal?: AbortSignal }, options: { batchSize?: number } = {}): Promise<RekeyResult> {
  const result: RekeyResult = { rekeyed: 0, unreadable: 0, batches: 0 };
  for (const table of ["connections", "zoom_connections"] as const) {
    const part = await rekeyTable(deps, table, options.batchSize ?? 200);
    result.rekeyed += part.rekeyed;
    result.unreadable += part.unreadable;
    result.batches += part.batches;
  }
  return result;
}

async function rekeyTable(deps: { db: Database; sealer: TokenSealer; log: Logger; signal?: AbortSignal }, table: "connections" | "zoom_connections", batchSize: number): Promise<RekeyResult> {
  const { db, sealer, log } = deps;
  const current = sealer.currentKeyId;
  const prefix = `v1.${current}.`;
  const unreadableIds: string[] = [];
  const result: RekeyResult = { rekeyed: 0, unreadable: 0, batches: 0 };
  while (!deps.signal?.aborted) {
    const done = await db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<StaleRow[]>`
          select id, access_token_sealed, refresh_token_sealed
            from ${Prisma.raw(table)}
           where ((access_token_sealed is not null and not starts_with(access_token_sealed, ${prefix}))
               or (refresh_token_sealed is not null and not starts_with(refresh_token_sealed, ${prefix})))
             and not (id = any(${unreadableIds}::uuid[]))
           order by id
           limit ${batchSize}
             for update skip locked`;
        if (rows.length === 0) return true;
        for (const row of rows) {
          try {
            const reseal = (envelope: string | null) => (envelope === null ? null : sealer.isStale(envelope) ? sealer.seal(sealer.open(envelope, row.id), row.id) : envelope);
            const data = { accessTokenSealed: reseal(row.access_token_sealed), refreshTokenSealed: reseal(row.refresh_token_sealed), tokenKeyId: current };
            if (table === "connections") await tx.connection.update({ where: { id: row.id }, data });
            else await tx.zoomConnection.update({ where: { id: row.id }, data });
            result.rekeyed += 1;
          } catch (error) {
            unreadableIds.push(row.id);
            result.unreadable += 1;
            log.error({ [table === "connections" ? "connectionId" : "zoomConnectionId"]: row.id, reason: errorMessage(error) }, "could not re-seal a connection's tokens");
          }
        }
        result.batches += 1;
        return false;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (done) break;
  }
  return result;
}
