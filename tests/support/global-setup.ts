import pg from "pg";
import { pino } from "pino";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/platform/db/migrate.js";
import { startPostgresServer } from "./postgres-server.js";
import type { TestPostgres } from "./provided.js";

const TEMPLATE_DATABASE = "makegood_template";

async function createTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
    const url = new URL(adminUrl);
    url.pathname = `/${TEMPLATE_DATABASE}`;
    await migrateDatabase(url.toString(), pino({ level: "warn" }));
    // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template: forbid it.
    await admin.query(`alter database ${TEMPLATE_DATABASE} with is_template true allow_connections false`);
  } finally {
    await admin.end();
  }
}

/**
 * One PostgreSQL server for the whole test run, with a migrated template database that
 * each test file clones (tests/support/database.ts). Torn down after the run; a run that
 * is interrupted or killed does not leave it behind either (see postgres-server.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  try {
    await createTemplate(server.adminUrl);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const provided: TestPostgres = { adminUrl: server.adminUrl, templateDatabase: TEMPLATE_DATABASE };
  if (server.binaries.pgDump) provided.pgDump = server.binaries.pgDump;
  project.provide("postgres", provided);
  return () => server.stop();
}
