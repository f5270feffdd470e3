import { ConfigurationError, loadConfigWithEnvFile, type Config, type EnvFile } from "../platform/index.js";
import { errorMessage } from "../platform/index.js";
import { createLogger } from "../platform/index.js";
import { onShutdownSignal } from "../platform/index.js";
import { startService } from "./service.js";

/** `npm start`: configuration (environment, then .env), then the service, then a graceful stop on SIGINT/SIGTERM. */
let config: Config;
let envFile: EnvFile;
try {
  ({ config, envFile } = loadConfigWithEnvFile());
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const log = createLogger(config.logLevel, undefined, config.logFormat);
const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 22 && process.stderr.isTTY) {
  // It still runs (CI ran it on 20 until December 2026), but nobody patches Node 20 any more.
  // Said to a person at a terminal; machines reading the JSON log get npm's EBADENGINE instead.
  process.stderr.write(`Node ${process.versions.node} is past its end of life: Makegood runs on it but supports Node 22 and 24; upgrade when you can.\n`);
}
if (envFile.path) log.info({ file: envFile.path, variables: envFile.used }, "read .env (variables set in the environment win over it)");

try {
  const service = await startService(config, log);
  // The handler goes in before the announcement: whoever reads it may signal at once.
  onShutdownSignal(log, () => service.close());
  log.info({ listening: service.url, sandbox: config.sandbox }, `Makegood is running at ${config.publicUrl}`);
} catch (error) {
  const plain = listenProblem(error, config.port);
  if (plain) {
    // Nothing to debug here: one line that says what to do, no stack.
    process.stderr.write(`${plain}\n`);
  } else {
    log.fatal({ err: error, reason: errorMessage(error) }, "Makegood could not start");
  }
  process.exitCode = 1;
}

/** A port we cannot listen on is the user's to fix: say how. */
function listenProblem(error: unknown, port: number): string | undefined {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "EADDRINUSE") return `Port ${port} is in use: stop the other program or set PORT=${port === 65535 ? 3000 : port + 1}`;
  if (code === "EACCES") return `Port ${port} needs administrator rights on this machine: set PORT=3000 (or another port above 1023)`;
  if (code === "EADDRNOTAVAIL") return `HOST=${config.host} is not an address of this machine: set HOST=localhost, or HOST=0.0.0.0 to listen everywhere`;
  return undefined;
}
