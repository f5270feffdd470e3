import type { Config } from "../config.js";
import { loadOrCreateDataDirKey } from "../generated-key.js";
import type { KeyRing } from "../key-ring.js";
import type { Logger } from "../logger.js";
import { loadOrCreateVapidKeys, type VapidKeys } from "../vapid-keys.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";
import { migrateDatabase } from "./migrate.js";
import { waitForDatabase } from "./wait-for-database.js";

export interface OpenDatabase {
  url: string;
  tokenKeys: KeyRing;
  /** Web Push's VAPID pair (configured, or from the data folder); absent: push is off */
  vapidKeys?: VapidKeys;
  /** stops the embedded server when this process started it */
  stop(): Promise<void>;
}

/**
 * The database the configuration points at, reachable and migrated: DATABASE_URL, or the
 * embedded PostgreSQL under DATA_DIR (started here, or joined when `npm start` already
 * runs it). Shared by the service and `npm run job`, so both see the same data.
 */
export async function openDatabase(config: Config, log: Logger): Promise<OpenDatabase> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log.child({ component: "embedded-postgres" }));
  const url = config.databaseUrl ?? embedded!.url;
  const stop = async () => embedded?.stop();
  try {
    const tokenKeys = config.tokenKeys ?? (await loadOrCreateDataDirKey(config.dataDir, log));
    // Like the token key: generated only beside the embedded database. With DATABASE_URL several
    // instances may share one database and must push with one key, so it has to be configured.
    const vapidKeys = config.webPush.keys ?? (config.databaseUrl ? undefined : await loadOrCreateVapidKeys(config.dataDir, log));
    if (!vapidKeys) log.warn("Web Push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (npx web-push generate-vapid-keys) to send alerts to phones and browsers");
    await waitForDatabase(url, config.databaseWaitSeconds, log);
    await migrateDatabase(url, log.child({ component: "migrations" }));
    return { url, tokenKeys, ...(vapidKeys ? { vapidKeys } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
