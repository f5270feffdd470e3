// Routes every cross-module import in src/ and jobs/ through the target module's index.ts,
// writing into each index the names other modules use (explicit re-exports, grouped by file).
// One-off tool for the module regrouping. Usage: node tools/restructure/route-through-index.mjs
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const SRC = path.join(root, "src");
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "public" ? [] : walk(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}
const moduleOf = (file) => {
  const rel = path.relative(SRC, file);
  return rel.startsWith("..") ? path.relative(root, file).split(path.sep)[0] : rel.split(path.sep)[0];
};
const STATEMENT = /^(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*(["'])(\.[^"']+)\4;?/gm;
const exportsByModule = new Map(); // module -> Map(targetFile -> Map(name -> isTypeOnly))
const files = [...walk(SRC), ...walk(path.join(root, "jobs"))];
const edits = [];
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const from = moduleOf(file);
  let next = text.replace(STATEMENT, (whole, kind, typeAll, clause, quote, spec) => {
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
    if (!target.startsWith(SRC + path.sep)) return whole;
    const to = moduleOf(target);
    if (to === from || path.basename(target) === "index.ts" && path.dirname(target) === path.join(SRC, to)) return whole;
    const names = exportsByModule.get(to) ?? new Map();
    exportsByModule.set(to, names);
    const perFile = names.get(target) ?? new Map();
    names.set(target, perFile);
    for (const raw of clause.split(",").map((part) => part.trim()).filter(Boolean)) {
      const isType = Boolean(typeAll) || raw.startsWith("type ");
      const name = raw.replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim();
      perFile.set(name, (perFile.get(name) ?? true) && isType);
    }
    let indexSpec = path.relative(path.dirname(file), path.join(SRC, to, "index.js"));
    if (!indexSpec.startsWith(".")) indexSpec = "./" + indexSpec;
    return whole.replace(`${quote}${spec}${quote}`, `${quote}${indexSpec}${quote}`);
  });
  if (next !== text) edits.push([file, next]);
}
for (const [file, text] of edits) fs.writeFileSync(file, text);
for (const [mod, byFile] of exportsByModule) {
  const indexFile = path.join(SRC, mod, "index.ts");
  const seen = new Map();
  const lines = [];
  for (const target of [...byFile.keys()].sort()) {
    const names = [...byFile.get(target)].sort(([a], [b]) => a.localeCompare(b));
    for (const [name] of names) {
      if (seen.has(name) && seen.get(name) !== target) console.error(`${mod}: ${name} exported by ${seen.get(name)} and ${target}`);
      seen.set(name, target);
    }
    const list = names.map(([name, isType]) => (isType ? `type ${name}` : name)).join(", ");
    lines.push(`export { ${list} } from "./${path.relative(path.join(SRC, mod), target).replace(/\.ts$/, ".js")}";`);
  }
  const existing = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, "utf8") : "";
  fs.writeFileSync(indexFile, existing + lines.join("\n") + "\n");
  console.log(`${mod}/index.ts: ${lines.length} files re-exported`);
}
console.log(`rewrote ${edits.length} importing files`);
