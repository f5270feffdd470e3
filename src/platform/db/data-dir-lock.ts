import { spawn } from "node:child_process";
import { AppError } from "../errors.js";
import type { Logger } from "../logger.js";

const WAIT_SECONDS = 120;

/**
 * Runs `work` holding an exclusive lock on `lockFile`, so that of several processes on one
 * DATA_DIR (`npm start`, any number of `npm run job`) only one at a time initialises,
 * starts, joins or stops the embedded PostgreSQL.
 *
 * Node has no flock(2), so a `flock` child holds the kernel lock for us and keeps it until
 * its stdin closes. That stdin is a pipe from this process: when we finish, or die in any
 * way (SIGKILL included), the pipe closes, the child exits and the kernel drops the lock. A
 * crashed holder can never wedge the next start, which a lock file with a pid in it could
 * (pid reuse, a stale file to take over under a race).
 *
 * Where `flock` is missing (util-linux is on every Linux we ship for; macOS lacks it) the
 * work runs unlocked, as before, with a warning: concurrent first starts may then race.
 */
export async function withDataDirLock<T>(lockFile: string, log: Logger, work: () => Promise<T>): Promise<T> {
  const release = await acquire(lockFile, log);
  try {
    return await work();
  } finally {
    await release();
  }
}

type Release = () => Promise<void>;

function acquire(lockFile: string, log: Logger): Promise<Release> {
  return new Promise((resolve, reject) => {
    // "locked" is printed only once flock holds the lock; `cat` then waits on our pipe.
    const child = spawn("flock", ["--exclusive", "--wait", String(WAIT_SECONDS), lockFile, "sh", "-c", "echo locked; exec cat"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let settled = false;
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on("error", () => {
      // The child is gone already (it timed out or was killed): nothing is held.
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (settled || !chunk.toString().includes("locked")) return;
      settled = true;
      resolve(async () => {
        child.stdin.end();
        await exited;
      });
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (error.code !== "ENOENT") return reject(error);
      log.warn({ lockFile }, "no flock command on this machine: starting and stopping the embedded PostgreSQL without a lock");
      resolve(async () => {});
    });
    child.once("close", (code) => {
      if (settled) return;
      settled = true;
      reject(
        new AppError(`Could not lock ${lockFile} within ${WAIT_SECONDS} s (another process is starting or stopping the embedded PostgreSQL): ${stderr.trim() || `flock exited ${code}`}`, {
          code: "embedded_db_lock",
        }),
      );
    });
  });
}
