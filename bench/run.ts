import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts. A benchmark either does its work when
 * imported or exports a default function, which is called with the remaining arguments.
 *
 * Benchmarks that talk to the provider emulator need its test CA trusted, which Node reads only
 * at start-up from NODE_EXTRA_CA_CERTS (as `npm test` sets it): unless that already names the
 * emulator's CA, this dispatcher starts itself again with a bundle of the CAs set before plus
 * the emulator's.
 */
const here = new URL(".", import.meta.url);
const CA = fileURLToPath(new URL("../tests/emulator/tls/ca.pem", import.meta.url));
const extra = process.env["NODE_EXTRA_CA_CERTS"];

if (existsSync(CA) && extra !== CA && !process.env["MAKEGOOD_BENCH_CA"]) {
  const bundle = path.join(os.tmpdir(), `makegood-bench-ca-${process.pid}.pem`);
  const before = extra && existsSync(extra) ? `${readFileSync(extra, "utf8").trimEnd()}\n` : "";
  writeFileSync(bundle, before + readFileSync(CA, "utf8"));
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, MAKEGOOD_BENCH_CA: "1" },
  });
  process.exit(child.status ?? 1);
}

const available = (await readdir(here, { withFileTypes: true }))
  .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && entry.name !== "run.ts" && !entry.name.startsWith("."))
  .map((entry) => entry.name.slice(0, -".ts".length))
  .sort();
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  process.stderr.write(`${name ? `No benchmark named "${name}".` : "Name a benchmark."} Usage: npm run bench -- <name>\nAvailable: ${available.join(", ") || "(none)"}\n`);
  process.exit(2);
}

const module: { default?: unknown } = await import(new URL(`./${name}.ts`, here).href);
if (typeof module.default === "function") await (module.default as (args: string[]) => unknown)(args);
