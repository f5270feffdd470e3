import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

const require = createRequire(import.meta.url);
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "public");
/** Modules the server uses too (one date and time format for pages and emails). */
const SHARED_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "platform", "time-format");

/**
 * The browser resolves the bare imports of our modules (and of preact/hooks) through this map;
 * the files are the packages' own ES module builds, so there is no build step.
 */
const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: "/vendor/preact/preact.mjs",
    "preact/hooks": "/vendor/preact-hooks/hooks.mjs",
    htm: "/vendor/htm/htm.module.js",
  },
});

/**
 * An import map has to be inline (browsers do not load it from a file), so the CSP allows
 * exactly this script by its hash and nothing else inline.
 */
export const DASHBOARD_SCRIPT_HASHES = [`'sha256-${createHash("sha256").update(IMPORT_MAP).digest("base64")}'`];

export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Makegood</title>
<meta name="theme-color" content="#1d4ed8">
<link rel="icon" href="/app/icon.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="apple-touch-icon" href="/app/icons/icon-192.png">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-title" content="Makegood">
<link rel="stylesheet" href="/app/dashboard.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/app/main.js"></script>
</head>
<body>
<div id="app"><p class="loading">Loading Makegood…</p><noscript><p>The dashboard needs JavaScript. Everything it shows is also in the JSON API: see <a href="/docs">/docs</a>.</p></noscript></div>
</body>
</html>
`;

/** `/`: the dashboard page, its modules and stylesheet, and the vendored Preact and htm builds. */
export const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  const assets: Array<{ prefix: string; root: string }> = [
    { prefix: "/app/", root: PUBLIC_DIR },
    { prefix: "/shared/", root: SHARED_DIR },
    { prefix: "/vendor/preact/", root: dirname(require.resolve("preact")) },
    { prefix: "/vendor/preact-hooks/", root: dirname(require.resolve("preact/hooks")) },
    { prefix: "/vendor/htm/", root: dirname(require.resolve("htm")) },
  ];
  for (const [index, asset] of assets.entries()) {
    await app.register(fastifyStatic, {
      root: asset.root,
      prefix: asset.prefix,
      // Only the first registration may decorate the reply with sendFile.
      decorateReply: index === 0,
      index: false,
      list: false,
      // Revalidated on every load (ETag), so a deploy is picked up at once.
      maxAge: 0,
      allowedPath: (path) => /\.(m?js|css|svg|png)$/.test(path),
    });
  }

  // Untagged: a page, not part of the API document.
  // Browsers ask for /favicon.ico on pages that name no icon (the check-in page, error pages).
  app.get("/favicon.ico", async (_request, reply) => reply.header("cache-control", "public, max-age=86400").redirect("/app/icon.svg", 301));
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(DASHBOARD_PAGE));
};
