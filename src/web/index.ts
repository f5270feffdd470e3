/** The HTTP surface: routes, plugins, pages. Only `app/` imports it. */
export { type App, buildApp } from "./app.js";
