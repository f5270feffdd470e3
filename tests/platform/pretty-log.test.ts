import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { prettyDestination, prettyLine } from "../../src/platform/pretty-log.js";

describe("log lines at a terminal", () => {
  it("are one readable line: time, level, message, then the fields", () => {
    const line = prettyLine({ level: 30, time: "2026-12-02T20:31:05.123Z", pid: 1, hostname: "h", service: "makegood", msg: "Makegood is running at http://localhost:3000", sandbox: true }, false);
    expect(line).toBe("20:31:05 INFO  Makegood is running at http://localhost:3000  sandbox=true\n");
  });

  it("show an error's reason on the next line, and its stack only from level error", () => {
    const err = { message: "connect ECONNREFUSED", stack: "Error: connect ECONNREFUSED\n    at x.ts:1" };
    expect(prettyLine({ level: 40, time: "2026-12-02T20:31:05Z", msg: "sync failed; backing off", err }, false)).toBe("20:31:05 WARN  sync failed; backing off\n  connect ECONNREFUSED\n");
    expect(prettyLine({ level: 50, time: "2026-12-02T20:31:05Z", msg: "request failed", err }, false)).toContain("\n      at x.ts:1");
  });

  it("are what a pino logger writes through the pretty destination (no JSON left)", () => {
    const written: string[] = [];
    const log = pino({ base: { service: "makegood" }, timestamp: pino.stdTimeFunctions.isoTime }, prettyDestination({ write: (text: string) => written.push(text) }, false));
    log.info({ component: "tasks", taskId: "t1" }, "task done");
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d\d:\d\d:\d\d INFO  task done  component=tasks taskId=t1\n$/);
  });
});
