import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { z } from "zod";
import { repoRoot } from "../../support/child-process.js";

/**
 * A stand-in for an ntfy server over HTTPS, checking what ntfy's JSON publishing accepts
 * (https://docs.ntfy.sh/publish/#publish-as-json): a POST to the server's root URL with the
 * topic in the body; `priority` 1–5; `tags` strings; at most three `actions`, each `view`
 * (label, url) or `http` (label, url, method), and `clear` a boolean. A body ntfy would refuse
 * gets ntfy's own 400 shape and is recorded as a rejection. `Authorization: Bearer` is read.
 */
const action = z.discriminatedUnion("action", [
  z.object({ action: z.literal("view"), label: z.string().min(1), url: z.url(), clear: z.boolean().optional() }).strict(),
  z.object({ action: z.literal("http"), label: z.string().min(1), url: z.url(), method: z.enum(["GET", "POST", "PUT", "DELETE"]).optional(), headers: z.record(z.string(), z.string()).optional(), body: z.string().optional(), clear: z.boolean().optional() }).strict(),
]);
const message = z
  .object({
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/),
    message: z.string().optional(),
    title: z.string().optional(),
    tags: z.array(z.string()).optional(),
    priority: z.number().int().min(1).max(5).optional(),
    click: z.url().optional(),
    actions: z.array(action).max(3).optional(),
  })
  .strict();
export type NtfyPublished = z.infer<typeof message> & { authorization: string | undefined };

export interface NtfyServer {
  origin: string;
  published: NtfyPublished[];
  rejections: string[];
  /** the next answers, in order (e.g. 429 with Retry-After); afterwards ntfy's 200 */
  script(answers: Array<{ status: number; headers?: Record<string, string> }>): void;
  close(): Promise<void>;
}

const TLS = path.join(repoRoot, "tests", "emulator", "tls");

export async function startNtfyServer(): Promise<NtfyServer> {
  const published: NtfyPublished[] = [];
  const rejections: string[] = [];
  const scripted: Array<{ status: number; headers?: Record<string, string> }> = [];
  const reply = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };
  const server = createServer({ cert: readFileSync(path.join(TLS, "server.pem")), key: readFileSync(path.join(TLS, "server-key.pem")) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/") {
        rejections.push(`${request.method} ${request.url}: JSON must be published to the root URL`);
        return reply(response, 404, { code: 40401, http: 404, error: "page not found" });
      }
      const next = scripted.shift();
      if (next) return reply(response, next.status, { code: next.status * 100 + 1, http: next.status, error: "scripted" }, next.headers);
      let parsed;
      try {
        parsed = message.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        rejections.push(parsed ? parsed.error.message : "not JSON");
        return reply(response, 400, { code: 40024, http: 400, error: "invalid request: request body must be valid JSON" });
      }
      published.push({ ...parsed.data, authorization: request.headers.authorization });
      reply(response, 200, { id: `msg${published.length}`, time: Math.floor(Date.now() / 1000), event: "message", topic: parsed.data.topic, message: parsed.data.message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    origin: `https://localhost:${(server.address() as AddressInfo).port}`,
    published,
    rejections,
    script: (answers) => scripted.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
