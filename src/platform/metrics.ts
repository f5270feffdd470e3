import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * What the service counts, as one small interface the object graph passes to each edge
 * (sync, provider adapters, push webhooks, detection, alert delivery, the task runner), so
 * every instrumentation point is a one-line call (each edge takes it as an optional dependency).
 */
export interface Metrics {
  /** one sync of one connection, however it ended (synced, backing_off, busy, needs_reauth, failed …) */
  syncRun(provider: string, outcome: string, seconds: number): void;
  /** one call through the CalendarProvider interface: `ok` or the ProviderError kind */
  providerCall(provider: string, operation: string, status: string): void;
  /** one push notification, with what we did with it (queued, ignored, rejected, unknown_channel) */
  pushReceived(provider: string, verdict: string): void;
  /** detection state changes decided and stored */
  transitions(list: ReadonlyArray<{ fromState: string; toState: string }>): void;
  /** one attempt to deliver an alert on a channel */
  alertDelivery(channel: string, outcome: "delivered" | "skipped" | "retry" | "failed"): void;
  /** a task attempt that threw: `retry` (queued again), `failed` (parked for good) or `lost` */
  taskFailed(kind: string, outcome: string): void;
}

/** One row per task kind, read at scrape time. */
export interface TaskQueueSnapshot {
  kind: string;
  /** queued and due now: the backlog */
  due: number;
  /** queued for later (rechecks, backoffs) */
  scheduled: number;
  running: number;
  /** parked after their last attempt */
  failed: number;
  /** how long the oldest due task has waited, seconds; 0 when none is due */
  oldestDueSeconds: number;
}

export interface ServiceMetrics extends Metrics {
  readonly registry: Registry;
  /** the Prometheus exposition text */
  scrape(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** reads the task table once per scrape (one grouped query) */
  taskQueue?: () => Promise<readonly TaskQueueSnapshot[]>;
  /** process metrics (CPU, memory, event loop, GC); on by default */
  processMetrics?: boolean;
}

/**
 * A registry per service instance, not prom-client's global one, so several services in one
 * process (tests) keep separate series.
 */
export function createMetrics(options: MetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "makegood_" });
  const registers = [registry];

  const syncRuns = new Counter({ name: "makegood_sync_runs_total", help: "Syncs of a connection, by provider and outcome", labelNames: ["provider", "outcome"], registers });
  const syncDuration = new Histogram({
    name: "makegood_sync_duration_seconds",
    help: "How long one sync of one connection took, by provider",
    labelNames: ["provider"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const providerCalls = new Counter({
    name: "makegood_provider_calls_total",
    help: "Calls to a calendar provider, by provider, operation and status (ok or the error kind: rate_limited, transient, auth_revoked …)",
    labelNames: ["provider", "operation", "status"],
    registers,
  });
  const pushes = new Counter({ name: "makegood_push_notifications_total", help: "Push notifications received, by provider and verdict", labelNames: ["provider", "verdict"], registers });
  const transitions = new Counter({ name: "makegood_detection_transitions_total", help: "Detection state transitions stored, by from and to state", labelNames: ["from", "to"], registers });
  const alerts = new Counter({ name: "makegood_alert_deliveries_total", help: "Alert delivery attempts, by channel and outcome", labelNames: ["channel", "outcome"], registers });
  const tasksFailed = new Counter({ name: "makegood_tasks_failed_total", help: "Task attempts that failed, by kind and outcome (retry, failed for good, lost)", labelNames: ["kind", "outcome"], registers });

  const queueReadFailures = new Counter({
    name: "makegood_task_queue_read_failures_total",
    help: "Scrapes that could not read the task table (the database was unreachable); the queue gauges are absent from those",
    registers,
    // Counted by this scrape's own read, before the value is written out.
    async collect() {
      await snapshot();
    },
  });

  // Both queue gauges come from one query per scrape: the first collect() starts it, the
  // second reuses it. A database outage leaves them out rather than failing the scrape, so
  // the rest of the metrics are there when they matter most.
  let pending: Promise<readonly TaskQueueSnapshot[]> | undefined;
  const snapshot = () => {
    if (!options.taskQueue) return Promise.resolve([]);
    pending ??= options
      .taskQueue()
      .catch(() => {
        queueReadFailures.inc();
        return [];
      })
      .finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
  new Gauge({
    name: "makegood_task_queue_depth",
    help: "Tasks in the task table by kind and state (due: queued and due now; scheduled: queued for later; running; failed: parked)",
    labelNames: ["kind", "state"],
    registers,
    async collect() {
      this.reset();
      for (const row of await snapshot()) {
        this.set({ kind: row.kind, state: "due" }, row.due);
        this.set({ kind: row.kind, state: "scheduled" }, row.scheduled);
        this.set({ kind: row.kind, state: "running" }, row.running);
        this.set({ kind: row.kind, state: "failed" }, row.failed);
      }
    },
  });
  new Gauge({
    name: "makegood_task_oldest_due_age_seconds",
    help: "How long the oldest due, unclaimed task of each kind has waited",
    labelNames: ["kind"],
    registers,
    async collect() {
      this.reset();
      for (const row of await snapshot()) this.set({ kind: row.kind }, row.oldestDueSeconds);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    syncRun(provider, outcome, seconds) {
      syncRuns.inc({ provider, outcome });
      syncDuration.observe({ provider }, seconds);
    },
    providerCall: (provider, operation, status) => providerCalls.inc({ provider, operation, status }),
    pushReceived: (provider, verdict) => pushes.inc({ provider, verdict }),
    transitions(list) {
      for (const t of list) transitions.inc({ from: t.fromState, to: t.toState });
    },
    alertDelivery: (channel, outcome) => alerts.inc({ channel, outcome }),
    taskFailed: (kind, outcome) => tasksFailed.inc({ kind, outcome }),
  };
}
