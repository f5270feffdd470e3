import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where migrations live and how they are named.
 *
 *   prisma/migrations/0001_init.sql              what node-pg-migrate runs (flat folder)
 *   prisma/migrations/snapshots/0001_init.prisma schema.prisma as of that migration: the
 *                                                "from" of the next diff
 *   prisma/migrations/snapshots/schema.sql       the whole current schema from empty, with
 *                                                the hash of the schema.prisma it came from
 *
 * The runner reads files only (not folders), so snapshots/ is invisible to it.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCHEMA_FILE = path.join(REPO, "prisma", "schema.prisma");
export const MIGRATIONS_DIR = path.join(REPO, "prisma", "migrations");
export const SNAPSHOTS_DIR = path.join(MIGRATIONS_DIR, "snapshots");
export const SCHEMA_SQL_FILE = path.join(SNAPSHOTS_DIR, "schema.sql");

/** Same pattern as src/platform/db/migrate.ts: four-digit sequence, lower-case name. */
const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function migrationNames(): Promise<string[]> {
  const files = existsSync(MIGRATIONS_DIR) ? await readdir(MIGRATIONS_DIR) : [];
  return files.filter((file) => MIGRATION_FILE.test(file)).map((file) => file.slice(0, -".sql".length)).sort();
}

/** "Add user time zone" → "0002_add_user_time_zone" */
export async function nextMigrationName(label: string): Promise<string> {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`"${label}" is not usable as a migration name: use letters, digits and _`);
  const last = (await migrationNames()).at(-1);
  const next = last ? Number(last.slice(0, 4)) + 1 : 1;
  if (next > 9999) throw new Error("migration numbers are exhausted");
  return `${String(next).padStart(4, "0")}_${slug}`;
}

export function migrationFile(name: string): string {
  return path.join(MIGRATIONS_DIR, `${name}.sql`);
}

export function snapshotFile(name: string): string {
  return path.join(SNAPSHOTS_DIR, `${name}.prisma`);
}

/** The schema as of the newest migration, or "empty" before the first one. */
export async function previousSchema(): Promise<string | "empty"> {
  const last = (await migrationNames()).at(-1);
  if (!last) return "empty";
  const file = snapshotFile(last);
  if (!existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: the snapshot of the newest migration is the "from" of the next diff`);
  return readFile(file, "utf8");
}

export function schemaHash(schema: string): string {
  return createHash("sha256").update(schema).digest("hex");
}

const HASH_LINE = /^-- schema\.prisma sha256: ([0-9a-f]{64})$/m;

/** The from-empty script with a header naming the exact schema.prisma it was made from. */
export function renderSchemaSql(schema: string, sql: string): string {
  return [
    "-- The whole database schema, generated from empty by tools/sqlgen (npm run migration:new).",
    "-- Not run by anything: the drift test compares it with what the migrations build.",
    `-- schema.prisma sha256: ${schemaHash(schema)}`,
    "",
    sql.trimEnd(),
    "",
  ].join("\n");
}

export async function readSchemaSql(): Promise<{ hash: string | undefined; sql: string } | undefined> {
  if (!existsSync(SCHEMA_SQL_FILE)) return undefined;
  const text = await readFile(SCHEMA_SQL_FILE, "utf8");
  return { hash: HASH_LINE.exec(text)?.[1], sql: text };
}
