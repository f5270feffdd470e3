import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Runs `prisma migrate diff` of Prisma 6.19, installed in this folder, to turn two versions
 * of schema.prisma into SQL. Prisma 7's CLI needs the native schema engine, which is not on
 * npm and cannot be downloaded here; 6.19 has a WebAssembly engine (`engine: "js"` in
 * ./prisma.config.ts) that works for diffs.
 */

export const SQLGEN_DIR = path.dirname(fileURLToPath(import.meta.url));
const PRISMA_BIN = path.join(SQLGEN_DIR, "node_modules", ".bin", "prisma");
const CONFIG = path.join(SQLGEN_DIR, "prisma.config.ts");

export function isSqlgenInstalled(): boolean {
  return existsSync(PRISMA_BIN);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: SQLGEN_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: stderr.trim() }));
  });
}

/** `npm ci` from this folder's lockfile (about 6 s with a warm npm cache). */
export async function installSqlgen(): Promise<void> {
  const result = await run("npm", ["ci", "--no-audit", "--no-fund"], process.env);
  if (result.code !== 0) throw new Error(`npm ci in tools/sqlgen failed: ${result.stderr}`);
}

/** Prisma 6 reads the connection from the datasource; the copies we diff get one added. */
export function withDatasourceUrl(schema: string): string {
  if (/^\s*url\s*=/m.test(schema)) return schema;
  const withUrl = schema.replace(/(datasource\s+\w+\s*\{)/, '$1\n  url = env("DATABASE_URL")');
  if (withUrl === schema) throw new Error("schema.prisma has no datasource block");
  return withUrl;
}

/** True when the SQL holds no statement, only Prisma's comments (its "empty migration"). */
export function isEmptySql(sql: string): boolean {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--"));
}

export interface DiffOptions {
  /** schema.prisma text to diff from, or "empty" for the whole schema from nothing */
  from: string | "empty";
  to: string;
  /** any reachable PostgreSQL: the engine connects but changes nothing */
  databaseUrl: string;
}

export async function diffSchemas(options: DiffOptions): Promise<string> {
  if (!isSqlgenInstalled()) throw new Error("tools/sqlgen is not installed: run `npm ci --prefix tools/sqlgen`");
  const folder = await mkdtemp(path.join(os.tmpdir(), "makegood-sqlgen-"));
  try {
    const toFile = path.join(folder, "to.prisma");
    await writeFile(toFile, withDatasourceUrl(options.to));
    const fromArgs = ["--from-empty"];
    if (options.from !== "empty") {
      const fromFile = path.join(folder, "from.prisma");
      await writeFile(fromFile, withDatasourceUrl(options.from));
      fromArgs.splice(0, 1, "--from-schema-datamodel", fromFile);
    }
    const args = ["migrate", "diff", "--config", CONFIG, ...fromArgs, "--to-schema-datamodel", toFile, "--script"];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      // Point the native engines Prisma checks for at a dummy file: otherwise it tries to
      // download them and fails offline. The diff itself runs in the WebAssembly engine.
      PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
      PRISMA_QUERY_ENGINE_LIBRARY: "/bin/false",
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    };
    const result = await run(PRISMA_BIN, args, env);
    if (result.code !== 0) throw new Error(`prisma migrate diff failed (exit ${result.code}): ${result.stderr}`);
    // Never trust a bare exit code: Prisma 7 with a dummy engine exits 0 printing nothing.
    if (result.stdout.trim() === "") throw new Error(`prisma migrate diff printed nothing: ${result.stderr}`);
    return result.stdout;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
