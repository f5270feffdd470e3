import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/platform/logger.js";

/** A real pino logger whose lines a test can read back. */
export function capturedLogger(level: "debug" | "info" | "warn" = "info"): { log: Logger; lines(): Array<Record<string, unknown>>; text(): string } {
  let buffer = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      buffer += chunk.toString();
      done();
    },
  });
  const log = createLogger(level, sink);
  return {
    log,
    text: () => buffer,
    lines: () =>
      buffer
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
