import { describe, expect, it } from "vitest";
import { ConfigurationError, loadConfig } from "../../src/platform/config.js";

const KEY = Buffer.alloc(32, 7).toString("base64");

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("starts with nothing set: embedded database, sandbox, real provider endpoints", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.tokenKeys).toBeUndefined();
    expect(config.sandbox).toBe(true);
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.endpoints).toEqual({
      googleAuthUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      googleTokenUrl: "https://oauth2.googleapis.com/token",
      googleApiRootUrl: "https://www.googleapis.com/",
      googleMeetRootUrl: "https://meet.googleapis.com/",
      microsoftAuthorityUrl: "https://login.microsoftonline.com",
      microsoftGraphUrl: "https://graph.microsoft.com",
      microsoftTenant: "common",
      zoomAuthUrl: "https://zoom.us",
      zoomApiUrl: "https://api.zoom.us/v2",
    });
    expect(config.syncWindow).toEqual({ pastDays: 2, futureDays: 14 });
    // Zoom is optional: without its three variables "Connect Zoom" is not offered.
    expect(config.zoom).toBeUndefined();
  });

  it("Zoom needs its client id, client secret and webhook secret token together, and names the missing one", () => {
    expect(problem({ ZOOM_CLIENT_ID: "abc", ZOOM_CLIENT_SECRET: "def" })).toMatch(/^ZOOM_WEBHOOK_SECRET_TOKEN is required when ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET are set/);
    const config = loadConfig({ ZOOM_CLIENT_ID: "abc", ZOOM_CLIENT_SECRET: "def", ZOOM_WEBHOOK_SECRET_TOKEN: "ghi", ZOOM_API_URL: "https://api.zoom.us/v2/" });
    expect(config.zoom).toEqual({ clientId: "abc", clientSecret: "def", webhookSecretToken: "ghi" });
    expect(config.endpoints.zoomApiUrl).toBe("https://api.zoom.us/v2");
    // Real Google or Microsoft credentials switch the sandbox off; Zoom alone does not.
    expect(config.sandbox).toBe(true);
  });

  it("treats empty variables as unset (as .env files and compose leave them)", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" }).port).toBe(3000);
  });

  it("names the variable, the problem and a good value for a short key", () => {
    expect(problem({ TOKEN_ENCRYPTION_KEY: "short" })).toBe(
      "TOKEN_ENCRYPTION_KEY must be 32 bytes in base64 (got 3 bytes); generate one with: openssl rand -base64 32",
    );
    expect(problem({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(12).toString("base64") })).toContain("(got 12 bytes)");
  });

  it.each([
    [{ PORT: "eighty" }, /^PORT must be a port number.*\(got "eighty"\); for example PORT=3000$/],
    [{ PORT: "70000" }, /^PORT must be 0–65535 \(got "70000"\)/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/],
    [{ PUBLIC_URL: "makegood.example.com" }, /^PUBLIC_URL must be an http\(s\) URL .*for example PUBLIC_URL=https:\/\/makegood.example.com$/],
    [{ DATABASE_URL: "mysql://x@y/z", TOKEN_ENCRYPTION_KEY: KEY }, /^DATABASE_URL must be a postgres:\/\/ URL; for example/],
    [{ SMTP_URL: "http://mail" }, /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL; for example/],
    [{ GOOGLE_CLIENT_ID: "id" }, /^GOOGLE_CLIENT_SECRET is required when GOOGLE_CLIENT_ID is set/],
    [{ MICROSOFT_CLIENT_SECRET: "s" }, /^MICROSOFT_CLIENT_ID is required when MICROSOFT_CLIENT_SECRET is set/],
    [{ SANDBOX: "maybe" }, /^SANDBOX must be true or false/],
    [{ SYNC_FUTURE_DAYS: "-1" }, /^SYNC_FUTURE_DAYS must not be negative/],
    [{ DATABASE_URL: "postgres://u:p@h/db" }, /^TOKEN_ENCRYPTION_KEY is required when DATABASE_URL is set/],
  ])("rejects %o with a message naming the variable", (env, expected) => {
    expect(problem(env)).toMatch(expected);
  });

  it("never echoes a secret value in the message", () => {
    expect(problem({ DATABASE_URL: "mysql://user:hunter2@db/x", TOKEN_ENCRYPTION_KEY: KEY })).not.toContain("hunter2");
  });

  it("switches the sandbox off when real credentials are configured, unless asked for", () => {
    const google = { GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "secret" };
    expect(loadConfig(google).sandbox).toBe(false);
    expect(loadConfig({ ...google, SANDBOX: "true" }).sandbox).toBe(true);
    expect(loadConfig(google).google).toEqual({ clientId: "id", clientSecret: "secret" });
  });

  it("normalises endpoint slashes so paths join predictably", () => {
    const config = loadConfig({ GOOGLE_API_ROOT_URL: "https://emulator.test", MICROSOFT_GRAPH_URL: "https://emulator.test/" });
    expect(config.endpoints.googleApiRootUrl).toBe("https://emulator.test/");
    expect(config.endpoints.microsoftGraphUrl).toBe("https://emulator.test");
  });
});
