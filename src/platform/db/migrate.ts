import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runner, type RunnerOption } from "node-pg-migrate";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";

/**
 * Applies the SQL migrations in prisma/migrations (generated from schema.prisma by
 * tools/sqlgen) with node-pg-migrate, at start-up of the service and of `npm run job`.
 */

const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations/", import.meta.url));
const MIGRATIONS_SCHEMA = "public";
const MIGRATIONS_TABLE = "makegood_migrations";
/** Same pattern as tools/sqlgen: four-digit sequence, lower-case name, plain SQL. */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;
// The runner ignores file names matching ^pattern$: ignore everything that is not a
// migration (a README, an editor's backup), so it and pendingMigrations agree on the list.
const IGNORE_PATTERN = "(?!\\d{4}_[a-z0-9_]+\\.sql$).*";
/**
 * Our own advisory-lock key rather than node-pg-migrate's shared default, so another
 * application using node-pg-migrate on the same database never waits for us. Advisory
 * locks are per database, so test databases on one server do not block each other.
 */
const LOCK_VALUE = 0x6d6b_676f_6f64; // "mkgood"

/** Routes the runner's free-text messages into pino under fixed messages. */
function runnerLogger(log: Logger): NonNullable<RunnerOption["logger"]> {
  return {
    debug: (detail) => log.trace({ detail }, "migration runner detail"),
    info: (detail) => log.debug({ detail }, "migration runner progress"),
    warn: (detail) => log.warn({ detail }, "migration runner warning"),
    error: (detail) => log.error({ detail }, "migration runner error"),
  };
}

export async function migrateDatabase(databaseUrl: string, log: Logger): Promise<{ applied: string[] }> {
  const started = Date.now();
  // Our own client, so a connection lost mid-run is an error we see, not an unhandled event.
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", (error) => log.warn({ reason: error.message }, "migration connection lost"));
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      ignorePattern: IGNORE_PATTERN,
      migrationsSchema: MIGRATIONS_SCHEMA,
      migrationsTable: MIGRATIONS_TABLE,
      direction: "up",
      checkOrder: true,
      // All pending migrations commit together or not at all.
      singleTransaction: true,
      // A second instance starting at the same time waits for the first, then finds
      // nothing to do, instead of failing.
      lockValue: LOCK_VALUE,
      advisoryLockMode: "wait",
      logger: runnerLogger(log),
      verbose: false,
    });
    const applied = ran.map((migration) => migration.name);
    const durationMs = Date.now() - started;
    if (applied.length > 0) log.info({ applied, durationMs }, "database migrations applied");
    else log.debug({ durationMs }, "database schema is current");
    return { applied };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let migrationFiles: Promise<string[]> | undefined;

/** The migration names on disk, read once: they only change with a new release. */
function knownMigrations(): Promise<string[]> {
  migrationFiles ??= readdir(MIGRATIONS_DIR)
    .then((files) => files.filter((file) => MIGRATION_FILE.test(file)).map((file) => file.slice(0, -".sql".length)).sort())
    .catch((error: unknown) => {
      migrationFiles = undefined; // retry on the next call rather than caching a failure
      throw error;
    });
  return migrationFiles;
}

const appliedRow = z.object({ name: z.string() });
const UNDEFINED_TABLE = "42P01";

function isUndefinedTable(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === UNDEFINED_TABLE;
}

/**
 * The migrations on disk that the database has not applied, in order. One query and no
 * lock, for /readyz; a database never migrated (no table yet) has every migration pending.
 */
export async function pendingMigrations(client: pg.Pool | pg.Client): Promise<string[]> {
  const files = await knownMigrations();
  let applied: Set<string>;
  try {
    const result = await client.query(`select name from "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`);
    applied = new Set(result.rows.map((row: unknown) => appliedRow.parse(row).name));
  } catch (error) {
    if (!isUndefinedTable(error)) throw error;
    applied = new Set();
  }
  return files.filter((name) => !applied.has(name));
}
