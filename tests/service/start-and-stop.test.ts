import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, runEntry } from "../support/child-process.js";
import { createTestDatabase } from "../support/database.js";

/**
 * `npm start` as a user runs it: a fresh data folder, no configuration, the embedded
 * PostgreSQL, Ctrl-C. These run the real entry point in a child process.
 */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie (exited, not yet reaped by whoever inherited it) is not running.
  const stat = readFileSync(`/proc/${pid}/stat`, { encoding: "utf8", flag: "r" }).toString();
  return !/^\d+ \(.*\) [ZX]/.test(stat);
}

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe("npm start with the embedded database", () => {
  it("initialises a fresh data folder, becomes ready, runs a job against the same server, stops cleanly, and reuses the folder", async () => {
    // Under /tmp: the postgres system user must be able to reach the folder.
    const parent = await mkdtemp(path.join(tmpdir(), "makegood-start-"));
    folders.push(parent);
    // mkdtemp makes the folder 0700: the service must let the postgres user through by itself.
    expect((await stat(parent)).mode & 0o777).toBe(0o700);
    const dataDir = path.join(parent, "data");
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port) };

    const first = runEntry("src/app/main.ts", [], env);
    await first.waitForOutput(/Makegood is running at http:\/\/localhost:\d+/, 60_000);
    expect(first.output()).toContain("initialising the embedded PostgreSQL data folder");
    expect(first.output()).toContain("generated a token encryption key in the data folder");
    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);

    const pidFile = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8");
    const postgresPid = Number(pidFile.split("\n")[0]);
    expect(alive(postgresPid)).toBe(true);

    // The job command joins the running server instead of starting another.
    const job = runEntry("jobs/cli.ts", ["detect"], { DATA_DIR: dataDir });
    expect(await job.waitForExit(60_000)).toBe(0);
    expect(job.output()).toContain("using the embedded PostgreSQL that is already running");
    expect(job.output()).toMatch(/detect: done/);
    expect(alive(postgresPid)).toBe(true);

    first.kill("SIGINT");
    expect(await first.waitForExit(30_000)).toBe(0);
    expect(first.output()).toContain("embedded PostgreSQL stopped");
    expect(alive(postgresPid)).toBe(false);

    const second = runEntry("src/app/main.ts", [], env);
    await second.waitForOutput(/Makegood is running at/, 60_000);
    expect(second.output()).not.toContain("initialising the embedded PostgreSQL data folder");
    expect(second.output()).not.toContain("generated a token encryption key");
    second.kill("SIGTERM");
    expect(await second.waitForExit(30_000)).toBe(0);
  }, 120_000);
});

describe("start-up failures", () => {
  it("exits 2 with one line naming a bad variable", async () => {
    const child = runEntry("src/app/main.ts", [], { TOKEN_ENCRYPTION_KEY: "short" });
    expect(await child.waitForExit()).toBe(2);
    expect(child.output().trim()).toBe(
      "Configuration error: TOKEN_ENCRYPTION_KEY must be 32 bytes in base64 (got 3 bytes); generate one with: openssl rand -base64 32",
    );
  });

  it("retries an unreachable database, says so, and exits non-zero after the bounded wait", async () => {
    const closedPort = await freePort();
    const child = runEntry("src/app/main.ts", [], {
      DATABASE_URL: `postgres://makegood:secret-password@127.0.0.1:${closedPort}/makegood`,
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
      DATABASE_WAIT_SECONDS: "2",
      PORT: String(await freePort()),
    });
    const code = await child.waitForExit(30_000);
    expect(code).not.toBe(0);
    expect(child.output()).toContain("database not reachable yet, retrying");
    expect(child.output()).toContain("did not answer within 2 s");
    expect(child.output()).not.toContain("secret-password");
  });
});

describe("a terminal people can read", () => {
  it("a port in use ends with one plain line and exit code 1, before the database is started", async () => {
    const net = await import("node:net");
    const taken = net.createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, "localhost", () => resolve((taken.address() as { port: number }).port)));
    try {
      const parent = await mkdtemp(path.join(tmpdir(), "makegood-port-"));
      folders.push(parent);
      const child = runEntry("src/app/main.ts", [], { DATA_DIR: path.join(parent, "data"), PORT: String(port) });
      expect(await child.waitForExit(30_000)).toBe(1);
      expect(child.output().trim().split("\n").at(-1)).toBe(`Port ${port} is in use: stop the other program or set PORT=${port + 1}`);
      expect(child.output()).not.toMatch(/"level"|stack|at .*\.ts:\d+/);
      expect(child.output()).not.toContain("embedded PostgreSQL");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("reads .env from the folder it starts in, says so, and lets the environment win", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "makegood-env-"));
    folders.push(folder);
    const database = await createTestDatabase();
    try {
      const port = await freePort();
      const filePort = await freePort();
      await writeFile(
        path.join(folder, ".env"),
        [
          "# a user's .env",
          `PORT=${filePort}`,
          `PUBLIC_URL=http://127.0.0.1:${port}`,
          `DATABASE_URL=${database.url}`,
          `TOKEN_ENCRYPTION_KEY=${Buffer.alloc(32, 3).toString("base64")}`,
          "CRON=false",
          "",
        ].join("\n"),
      );
      const child = runEntry("src/app/main.ts", [], { PORT: String(port) }, { cwd: folder });
      // PUBLIC_URL came from the file; the port from the environment, which wins over the file's.
      await child.waitForOutput(new RegExp(`Makegood is running at http://127\\.0\\.0\\.1:${port}`), 60_000);
      expect(child.output()).toContain("read .env (variables set in the environment win over it)");
      expect(child.output()).toContain(path.join(folder, ".env"));
      expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);
      // Not a terminal: JSON lines, one per event, and no line per request at the default level.
      const lines = child.output().trim().split("\n");
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(child.output()).not.toContain("incoming request");
      // One line gives the address to open: PUBLIC_URL, not Fastify's "Server listening at http://127.0.0.1:…".
      expect(child.output()).not.toContain("Server listening");
      expect(lines.filter((line) => line.includes("running at"))).toHaveLength(1);
      child.kill("SIGTERM");
      expect(await child.waitForExit(30_000)).toBe(0);
    } finally {
      await database.drop();
    }
  }, 90_000);
});

describe("npm run job", () => {
  it("names the valid jobs for an unknown name and exits non-zero", async () => {
    const child = runEntry("jobs/cli.ts", ["frobnicate"], {});
    expect(await child.waitForExit()).toBe(2);
    expect(child.output()).toContain('Unknown job "frobnicate"; valid jobs: sync, renew, detect, tasks');
  });
});
