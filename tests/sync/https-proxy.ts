import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

const TLS_DIR = new URL("../emulator/tls/", import.meta.url);

/**
 * A TLS-terminating reverse proxy in front of the service, as a load balancer would be in
 * production: the service speaks http, the providers reach it over https (PUBLIC_URL). It
 * uses the emulator's test certificate, which covers localhost. The target is set once the
 * service listens (the harness picks its port).
 */
export interface HttpsProxy {
  url: string;
  setTarget(port: number): void;
  close(): Promise<void>;
}

export async function startHttpsProxy(): Promise<HttpsProxy> {
  let targetPort: number | undefined;
  const server = https.createServer({ key: readFileSync(new URL("server-key.pem", TLS_DIR)), cert: readFileSync(new URL("server.pem", TLS_DIR)) }, (request, response) => {
    if (targetPort === undefined) {
      response.writeHead(503).end("proxy target not set");
      return;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPort, method: request.method, path: request.url, headers: { ...request.headers, "x-forwarded-proto": "https" } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.headersSent ? response.destroy() : response.writeHead(502).end("upstream failed"));
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    setTarget(target) {
      targetPort = target;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
