import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { loadConfig } from "../../src/platform/config.js";
import { startService, type RunningService } from "../../src/service.js";
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
    db: z.object({ image: z.string().regex(/^postgres:16/), healthcheck: z.object({ test: z.unknown() }) }),
    mail: z.object({ image: z.string().regex(/mailpit/), healthcheck: z.object({ test: z.unknown() }) }),
    app: z.object({ environment: z.record(z.string(), z.string()), healthcheck: z.object({ test: z.unknown() }), depends_on: z.record(z.string(), z.unknown()) }),
  }),
});

describe("docker-compose.yml and .env.example", () => {
  const variables = exampleVariables();
  const services = compose.parse(parse(read("docker-compose.yml"))).services;

  it("documents every variable the configuration reads, and only those", () => {
    const source = read("src/platform/config.ts");
    const schemaBlock = source.slice(source.indexOf("const envSchema"), source.indexOf(".superRefine"));
    const read_ = [...schemaBlock.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]).sort();
    expect([...variables.keys()].sort()).toEqual(read_);
  });

  it("passes every documented variable to the service, with PostgreSQL 16, Mailpit and health checks", () => {
    expect(Object.keys(services.app.environment).sort()).toEqual([...variables.keys()].sort());
    expect(Object.keys(services.app.depends_on).sort()).toEqual(["db", "mail"]);
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
        Object.entries(services.app.environment).map(([name, value]) => [name, value.replace(/^\$\{[A-Z_]+:-(.*)\}$/, "$1").replace(/^\$\{[A-Z_]+:\?.*\}$/, "")]),
      );
      const config = loadConfig({ ...env, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"), SMTP_URL: "smtp://127.0.0.1:2525", PORT: "0", HOST: "127.0.0.1", CRON: "false" });
      service = await startService(config, capturedLogger().log);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    });
  });
});
