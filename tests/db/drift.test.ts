import { readFile } from "node:fs/promises";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateDatabase } from "../../src/platform/db/migrate.js";
import { readSchemaSql, renderSchemaSql, SCHEMA_FILE, schemaHash } from "../../tools/sqlgen/migration-files.js";
import { diffSchemas, isSqlgenInstalled } from "../../tools/sqlgen/sqlgen.js";
import { createEmptyTestDatabase, type TestDatabase, runSql } from "../support/database.js";
import { compareSchemas, dumpSchema, schemaStatements } from "../support/schema-dump.js";

/**
 * The migrations and schema.prisma must describe the same database. Database A is built by
 * the runner from prisma/migrations; database B from prisma/migrations/snapshots/schema.sql,
 * the from-empty script of schema.prisma (checked in, with the hash of the schema.prisma it
 * came from, because generating it needs tools/sqlgen, an extra npm install CI skips; when
 * tools/sqlgen is installed the script is regenerated here and must match). Their
 * `pg_dump --schema-only` must be equal.
 */

const { pgDump, adminUrl } = inject("postgres");
const databases: TestDatabase[] = [];

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyTestDatabase();
  databases.push(database);
  return database.url;
}

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe("schema.sql, the from-empty script of schema.prisma", () => {
  it("was generated from the current schema.prisma", async () => {
    const schema = await readFile(SCHEMA_FILE, "utf8");
    const artifact = await readSchemaSql();
    expect(artifact, "prisma/migrations/snapshots/schema.sql is missing: run `npm run migration:new -- <name>`").toBeDefined();
    expect(
      artifact?.hash,
      "schema.prisma changed since snapshots/schema.sql was generated: run `npm run migration:new -- <name>` (or `-- --refresh` when the change alters no SQL)",
    ).toBe(schemaHash(schema));
  });

  it.skipIf(!isSqlgenInstalled())("matches what tools/sqlgen generates now", async () => {
    const schema = await readFile(SCHEMA_FILE, "utf8");
    const fresh = await diffSchemas({ from: "empty", to: schema, databaseUrl: adminUrl });
    expect((await readSchemaSql())?.sql).toBe(renderSchemaSql(schema, fresh));
  });
});

describe.skipIf(!pgDump)("drift between prisma/migrations and schema.prisma", () => {
  const dump = (url: string) => dumpSchema(pgDump ?? "pg_dump", url);
  let fromSchema: string;

  beforeAll(async () => {
    const artifact = await readSchemaSql();
    if (!artifact) throw new Error("prisma/migrations/snapshots/schema.sql is missing");
    const url = await emptyDatabase();
    await runSql(url, artifact.sql);
    fromSchema = await dump(url);
  });

  it("finds none: the migrated database equals the one built from schema.prisma", async () => {
    const url = await emptyDatabase();
    await migrateDatabase(url, pino({ level: "silent" }));
    const difference = compareSchemas(await dump(url), fromSchema);
    expect(difference).toEqual({ equal: true, onlyInFirst: [], onlyInSecond: [] });
    // and the comparison did see the schema: a table for every model
    const models = (await readFile(SCHEMA_FILE, "utf8")).match(/^model /gm) ?? [];
    const tables = schemaStatements(fromSchema).filter((statement) => statement.startsWith("CREATE TABLE"));
    expect(tables.length).toBe(models.length);
  });

  it("would catch a difference (a column missing from the migrations)", async () => {
    const url = await emptyDatabase();
    await migrateDatabase(url, pino({ level: "silent" }));
    await runSql(url, 'alter table "users" drop column "name"');
    const difference = compareSchemas(await dump(url), fromSchema);
    expect(difference.equal).toBe(false);
    expect(difference.onlyInSecond.join("\n")).toContain('CREATE TABLE public.users');
    expect(difference.onlyInSecond.join("\n")).toContain("name text");
  });

  it("would catch an extra index", async () => {
    const url = await emptyDatabase();
    await migrateDatabase(url, pino({ level: "silent" }));
    await runSql(url, 'create index "users_email_idx" on "users" ("email")');
    const difference = compareSchemas(await dump(url), fromSchema);
    expect(difference.onlyInFirst).toEqual(["CREATE INDEX users_email_idx ON public.users USING btree (email)"]);
    expect(difference.onlyInSecond).toEqual([]);
  });
});
