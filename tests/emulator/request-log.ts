export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  time: number;
}

/** Headers worth asserting on; everything else is noise. */
const KEPT_HEADERS = ["authorization", "content-type", "prefer", "x-goog-api-client", "user-agent", "client-request-id", "sdkversion"];

export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(method: string, rawUrl: string, headers: Record<string, string | string[] | undefined>, time: number): void {
    const url = new URL(rawUrl, "https://localhost");
    if (url.pathname.startsWith("/_emulator/")) return;
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headers[name];
      if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    this.entries.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: kept, time });
  }

  list(filter?: { method?: string | undefined; pathPrefix?: string | undefined }): LoggedRequest[] {
    return this.entries.filter((entry) =>
      (!filter?.method || entry.method === filter.method.toUpperCase()) && (!filter?.pathPrefix || entry.path.startsWith(filter.pathPrefix)));
  }

  clear(): void {
    this.entries = [];
  }
}
