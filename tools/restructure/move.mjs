// Moves files with `git mv` and rewrites every relative import specifier (and `src/…` path
// mentions in docs, scripts and comments) so the tree still resolves. One-off tool for the
// module regrouping; kept so the same rules can be re-applied to a branch that still has the
// old paths (run it there, then merge). Usage: node tools/restructure/move.mjs rules.json
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const rules = JSON.parse(fs.readFileSync(process.argv[2], "utf8")); // [[oldPrefixOrFile, newPrefixOrFile], …]
const sorted = [...rules].sort((a, b) => b[0].length - a[0].length);

/** Where a repository-relative path lives after the move (unchanged when no rule names it). */
function mapPath(p) {
  for (const [from, to] of sorted) {
    if (from.endsWith("/")) {
      if (p.startsWith(from)) return to + p.slice(from.length);
      if (p === from.slice(0, -1)) return to.slice(0, -1);
    } else {
      if (p === from) return to;
      // a `.js` specifier names its `.ts` source
      const stem = (s) => s.replace(/\.(ts|js)$/, "");
      if (stem(p) === stem(from) && /\.(ts|js)$/.test(p)) return stem(to) + path.extname(p);
    }
  }
  return p;
}

const tracked = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n").filter(Boolean);
const moves = tracked.map((file) => [file, mapPath(file)]).filter(([a, b]) => a !== b);
const newOf = new Map(moves);
const oldOf = new Map(moves.map(([a, b]) => [b, a]));
for (const [from, to] of moves) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  execFileSync("git", ["mv", from, to]);
}

const CODE_DIRS = ["src", "jobs", "tests", "bench", "tools"];
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*|\bvi\.(?:mock|importActual|doMock)\(\s*|new URL\(\s*)(["'])(\.{1,2}\/[^"']*)\2/g;
const after = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n").filter(Boolean);
let rewritten = 0;
for (const file of after) {
  const isCode = CODE_DIRS.some((dir) => file.startsWith(dir + "/")) && /\.(ts|js|mjs|mts)$/.test(file) && !file.startsWith("src/web/public/");
  const isText = /\.(ts|js|mjs|md|json|ya?ml|prisma|sh)$|(^|\/)(Dockerfile|run|\.gitignore)$/.test(file) && !file.startsWith("prisma/migrations/") && !file.endsWith("package-lock.json");
  if (!isText) continue;
  const original = fs.readFileSync(file, "utf8");
  let text = original;
  if (isCode) {
    const oldFile = oldOf.get(file) ?? file;
    text = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
      const oldTarget = path.posix.normalize(path.posix.join(path.posix.dirname(oldFile), spec));
      const newTarget = mapPath(oldTarget);
      let next = path.posix.relative(path.posix.dirname(file), newTarget);
      if (!next.startsWith(".")) next = "./" + next;
      if (spec.endsWith("/") && !next.endsWith("/")) next += "/";
      const same = path.posix.normalize(path.posix.join(path.posix.dirname(file), next)) === path.posix.normalize(path.posix.join(path.posix.dirname(oldFile), spec)) && oldFile === file;
      return same ? whole : `${lead}${quote}${next}${quote}`;
    });
  }
  // Path mentions: src/… in comments, docs, scripts and configs.
  text = text.replace(/(?<![\w./-])((?:\.\.\/)*)(src\/[\w./-]*[\w/])/g, (whole, up, p) => {
    const mapped = mapPath(p);
    return mapped === p ? whole : up + mapped;
  });
  if (text !== original) {
    fs.writeFileSync(file, text);
    rewritten++;
  }
}
console.log(`moved ${moves.length} files, rewrote ${rewritten} files`);
