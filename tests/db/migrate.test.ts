import { Writable } from "node:stream";
import pg from "pg";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, pendingMigrations } from "../../src/platform/db/migrate.js";
import { migrationNames } from "../../tools/sqlgen/migration-files.js";
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "../support/database.js";

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyTestDatabase();
  databases.push(database);
  return database.url;
}

/** A pino logger whose lines are kept for inspection. */
function recordingLogger() {
  const lines: Array<{ msg: string; level: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; level: number });
      done();
    },
  });
  return { log: pino({ level: "trace" }, stream), lines };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migrateDatabase", () => {
  it("applies every migration to a fresh database, then nothing on a second run", async () => {
    const url = await emptyDatabase();
    const all = await migrationNames();
    expect(all.length).toBeGreaterThan(0);
    const { log, lines } = recordingLogger();

    expect(await migrateDatabase(url, log)).toEqual({ applied: all });
    expect(await migrateDatabase(url, log)).toEqual({ applied: [] });

    const tables = await query<{ users: string | null; tasks: string | null }>(url, "select to_regclass('public.users')::text as users, to_regclass('public.tasks')::text as tasks");
    expect(tables).toEqual([{ users: "users", tasks: "tasks" }]);
    // The runner's free text goes into fields; messages stay fixed so they can be searched.
    const messages = new Set(lines.map((line) => line.msg));
    expect([...messages].sort()).toEqual(
      ["database migrations applied", "database schema is current", "migration runner progress"].sort(),
    );
  });

  it("lets two instances migrate one database at once: both succeed, the schema is applied once", async () => {
    const url = await emptyDatabase();
    const all = await migrationNames();
    const silent = pino({ level: "silent" });

    const [first, second] = await Promise.all([migrateDatabase(url, silent), migrateDatabase(url, silent)]);

    expect([...first.applied, ...second.applied]).toEqual(all);
    const rows = await query<{ name: string }>(url, "select name from makegood_migrations order by id");
    expect(rows.map((row) => row.name)).toEqual(all);
  });

  it("does not print to the console", async () => {
    const url = await emptyDatabase();
    const written: string[] = [];
    const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    const capture = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await migrateDatabase(url, pino({ level: "silent" }));
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    expect(written).toEqual([]);
  });
});

describe("pendingMigrations", () => {
  it("is empty on a migrated database", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      expect(await pendingMigrations(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it("lists a migration the database has not applied", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const newest = (await migrationNames()).at(-1);
    await query(database.url, `delete from makegood_migrations where name = '${newest}'`);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect(await pendingMigrations(client)).toEqual([newest]);
    } finally {
      await client.end();
    }
  });

  it("lists every migration on a database never migrated", async () => {
    const client = new pg.Client({ connectionString: await emptyDatabase() });
    await client.connect();
    try {
      expect(await pendingMigrations(client)).toEqual(await migrationNames());
    } finally {
      await client.end();
    }
  });
});
