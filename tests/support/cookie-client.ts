/**
 * A minimal browser stand-in over real HTTP: keeps cookies per origin, follows redirects
 * one hop at a time so tests can look at each, and sends Origin on state-changing calls
 * as a browser does.
 */
export class CookieClient {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly origin: string) {}

  cookie(name: string, url = this.origin): string | undefined {
    return this.jars.get(new URL(url).origin)?.get(name);
  }

  /** As a page's script would (document.cookie): the value is sent as given. */
  setCookie(name: string, value: string, url = this.origin): void {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(origin, jar);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.origin);
    const jar = this.jars.get(target.origin) ?? new Map<string, string>();
    this.jars.set(target.origin, jar);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", this.origin);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const separator = pair!.indexOf("=");
      const name = pair!.slice(0, separator).trim();
      const value = pair!.slice(separator + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects (across origins, like the OAuth dance) until a non-redirect answer. */
  async follow(url: string, maxHops = 10): Promise<{ response: Response; hops: string[] }> {
    const hops: string[] = [];
    let next = new URL(url, this.origin).toString();
    for (let hop = 0; hop < maxHops; hop += 1) {
      hops.push(next);
      const response = await this.fetch(next);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { response, hops };
      next = new URL(location, next).toString();
    }
    throw new Error(`too many redirects: ${hops.join(" → ")}`);
  }

  async json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const response = await this.fetch(url, { ...init, headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...Object.fromEntries(new Headers(init.headers)) } });
    return { status: response.status, body: (await response.json()) as T };
  }
}
