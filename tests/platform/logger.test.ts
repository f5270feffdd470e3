import { describe, expect, it } from "vitest";
import { maskQuery, maskUrl } from "../../src/platform/logger.js";
import { capturedLogger } from "../support/log-capture.js";

describe("logging without secrets", () => {
  it("masks OAuth codes, states and tokens in logged URLs", () => {
    expect(maskQuery("/auth/google/callback?state=abc&code=4/0AbC&scope=email")).toBe("/auth/google/callback?state=%5Bredacted%5D&code=%5Bredacted%5D&scope=email");
    expect(maskQuery("/webhooks/microsoft?validationToken=xyz")).toBe("/webhooks/microsoft?validationToken=%5Bredacted%5D");
    expect(maskQuery("/api/meetings")).toBe("/api/meetings");
  });

  it("masks the check-in token in the path, in every spelling that reaches the route", () => {
    expect(maskUrl("/check-in/eyJwIjoiY2hlY2tfaW4ifQ.c2lnbmF0dXJl")).toBe("/check-in/[redacted]");
    expect(maskUrl("/check-in//abc.def?x=1&t=abc")).toBe("/check-in//[redacted]?x=1&t=%5Bredacted%5D");
    expect(maskUrl("/CHECK-IN/abc.def")).toBe("/CHECK-IN/[redacted]");
    expect(maskUrl("/check-in%2Fabc.def")).toBe("/check-in%2F[redacted]");
    expect(maskUrl("/auth/google/callback?code=1&code=2")).toBe("/auth/google/callback?code=%5Bredacted%5D");
    expect(maskUrl("/api/meetings/3f2a/attended")).toBe("/api/meetings/3f2a/attended");
  });

  it("censors token fields anywhere in a log line, but keeps error codes", () => {
    const logs = capturedLogger();
    logs.log.info({ tokens: { accessToken: "ya29.secret", refreshToken: "1//refresh" }, connection: { code: "needs_reauth" } }, "refreshed");
    expect(logs.text()).not.toContain("ya29.secret");
    expect(logs.text()).not.toContain("1//refresh");
    expect(logs.lines()[0]).toMatchObject({ connection: { code: "needs_reauth" } });
  });
});
