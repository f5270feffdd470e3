import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importEdges, type ImportEdge } from "./import-graph.js";
import { brokenRules, moduleGraph } from "./import-rules.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const edge = (from: string, specifier: string): ImportEdge => ({
  from,
  specifier,
  to: path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, ".ts"),
  line: 1,
});

describe("the module structure (README, Architecture)", () => {
  let edges: ImportEdge[] = [];
  beforeAll(() => {
    edges = importEdges(["src", "jobs"]);
  }, 60_000);

  it("reads the imports of src/ and jobs/ (type-only and re-exports included)", () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual(expect.objectContaining({ from: "src/web/app.ts", to: "src/detection/index.ts" }));
  });

  it("holds to every import rule", () => {
    expect(brokenRules(edges).map((broken) => broken.message)).toEqual([]);
  });

  it("has only module folders in src/, each with its public index.ts", () => {
    const entries = readdirSync(path.join(REPO, "src"), { withFileTypes: true });
    expect(entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name)).toEqual([]);
    for (const module of entries.map((entry) => entry.name)) {
      expect(readdirSync(path.join(REPO, "src", module)), `src/${module}/index.ts`).toContain("index.ts");
    }
  });

  it("is the one the README draws: every module and every arrow", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Architecture"));
    const picture = section.slice(section.indexOf("```text") + 7, section.indexOf("```", section.indexOf("```text") + 7));
    const drawn = new Set(
      picture
        .split("\n")
        .map((line) => /^\s*([a-z]+)\s+→\s+(.+)$/.exec(line))
        .flatMap((match) => (match ? match[2]!.split(/[\s,]+/).filter(Boolean).map((to) => `${match[1]} → ${to}`) : [])),
    );
    const actual = new Set([...moduleGraph(edges)].flatMap(([from, arrows]) => [...arrows.keys()].map((to) => `${from} → ${to}`)));
    expect([...drawn].sort()).toEqual([...actual].sort());
    const modules = readdirSync(path.join(REPO, "src"));
    expect(modules.filter((module) => !new RegExp(`│ ${module}\\s`).test(picture)), "modules missing from the picture").toEqual([]);
  });
});

describe("the import rules themselves", () => {
  const rulesBroken = (...edges: ImportEdge[]) => brokenRules(edges).map((broken) => broken.rule);

  it("rule 1: a domain file importing outside its domain folder fails, naming file, import and rule", () => {
    const [broken] = brokenRules([edge("src/detection/domain/decide.ts", "../check-in-links.js")]);
    expect(broken?.message).toBe(
      'src/detection/domain/decide.ts:1 imports "../check-in-links.js", outside src/detection/domain/: rule 1, a domain/ folder imports only its own files and npm packages',
    );
    expect(rulesBroken(edge("src/recovery/domain/format.ts", "../../platform/time-format/time-format.js"))).toEqual([]);
    expect(rulesBroken(edge("src/detection/domain/decide.ts", "./states.js"))).toEqual([]);
  });

  it("rule 2: reaching into another module's files fails; its index.ts passes", () => {
    expect(rulesBroken(edge("src/alerts/raise-alert.ts", "../platform/db/client.js"))).toEqual([2]);
    expect(rulesBroken(edge("src/alerts/raise-alert.ts", "../platform/index.js"))).toEqual([]);
  });

  it("rule 3: importing web/ or app/ from another module fails, even through its index", () => {
    expect(rulesBroken(edge("src/detection/detect-task.ts", "../app/index.js"))).toEqual([3]);
    expect(rulesBroken(edge("src/users/profile.ts", "../web/index.js"))).toEqual([3]);
    expect(rulesBroken(edge("src/app/service.ts", "../web/index.js"))).toEqual([]);
  });

  it("rule 4: a loop between modules fails, naming an import on each arrow", () => {
    const broken = brokenRules([edge("src/alerts/a.ts", "../detection/index.js"), edge("src/detection/b.ts", "../alerts/index.js")]);
    expect(broken.map((each) => each.rule)).toEqual([4]);
    expect(broken[0]?.message).toContain("modules alerts → detection → alerts");
    expect(broken[0]?.message).toContain('src/detection/b.ts:1 imports "../alerts/index.js"');
  });

  it("rule 5: a job reaching a module's file fails; the module's index passes", () => {
    expect(rulesBroken(edge("jobs/sync.ts", "../src/calendars/sync/sync-connection.js"))).toEqual([5]);
    expect(rulesBroken(edge("jobs/sync.ts", "../src/calendars/index.js"))).toEqual([]);
    expect(rulesBroken(edge("jobs/cli.ts", "../src/web/index.js"))).toEqual([5]);
  });
});
