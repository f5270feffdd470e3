import { performance } from "node:perf_hooks";

/**
 * When the runner's loop should look for work again: at once (a NOTIFY for a task due now,
 * a worker freed), at a time (a task due later), or after `pollMs` at the latest (a missed
 * notification, an expired lease). A wake-up that arrives while the loop is busy is kept.
 */
export class WakeSignal {
  private wakeRequested = false;
  private resolveWait: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly pollMs: number, private readonly clock: () => Date) {}

  get requested(): boolean {
    return this.wakeRequested;
  }

  clear(): void {
    this.wakeRequested = false;
  }

  /** Wake the loop now. */
  readonly now = (): void => {
    this.wakeRequested = true;
    const resolve = this.resolveWait;
    this.resolveWait = undefined;
    resolve?.();
  };

  /** A NOTIFY on the tasks channel: its payload is the earliest due time enqueued. */
  notified(payload: string | undefined): void {
    const due = payload ? Date.parse(payload) : Number.NaN;
    if (Number.isNaN(due)) this.now();
    else this.at(new Date(due));
  }

  /** Keeps the earliest of the wake-ups asked for: a later one never pushes it back. */
  at(when: Date): void {
    const delayMs = when.getTime() - this.clock().getTime();
    if (delayMs <= 0) return this.now();
    const at = performance.now() + delayMs;
    if (this.timer && at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.now();
    }, Math.min(delayMs, 2 ** 31 - 1));
  }

  wait(): Promise<void> {
    if (this.wakeRequested || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.resolveWait = undefined;
        resolve();
      }, this.pollMs);
      this.resolveWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.now();
  }
}
