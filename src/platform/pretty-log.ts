/**
 * Log lines for a person at a terminal: `20:31:05 INFO  Makegood is running at …  component=tasks`.
 * pino writes JSON; when stdout is a terminal each JSON line is rewritten here before it is
 * shown (JSON stays the format everywhere else: files, containers, CI, tests).
 */

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: "TRACE", color: "\u001b[90m" },
  20: { name: "DEBUG", color: "\u001b[90m" },
  30: { name: "INFO ", color: "\u001b[32m" },
  40: { name: "WARN ", color: "\u001b[33m" },
  50: { name: "ERROR", color: "\u001b[31m" },
  60: { name: "FATAL", color: "\u001b[41m" },
};
const RESET = "\u001b[0m";
const DIM = "\u001b[2m";

/** Fields every line has, or that the line already says. */
const OMITTED = new Set(["level", "time", "msg", "pid", "hostname", "service", "err", "req", "res", "reqId"]);

export function prettyLine(record: Record<string, unknown>, color: boolean): string {
  const level = LEVELS[typeof record["level"] === "number" ? record["level"] : 30] ?? { name: "INFO ", color: "" };
  const time = typeof record["time"] === "string" ? record["time"].slice(11, 19) : typeof record["time"] === "number" ? new Date(record["time"]).toISOString().slice(11, 19) : "";
  const fields = Object.entries(record)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "string" ? (/\s/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value)}`)
    .join(" ");
  const req = record["req"] as { method?: unknown; url?: unknown } | undefined;
  const request = req && typeof req.method === "string" ? ` ${req.method} ${String(req.url ?? "")}` : "";
  const paint = (code: string, text: string) => (color && text ? `${code}${text}${RESET}` : text);
  let line = `${paint(DIM, time)} ${paint(level.color, level.name)} ${String(record["msg"] ?? "")}${request}${fields ? `  ${paint(DIM, fields)}` : ""}`;
  const err = record["err"] as { message?: unknown; stack?: unknown } | undefined;
  if (err && typeof err === "object") {
    // The stack only for errors worth one; a warning says its reason in one line.
    const detail = typeof record["level"] === "number" && record["level"] >= 50 && typeof err.stack === "string" ? err.stack : String(err.message ?? "");
    line += `\n  ${detail.replace(/\n/g, "\n  ")}`;
  }
  return `${line}\n`;
}

/** A pino destination that shows each JSON line as a pretty one. */
export function prettyDestination(out: { write(text: string): unknown }, color: boolean): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const text of chunk.split("\n")) {
        if (!text) continue;
        try {
          out.write(prettyLine(JSON.parse(text) as Record<string, unknown>, color));
        } catch {
          out.write(`${text}\n`);
        }
      }
    },
  };
}
