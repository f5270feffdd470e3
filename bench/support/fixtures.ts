import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createPkcePair, randomToken } from "../../src/calendars/connections/pkce.js";
import type { Services } from "../../src/app/services.js";

/** What bench/sync.ts and its set-up child share: the emulator's control API and real OAuth grants. */

// ---- the emulator in a child process --------------------------------------------------------
export interface ChildEmulator {
  url: string;
  env: Record<string, string>;
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startChildEmulator(): Promise<ChildEmulator> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./emulator-child.ts", import.meta.url))], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const { url, env } = JSON.parse(line) as { url: string; env: Record<string, string> };
  return {
    url,
    env,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
      if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill("SIGTERM"), 5_000).unref();
      }),
  };
}

// ---- real OAuth grants, stored as the connect flow stores them --------------------------------
export type Kind = "google" | "microsoft";

export async function connect(services: Services, provider: Kind, email: string): Promise<string> {
  const oauth = services.providers.oauth(provider)!;
  const redirectUri = `${services.config.publicUrl}/auth/${provider}/callback`;
  const pkce = createPkcePair();
  const state = randomToken(16);
  const authorize = await fetch(oauth.authorizationUrl({ state, codeChallenge: pkce.challenge, redirectUri, loginHint: email }), { redirect: "manual" });
  const code = new URL(authorize.headers.get("location") ?? "").searchParams.get("code");
  if (!code) throw new Error(`no authorization code for ${email}: ${authorize.status}`);
  const { tokens, account } = await oauth.exchangeCode({ code, codeVerifier: pkce.verifier, redirectUri });
  const { db, sealer } = services;
  const connectionId = randomUUID();
  await db.user.create({
    data: {
      email: account.email,
      name: account.name,
      settings: { create: {} },
      connections: {
        create: {
          id: connectionId,
          provider,
          accountId: account.accountId,
          accountEmail: account.email,
          accessTokenSealed: sealer.seal(tokens.accessToken, connectionId),
          refreshTokenSealed: tokens.refreshToken ? sealer.seal(tokens.refreshToken, connectionId) : null,
          tokenKeyId: sealer.currentKeyId,
          accessTokenExpiresAt: tokens.expiresAt,
          scopes: tokens.scopes,
          status: "active",
          authorizedAt: new Date(),
        },
      },
    },
  });
  return connectionId;
}


/** The control API of an emulator started elsewhere (the set-up child gets only its URL). */
export function controlOf(url: string): ChildEmulator["control"] {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}
