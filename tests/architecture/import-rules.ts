import type { ImportEdge } from "./import-graph.js";

/**
 * Plain files that any code, domain code included, may import like an npm package: no imports
 * of their own, no I/O. The time formats are one JavaScript file the browser loads too.
 */
export const LIBRARIES: readonly string[] = ["src/platform/time-format/", "src/platform/plain-text/"];

/** Modules nothing else in src/ may import (jobs/ may reach app/ through its index). */
const TOP_MODULES = ["app", "web"] as const;

export interface BrokenRule {
  readonly rule: 1 | 2 | 3 | 4 | 5;
  readonly message: string;
}

/** The module a repository path belongs to: the folder right under src/ (null outside src/). */
export function moduleOf(file: string): string | null {
  const [top, module, ...rest] = file.split("/");
  return top === "src" && module !== undefined && rest.length > 0 ? module : null;
}

const isLibrary = (file: string): boolean => LIBRARIES.some((prefix) => file.startsWith(prefix));
const indexOf = (module: string): string => `src/${module}/index.ts`;
const where = (edge: ImportEdge): string => `${edge.from}:${edge.line} imports "${edge.specifier}"`;

/** The `domain/` folder a file sits in (the nearest one), or null. */
function domainFolderOf(file: string): string | null {
  const parts = file.split("/");
  const at = parts.lastIndexOf("domain", parts.length - 2);
  return at < 0 ? null : parts.slice(0, at + 1).join("/") + "/";
}

/**
 * Every import that breaks a rule of the module structure (README, "Architecture"):
 * 1. a file in a `domain/` folder imports only files in that folder (and npm packages);
 * 2. a module reaches another module only through its `index.ts`;
 * 3. nothing in src/ imports `web/` or `app/` but themselves (`app/` composes `web/`);
 * 4. no import cycle between modules;
 * 5. `jobs/` reaches src/ only through module `index.ts` files.
 */
export function brokenRules(edges: readonly ImportEdge[]): BrokenRule[] {
  const broken: BrokenRule[] = [];
  for (const edge of edges) {
    if (isLibrary(edge.to)) continue;
    const from = moduleOf(edge.from);
    const to = moduleOf(edge.to);
    const domain = domainFolderOf(edge.from);
    if (domain && !edge.to.startsWith(domain)) {
      broken.push({ rule: 1, message: `${where(edge)}, outside ${domain}: rule 1, a domain/ folder imports only its own files and npm packages` });
    }
    if (from !== null && to !== null && from !== to) {
      if (TOP_MODULES.includes(to as (typeof TOP_MODULES)[number]) && !(from === "app" && to === "web")) {
        broken.push({ rule: 3, message: `${where(edge)}: rule 3, nothing in src/ imports ${to}/ (only app/ composes web/)` });
      } else if (edge.to !== indexOf(to)) {
        broken.push({ rule: 2, message: `${where(edge)}: rule 2, module ${from} reaches module ${to} only through ${indexOf(to)}` });
      }
    }
    if (edge.from.startsWith("jobs/") && to !== null) {
      if (to === "web") broken.push({ rule: 5, message: `${where(edge)}: rule 5, jobs/ never import web/` });
      else if (edge.to !== indexOf(to)) broken.push({ rule: 5, message: `${where(edge)}: rule 5, jobs/ reach src/ only through module index.ts files (here ${indexOf(to)})` });
    }
  }
  broken.push(...moduleCycles(edges));
  return broken;
}

/** Module → modules it imports, each arrow with the first import that makes it. */
export function moduleGraph(edges: readonly ImportEdge[]): Map<string, Map<string, ImportEdge>> {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of edges) {
    const from = moduleOf(edge.from);
    const to = moduleOf(edge.to);
    if (from === null || to === null || from === to || isLibrary(edge.to)) continue;
    const arrows = graph.get(from) ?? new Map<string, ImportEdge>();
    if (!arrows.has(to)) arrows.set(to, edge);
    graph.set(from, arrows);
  }
  return graph;
}

/** Rule 4: each cycle found by a depth-first walk, named with one import per arrow. */
function moduleCycles(edges: readonly ImportEdge[]): BrokenRule[] {
  const graph = moduleGraph(edges);
  const broken: BrokenRule[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (module: string): void => {
    state.set(module, "open");
    stack.push(module);
    for (const [next, edge] of [...(graph.get(module) ?? new Map<string, ImportEdge>())].sort(([a], [b]) => a.localeCompare(b))) {
      if (state.get(next) === "open") {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        const arrows = loop.slice(0, -1).map((at, i) => {
          const arrow = graph.get(at)?.get(loop[i + 1]!) ?? edge;
          return `${at} → ${loop[i + 1]} (${where(arrow)})`;
        });
        broken.push({ rule: 4, message: `modules ${loop.join(" → ")}: rule 4, no import cycle between modules; ${arrows.join("; ")}` });
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(module, "done");
  };
  for (const module of [...graph.keys()].sort()) if (!state.has(module)) visit(module);
  return broken;
}
