import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { DASHBOARD_PAGE } from "./dashboard.js";

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(HERE, "..", "public");
const SHARED_DIR = join(HERE, "..", "..", "platform", "time-format");
const WORKER_SOURCE = join(HERE, "..", "service-worker", "sw.js");

/** The theme colour of the page, the manifest and the status bar: the dashboard's accent. */
export const THEME_COLOUR = "#1d4ed8";

/**
 * The installable dashboard (issue 15): the web app manifest and the service worker, at the
 * root so the worker's scope is the whole dashboard. The worker's shell list is every file the
 * dashboard loads (read from disk at start, so a new page module is never forgotten) and its
 * version a hash of their contents: a deploy that changes any of them installs a new worker
 * and a new cache.
 */
export const MANIFEST = {
  name: "Makegood",
  short_name: "Makegood",
  description: "Notices when you are running late or missed a meeting, and helps you make it right.",
  id: "/",
  start_url: "/",
  scope: "/",
  display: "standalone",
  background_color: "#ffffff",
  theme_color: THEME_COLOUR,
  icons: [
    { src: "/app/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
    { src: "/app/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
    { src: "/app/icons/maskable-192.png", sizes: "192x192", type: "image/png", purpose: "maskable" },
    { src: "/app/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
  ],
};

function filesUnder(root: string, prefix: string, keep: (name: string) => boolean): Array<{ url: string; file: string }> {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter(keep)
    .sort()
    .map((name) => ({ url: `${prefix}${relative(root, join(root, name)).split("\\").join("/")}`, file: join(root, name) }));
}

function shell(): { files: string[]; version: string } {
  const assets = [
    ...filesUnder(PUBLIC_DIR, "/app/", (name) => /\.(js|css|svg|png)$/.test(name) && !name.endsWith("alert-action.js") && !name.endsWith("check-in.js")),
    ...filesUnder(SHARED_DIR, "/shared/", (name) => name.endsWith(".js")),
    { url: "/vendor/preact/preact.mjs", file: join(dirname(require.resolve("preact")), "preact.mjs") },
    { url: "/vendor/preact-hooks/hooks.mjs", file: join(dirname(require.resolve("preact/hooks")), "hooks.mjs") },
    { url: "/vendor/htm/htm.module.js", file: join(dirname(require.resolve("htm")), "htm.module.js") },
  ];
  const hash = createHash("sha256").update(DASHBOARD_PAGE).update(JSON.stringify(MANIFEST)).update(readFileSync(WORKER_SOURCE));
  for (const asset of assets) hash.update(asset.url).update(readFileSync(asset.file));
  return { files: ["/", "/manifest.webmanifest", ...assets.map((asset) => asset.url)], version: hash.digest("hex").slice(0, 16) };
}

export const appShellRoutes: FastifyPluginAsyncZod = async (app) => {
  const { files, version } = shell();
  const worker = readFileSync(WORKER_SOURCE, "utf8").replace("__SHELL_VERSION__", version).replace("__SHELL_FILES__", JSON.stringify(files));
  const manifest = JSON.stringify(MANIFEST);

  // Untagged: files for the browser, not part of the API document.
  app.get("/manifest.webmanifest", async (_request, reply) => reply.type("application/manifest+json; charset=utf-8").header("cache-control", "no-cache").send(manifest));
  // Browsers check the worker for updates on navigation; no-cache keeps that check honest.
  app.get("/sw.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").header("cache-control", "no-cache").send(worker));
};
