import type { Logger } from "./logger.js";

/** Repeats of a signal within this window are the same request, not an insistence. */
const REPEAT_WINDOW_MS = 3_000;

/**
 * Stops the service gracefully on SIGINT/SIGTERM, once. A terminal's Ctrl-C reaches every
 * process of the foreground group and `npm` forwards it again, so the first few signals
 * arrive together: they start one graceful stop. A signal sent well after that (a second,
 * deliberate Ctrl-C) exits at once. `timeoutMs` bounds the stop itself.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>, options: { timeoutMs?: number } = {}): void {
  let startedAt: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (startedAt !== undefined) {
      if (Date.now() - startedAt < REPEAT_WINDOW_MS) return;
      log.warn({ signal }, "second signal: exiting without finishing the graceful stop");
      process.exit(1);
    }
    startedAt = Date.now();
    log.info({ signal }, "stopping");
    const timer = setTimeout(() => {
      log.error({ timeoutMs: options.timeoutMs }, "graceful stop took too long: exiting");
      process.exit(1);
    }, options.timeoutMs ?? 30_000);
    timer.unref();
    stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "graceful stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handle);
  process.on("SIGTERM", handle);
}
