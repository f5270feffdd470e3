/** Start-up and composition. Only `jobs/` entry points import this, for the composed services. */
export { createServices, type Services } from "./services.js";
