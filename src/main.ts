import { ConfigurationError, loadConfig, type Config } from "./platform/config.js";
import { errorMessage } from "./platform/errors.js";
import { createLogger } from "./platform/logger.js";
import { onShutdownSignal } from "./platform/shutdown.js";
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
  // The handler goes in before the announcement: whoever reads it may signal at once.
  onShutdownSignal(log, () => service.close());
  log.info({ url: service.url, publicUrl: config.publicUrl, sandbox: config.sandbox }, `Makegood is running at ${service.url}`);
} catch (error) {
  log.fatal({ err: error, reason: errorMessage(error) }, "Makegood could not start");
  process.exitCode = 1;
}
