import path from "node:path";
import { isNoSubstitutionTemplateLiteral, isStringLiteral } from "typescript/unstable/ast";
import { API } from "typescript/unstable/sync";

/** One import (or `export … from`, or literal `import()`) between two files of the repository. */
export interface ImportEdge {
  /** repository-relative, e.g. "src/alerts/raise-alert.ts" */
  readonly from: string;
  /** the specifier as written */
  readonly specifier: string;
  /** repository-relative file it names, with `.js` read as its `.ts` source */
  readonly to: string;
  readonly line: number;
}

const REPO = path.resolve(import.meta.dirname, "../..");

/**
 * Every relative import of the files under `folders`, parsed by the TypeScript compiler (the
 * native one: `typescript/unstable/sync` runs tsgo on the project's tsconfig, so type-only
 * imports, re-exports and literal dynamic imports are all seen, and comments or strings that
 * merely look like imports are not).
 */
export function importEdges(folders: readonly string[]): ImportEdge[] {
  const api = new API({ cwd: REPO });
  try {
    const snapshot = api.updateSnapshot({ openProject: path.join(REPO, "tsconfig.json") });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error("tsconfig.json opened no project");
    const edges: ImportEdge[] = [];
    for (const fileName of project.program.getSourceFileNames()) {
      const from = path.relative(REPO, fileName);
      if (from.startsWith("..") || from.includes("node_modules") || from.includes("/generated/")) continue;
      if (!folders.some((folder) => from.startsWith(folder + "/"))) continue;
      const source = project.program.getSourceFile(fileName);
      if (!source) continue;
      for (const literal of source.imports) {
        if (!isStringLiteral(literal) && !isNoSubstitutionTemplateLiteral(literal)) continue;
        const specifier = literal.text;
        if (!specifier.startsWith(".")) continue;
        const to = path.relative(REPO, path.resolve(path.dirname(fileName), specifier)).replace(/\.js$/, ".ts");
        edges.push({ from, specifier, to, line: lineOf(source.text, literal.pos) });
      }
    }
    return edges;
  } finally {
    api.close();
  }
}

function lineOf(text: string, position: number): number {
  // A node's pos includes its leading trivia: count to the specifier itself.
  const quote = text.slice(position).search(/["'`]/);
  const at = position + Math.max(quote, 0);
  return text.slice(0, at).split("\n").length;
}
