import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { loadConfig } from "../../src/platform/config.js";
import { startService, type RunningService } from "../../src/app/service.js";
import { repoRoot } from "../support/child-process.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";

/** No Docker engine here: what can be checked is that the files agree with each other and with the code. */
const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");

function exampleVariables(): Map<string, string> {
  return new Map(
    read(".env.example")
      .split("\n")
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const compose = z.object({
  services: z.object({
    db: z.object({ image: z.string().regex(/^postgres:16/), healthcheck: z.object({ test: z.unknown() }), volumes: z.array(z.string()) }),
    mail: z.object({ image: z.string().regex(/mailpit/), healthcheck: z.object({ test: z.unknown() }), volumes: z.array(z.string()) }),
    app: z.object({ environment: z.record(z.string(), z.string()), healthcheck: z.object({ test: z.unknown() }), depends_on: z.record(z.string(), z.object({ condition: z.string() })) }),
  }),
  volumes: z.record(z.string(), z.unknown()),
});

/** What Compose substitutes when no variable is set: `${NAME:-default}` (nested too) → default, `${NAME:?error}` → "". */
function composeDefault(value: string): string {
  let previous: string;
  let current = value;
  do {
    previous = current;
    current = current.replace(/\$\{[A-Z_]+:-([^${}]*)\}/g, "$1").replace(/\$\{[A-Z_]+:\?[^{}]*\}/g, "");
  } while (current !== previous);
  return current;
}

/** The variable names the configuration schema reads, from its source. */
function configVariables(): string[] {
  const source = read("src/platform/config.ts");
  const schemaBlock = source.slice(source.indexOf("const envSchema"), source.indexOf(".superRefine"));
  return [...schemaBlock.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!).sort();
}

describe("docker-compose.yml and .env.example", () => {
  const variables = exampleVariables();
  const parsedCompose = compose.parse(parse(read("docker-compose.yml")));
  const services = parsedCompose.services;

  it("documents every variable the configuration reads, and only those", () => {
    const documented = [...variables.keys()];
    expect(configVariables().filter((name) => !documented.includes(name)), "missing from .env.example").toEqual([]);
    expect(documented.filter((name) => !configVariables().includes(name)), "in .env.example but not read by the configuration").toEqual([]);
  });

  it("gives each variable in .env.example a comment saying what it means", () => {
    const lines = read(".env.example").split("\n");
    const undocumented: string[] = [];
    lines.forEach((line, index) => {
      if (!/^[A-Z][A-Z0-9_]*=/.test(line)) return;
      // The nearest line above that is not another variable must be a comment (a block of related variables shares one).
      let above = index - 1;
      while (above >= 0 && /^[A-Z][A-Z0-9_]*=/.test(lines[above]!)) above -= 1;
      if (!lines[above]?.startsWith("# ") || /^# ---/.test(lines[above]!)) undocumented.push(line.slice(0, line.indexOf("=")));
    });
    expect(undocumented).toEqual([]);
  });

  it("shows each variable's default as its value in .env.example", () => {
    // Loading the example's values must give exactly the configuration of an empty environment.
    expect(loadConfig(Object.fromEntries(variables))).toEqual(loadConfig({}));
  });

  it("uses the same defaults in docker-compose.yml as .env.example", () => {
    const mismatched = Object.entries(services.app.environment).flatMap(([name, value]) => {
      if (!new RegExp(`^\\$\\{${name}:-`).test(value)) return []; // fixed for the container (HOST, DATABASE_URL …)
      const fallback = composeDefault(value);
      const example = variables.get(name) ?? "";
      // PUBLIC_URL's default is derived from PORT: .env.example leaves it empty and says so.
      if (example === "" && name === "PUBLIC_URL") return fallback === `http://localhost:${variables.get("PORT")}` ? [] : [`${name}: compose ${fallback}`];
      return fallback === example ? [] : [`${name}: compose ${JSON.stringify(fallback)}, .env.example ${JSON.stringify(example)}`];
    });
    expect(mismatched).toEqual([]);
  });

  it("passes every documented variable to the service, with PostgreSQL 16, Mailpit and health checks", () => {
    const passed = Object.keys(services.app.environment);
    expect([...variables.keys()].filter((name) => !passed.includes(name)), "missing from docker-compose.yml's app environment").toEqual([]);
    expect(passed.filter((name) => !variables.has(name)), "in docker-compose.yml but not in .env.example").toEqual([]);
    expect(services.app.depends_on).toEqual({ db: { condition: "service_healthy" }, mail: { condition: "service_healthy" } });
  });

  it("keeps the database and the caught mail on named volumes", () => {
    const named = (mounts: string[]) => mounts.map((mount) => mount.split(":")[0]!).filter((source) => !source.startsWith(".") && !source.startsWith("/"));
    expect(named(services.db.volumes)).toHaveLength(1);
    expect(services.db.volumes[0]).toMatch(/:\/var\/lib\/postgresql\/data$/);
    expect(named(services.mail.volumes)).toHaveLength(1);
    for (const volume of [...named(services.db.volumes), ...named(services.mail.volumes)]) expect(Object.keys(parsedCompose.volumes)).toContain(volume);
  });

  describe("the service with the compose file's variables, against a local PostgreSQL", () => {
    let service: RunningService | undefined;
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => {
      await service?.close();
      await drop?.();
    });

    it("starts and becomes ready", async () => {
      const database = await createTestDatabase();
      drop = database.drop;
      // Compose's own defaults (${NAME:-default}), with the host names replaced by what runs here.
      const env = Object.fromEntries(
        Object.entries(services.app.environment).map(([name, value]) => [name, composeDefault(value)]),
      );
      const config = loadConfig({ ...env, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"), SMTP_URL: "smtp://127.0.0.1:2525", PORT: "0", HOST: "127.0.0.1", CRON: "false" });
      service = await startService(config, capturedLogger().log);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    });
  });
});
