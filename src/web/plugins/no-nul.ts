import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../../platform/index.js";
import { fieldLabel } from "./validation-messages.js";

/**
 * PostgreSQL text cannot hold a NUL character (\u0000): a name, a subject or a query with one
 * reached the database and came back as a 500. Nobody types one on purpose, so it is refused
 * at the edge, for every route, with the field it was found in.
 */
export const noNulPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook("preValidation", async (request) => {
      for (const [part, value] of [["params", request.params], ["querystring", request.query], ["body", request.body]] as const) {
        const field = nulIn(value, []);
        if (field === undefined) continue;
        const label = field ? fieldLabel(field) : part === "params" ? "The address" : "The request";
        throw new AppError(`${label} contains an invisible NUL character (\\u0000); remove it and try again.`, {
          code: "validation_failed",
          httpStatus: 400,
          details: { field },
        });
      }
    });
  },
  { name: "no-nul" },
);

/** The dotted path of the first string holding a NUL, "" for a bare string, undefined for none. */
function nulIn(value: unknown, path: string[], depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") : undefined;
  if (depth > 20 || value === null || typeof value !== "object") return undefined;
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (key.includes("\u0000")) return [...path, key.replace(/\u0000/g, "")].join(".");
    const found = nulIn(item, Array.isArray(value) ? path : [...path, key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
