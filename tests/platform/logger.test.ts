import { describe, expect, it } from "vitest";
import { maskQuery } from "../../src/platform/logger.js";
import { capturedLogger } from "../support/log-capture.js";

describe("logging without secrets", () => {
  it("masks OAuth codes, states and tokens in logged URLs", () => {
    expect(maskQuery("/auth/google/callback?state=abc&code=4/0AbC&scope=email")).toBe("/auth/google/callback?state=%5Bredacted%5D&code=%5Bredacted%5D&scope=email");
    expect(maskQuery("/webhooks/microsoft?validationToken=xyz")).toBe("/webhooks/microsoft?validationToken=%5Bredacted%5D");
    expect(maskQuery("/api/meetings")).toBe("/api/meetings");
  });

  it("censors token fields anywhere in a log line, but keeps error codes", () => {
    const logs = capturedLogger();
    logs.log.info({ tokens: { accessToken: "ya29.secret", refreshToken: "1//refresh" }, connection: { code: "needs_reauth" } }, "refreshed");
    expect(logs.text()).not.toContain("ya29.secret");
    expect(logs.text()).not.toContain("1//refresh");
    expect(logs.lines()[0]).toMatchObject({ connection: { code: "needs_reauth" } });
  });
});
