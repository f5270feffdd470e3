import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `pg_dump --schema-only` without ownership, grants, comments or the runner's own table. */
export async function dumpSchema(pgDump: string, databaseUrl: string): Promise<string> {
  const args = [
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--no-comments",
    "--exclude-table=public.makegood_migrations",
    "--exclude-table=public.makegood_migrations_id_seq",
    `--dbname=${databaseUrl}`,
  ];
  const { stdout } = await run(pgDump, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Lines that differ between two dumps of the same schema: comments, settings, psql meta. */
function isNoise(line: string): boolean {
  return line === "" || line.startsWith("--") || line.startsWith("SET ") || line.startsWith("SELECT pg_catalog.set_config") || line.startsWith("\\");
}

/**
 * A migration that adds a column appends it, while the from-empty script puts it where
 * schema.prisma has it. Prisma addresses columns by name, so column order is not drift:
 * compare a table's column and constraint lines as a set.
 */
function withSortedColumns(statement: string): string {
  if (!statement.startsWith("CREATE TABLE ")) return statement;
  const lines = statement.split("\n");
  const head = lines[0] ?? "";
  const tail = lines.at(-1) ?? "";
  const body = lines.slice(1, -1).map((line) => line.trim().replace(/,$/, "")).sort();
  return [head, ...body, tail].join("\n");
}

/** The dump as a sorted list of normalised statements. */
export function schemaStatements(dump: string): string[] {
  const text = dump
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => !isNoise(line))
    .join("\n");
  return text
    .split(/;\n/)
    .map((statement) => statement.trim().replace(/;$/, ""))
    .filter((statement) => statement !== "")
    .map(withSortedColumns)
    .sort();
}

export interface SchemaDifference {
  equal: boolean;
  onlyInFirst: string[];
  onlyInSecond: string[];
}

/** Statements present in one dump and not the other (as multisets). */
export function compareSchemas(first: string, second: string): SchemaDifference {
  const remaining = new Map<string, number>();
  for (const statement of schemaStatements(second)) remaining.set(statement, (remaining.get(statement) ?? 0) + 1);
  const onlyInFirst: string[] = [];
  for (const statement of schemaStatements(first)) {
    const count = remaining.get(statement) ?? 0;
    if (count > 0) remaining.set(statement, count - 1);
    else onlyInFirst.push(statement);
  }
  const onlyInSecond = [...remaining].flatMap(([statement, count]) => Array<string>(count).fill(statement));
  return { equal: onlyInFirst.length === 0 && onlyInSecond.length === 0, onlyInFirst, onlyInSecond };
}
