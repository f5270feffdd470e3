import { openDatabase } from "../src/platform/index.js";
import { systemClock } from "../src/platform/index.js";
import { ConfigurationError, loadConfigWithEnvFile } from "../src/platform/index.js";
import { errorMessage } from "../src/platform/index.js";
import { createLogger } from "../src/platform/index.js";
import { createServices } from "../src/app/index.js";
import { loadDatabaseZones } from "../src/platform/index.js";
import { JOB_NAMES } from "./job.js";
import { findJob, withJobTaskHandlers } from "./registry.js";
import { runJob } from "./run-job.js";

/**
 * `npm run job -- <name>`: runs one job once against the same database `npm start` uses
 * (the running embedded server, or one started for this run) and exits 0 on success.
 */
async function main(argv: readonly string[]): Promise<number> {
  const name = argv[0];
  const job = name ? findJob(name) : undefined;
  if (!job) {
    process.stderr.write(`${name ? `Unknown job "${name}"` : "No job named"}; valid jobs: ${JOB_NAMES.join(", ")}. Usage: npm run job -- <name>\n`);
    return 2;
  }
  let config;
  try {
    // The same configuration as `npm start`, .env included.
    config = loadConfigWithEnvFile().config;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const log = createLogger(config.logLevel, undefined, config.logFormat);
  const database = await openDatabase(config, log);
  const services = createServices(config, database, systemClock, log, { maxConnections: 4 });
  try {
    // Jobs adopt calendars' zones too: the same check as the service's.
    await loadDatabaseZones(services.db);
    const outcome = await runJob(job, withJobTaskHandlers({ ...services, signal: new AbortController().signal }), { waitForLock: true });
    if (outcome.status === "done") {
      log.info({ job: job.name, ...outcome.summary, durationMs: outcome.durationMs }, "job finished");
      process.stdout.write(`${job.name}: done ${JSON.stringify(outcome.summary)}\n`);
    }
    return 0;
  } catch (error) {
    log.error({ job: job.name, err: error }, "job failed");
    process.stderr.write(`${job.name}: failed: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await services.close();
    await database.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
