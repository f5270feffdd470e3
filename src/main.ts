import closeWithGrace from "close-with-grace";
import { ConfigurationError, loadConfig, type Config } from "./platform/config.js";
import { errorMessage } from "./platform/errors.js";
import { createLogger } from "./platform/logger.js";
import { startService } from "./service.js";

/** `npm start`: configuration, then the service, then a graceful stop on SIGINT/SIGTERM. */
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const log = createLogger(config.logLevel);

try {
  const service = await startService(config, log);
  log.info({ url: service.url, publicUrl: config.publicUrl, sandbox: config.sandbox }, `Makegood is running at ${service.url}`);
  closeWithGrace({ delay: 20_000, logger: false }, async ({ signal, err }) => {
    if (err) log.error({ err }, "stopping after an unexpected error");
    else log.info({ signal }, "stopping");
    await service.close();
    log.info("stopped");
  });
} catch (error) {
  log.fatal({ err: error, reason: errorMessage(error) }, "Makegood could not start");
  process.exitCode = 1;
}
