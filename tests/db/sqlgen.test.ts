import { readFile } from "node:fs/promises";
import { describe, expect, inject, it } from "vitest";
import { SCHEMA_FILE } from "../../tools/sqlgen/migration-files.js";
import { diffSchemas, isEmptySql, isSqlgenInstalled, withDatasourceUrl } from "../../tools/sqlgen/sqlgen.js";
import { createEmptyTestDatabase, createTestDatabase, runSql } from "../support/database.js";
import { compareSchemas, dumpSchema } from "../support/schema-dump.js";

describe("tools/sqlgen", () => {
  it("adds the connection URL Prisma 6 wants to the datasource of a copy", () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n';
    expect(withDatasourceUrl(schema)).toBe('datasource db {\n  url = env("DATABASE_URL")\n  provider = "postgresql"\n}\n');
    expect(withDatasourceUrl(withDatasourceUrl(schema))).toBe(withDatasourceUrl(schema));
  });

  it("treats SQL with only comments as empty (Prisma's \"empty migration\")", () => {
    expect(isEmptySql("-- This is an empty migration.\n\n")).toBe(true);
    expect(isEmptySql("")).toBe(true);
    expect(isEmptySql('-- AlterTable\nALTER TABLE "users" ADD COLUMN "tz" TEXT;\n')).toBe(false);
  });

  it.skipIf(!isSqlgenInstalled())("generates the SQL of a schema change, and nothing for no change", async () => {
    const databaseUrl = inject("postgres").adminUrl;
    const schema = await readFile(SCHEMA_FILE, "utf8");
    const changed = schema.replace(/(model User \{\n)/, '$1  tz String? @map("tz")\n');
    expect(changed).not.toBe(schema);

    const change = await diffSchemas({ from: schema, to: changed, databaseUrl });
    expect(change).toContain('ALTER TABLE "users" ADD COLUMN');
    expect(change).toContain('"tz" TEXT');
    expect(isEmptySql(await diffSchemas({ from: schema, to: schema, databaseUrl }))).toBe(true);
  });
});

describe.skipIf(!isSqlgenInstalled() || !inject("postgres").pgDump)("the next migration", () => {
  it("keeps the drift check green although ADD COLUMN appends where schema.prisma inserts", async () => {
    const { adminUrl: databaseUrl, pgDump } = inject("postgres");
    const schema = await readFile(SCHEMA_FILE, "utf8");
    const changed = schema.replace(/(model User \{\n)/, '$1  tz String? @map("tz")\n');
    const [migrated, fromEmpty] = [await createTestDatabase(), await createEmptyTestDatabase()];
    try {
      await runSql(migrated.url, await diffSchemas({ from: schema, to: changed, databaseUrl }));
      await runSql(fromEmpty.url, await diffSchemas({ from: "empty", to: changed, databaseUrl }));
      const difference = compareSchemas(await dumpSchema(pgDump ?? "", migrated.url), await dumpSchema(pgDump ?? "", fromEmpty.url));
      expect(difference.equal).toBe(true);
    } finally {
      await Promise.all([migrated.drop(), fromEmpty.drop()]);
    }
  });
});
