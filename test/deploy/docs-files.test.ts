/**
 * The README and docs/ read against the repository: every relative link (and its #anchor)
 * names a file and heading that exist, the README stays a short front door, its walk-through
 * is valid shell, and docs/configuration.md documents exactly the variables the code reads,
 * with .env.example's defaults.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, codeEnvVars, readEnvExample, readText } from "./artifacts";

const README_MAX_LINES = 260;

function markdownFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

/** Text outside fenced code blocks, where a `[x](y)` is a link and not code. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** Every `[text](target)` and `![alt](target)` whose target is not a URL of another host. */
function relativeLinks(text: string): string[] {
  const links = [...prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  return links.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...prose(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

describe("README.md and docs/*.md", () => {
  it("has docs/ files to link to", () => {
    expect(markdownFiles().length).toBeGreaterThan(5);
  });

  it.each(markdownFiles())("%s: every relative link names a file (and heading) of the repository", (file) => {
    const links = relativeLinks(readText(file));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const [target, anchor] = link.split("#") as [string, string | undefined];
      const resolved = target === "" ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(target));
      expect({ file, link, inRepository: resolved.startsWith(ROOT + path.sep), exists: fs.existsSync(resolved) }).toEqual({ file, link, inRepository: true, exists: true });
      if (anchor !== undefined && resolved.endsWith(".md")) {
        expect({ file, link, anchorFound: anchorsOf(fs.readFileSync(resolved, "utf8")).has(anchor) }).toEqual({ file, link, anchorFound: true });
      }
    }
  });

  it(`README.md is a front door: under ${README_MAX_LINES} lines, linking every file of docs/`, () => {
    const readme = readText("README.md");
    expect(readme.split("\n").length).toBeLessThan(README_MAX_LINES);
    const linked = new Set(relativeLinks(readme).map((link) => link.split("#")[0]));
    for (const file of markdownFiles().filter((f) => f !== "README.md")) expect({ file, linked: linked.has(file) }).toEqual({ file, linked: true });
  });

  it("README.md's walk-through is one block of valid shell that waits for /health and stops the server it started", () => {
    const section = readText("README.md").split("## Walk-through with curl")[1] ?? "";
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(block).toMatch(/ADMIN_EMAIL=\S+ ADMIN_PASSWORD=\S+ .*&\nSERVER=\$!/);
    expect(block).toMatch(/until curl -sf \$API\/health/);
    expect(block.trimEnd().split("\n").at(-1)).toMatch(/^kill \$SERVER\b/);
    execFileSync("bash", ["-n"], { input: block }); // throws on a syntax error
  });
});

describe("docs/configuration.md", () => {
  const text = readText("docs/configuration.md");
  /** Each table row's variables (the backticked names of its first cell) with its default cell. */
  const rows = [...text.matchAll(/^\| (`[A-Z][A-Z0-9_]*`(?:, `[A-Z][A-Z0-9_]*`)*) \| ([^|]*) \|/gm)].map((m) => ({
    names: [...m[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((n) => n[1]!),
    defaultCell: m[2]!.trim(),
  }));
  const documented = new Set(rows.flatMap((r) => r.names));

  /** What loanctl reads besides the server's variables (cli/ reads `env.X` of its Io). */
  function cliEnvVars(): Set<string> {
    const names = new Set<string>();
    const dir = path.join(ROOT, "cli");
    for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!file.endsWith(".ts")) continue;
      for (const m of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
    }
    return names;
  }
  const read = new Set([...codeEnvVars(), ...cliEnvVars()]);

  it("documents every variable the services, the broker, server.ts and loanctl read", () => {
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it("documents no variable the code does not read", () => {
    expect([...documented].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it("gives each variable .env.example lists with a value that same default", () => {
    const example = new Map(
      readEnvExample()
        .filter((e) => !e.commentedOut)
        .map((e) => [e.name, e.value]),
    );
    for (const { names, defaultCell } of rows) {
      for (const name of names) {
        const value = example.get(name);
        if (!value) continue;
        const shown = defaultCell.includes(`\`${value}\``) || new RegExp(`^${value}\\b`).test(defaultCell);
        expect({ name, defaultCell, value, shown }).toEqual({ name, defaultCell, value, shown: true });
      }
    }
  });
});
