/**
 * The root help answered from the text rendered at build time (cli/root-help.ts) is exactly
 * what commander prints, and commander answers whenever that text could differ: a stale
 * help.txt, a terminal of another width, any other arguments.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { renderRootHelp } from "../../cli/write-help";
import { LOANCTL, loanctl, requireBuild, terminalAvailable } from "./loanctl";

const DIST = path.dirname(path.dirname(LOANCTL));

beforeAll(() => requireBuild());

describe("the root help", () => {
  test("--help, -h, help and no command answer what commander prints, as the program in the sources builds it", async () => {
    const commander = renderRootHelp();
    expect(commander).toMatch(/^Usage: loanctl \[options\] \[command\]\n/);
    // --no-color makes the call one that the build's text does not answer: commander itself, in the binary
    const [viaCommander, help, short, word, bare] = await Promise.all([loanctl(["--no-color", "--help"]), loanctl(["--help"]), loanctl(["-h"]), loanctl(["help"]), loanctl([])]);
    expect(viaCommander).toEqual({ code: 0, stdout: commander, stderr: "" });
    for (const answer of [help, short, word]) expect(answer).toEqual({ code: 0, stdout: commander, stderr: "" });
    // no command is a usage error: the help on stderr, exit 2
    expect(bare).toEqual({ code: 2, stdout: "", stderr: commander });
  });

  test("dist/cli/help.txt is the help of the program as built now", () => {
    expect(fs.readFileSync(path.join(DIST, "cli", "help.txt"), "utf8")).toBe(renderRootHelp());
  });

  describe("in a copy of dist/cli with a marked help.txt", () => {
    // beside dist/, so that commander is still found in node_modules above it
    let root: string;
    let bin: string;
    let helpFile: string;
    const MARK = "help rendered at build time\n";
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

    beforeAll(() => {
      root = fs.mkdtempSync(path.join(path.dirname(DIST), ".root-help-test-"));
      for (const dir of ["cli", "sdk"]) fs.cpSync(path.join(DIST, dir), path.join(root, dir), { recursive: true });
      bin = path.join(root, "cli", "loanctl.js");
      helpFile = path.join(root, "cli", "help.txt");
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    test("a help.txt as new as the program is answered; an older one is not, nor one for other arguments", () => {
      fs.writeFileSync(helpFile, MARK);
      expect(run(["--help"])).toMatchObject({ status: 0, stdout: MARK });
      expect(run(["loans", "--help"]).stdout).toMatch(/^Usage: loanctl loans/);

      // the program rebuilt after its help (tsc alone): commander answers
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(helpFile, old, old);
      expect(run(["--help"])).toMatchObject({ status: 0, stdout: renderRootHelp() });

      fs.rmSync(helpFile);
      expect(run(["--help"])).toMatchObject({ status: 0, stdout: renderRootHelp() });
    });

    const onTerminal = terminalAvailable() ? test : test.skip;
    onTerminal("on a terminal only at the width the help was rendered at", () => {
      fs.writeFileSync(helpFile, MARK);
      const atWidth = (cols: number) =>
        spawnSync("script", ["-qefc", `stty cols ${cols} rows 50; '${process.execPath}' '${bin}' --help`, "/dev/null"], {
          encoding: "utf8",
          env: { ...process.env, TERM: "xterm", NO_COLOR: "1" },
        }).stdout.replace(/\r\n/g, "\n");
      expect(atWidth(80)).toBe(MARK);
      const wide = atWidth(120);
      expect(wide).not.toContain(MARK);
      expect(wide).toMatch(/Usage: loanctl \[options\] \[command\]/);
      // commander's own layout at 120 columns, wider than the 80 of the build's text
      expect(wide).toMatch(/--api-url <url> +the API's URL \(default: \$LOANCTL_API_URL, else the one you logged in to, else\n/);
    });
  });
});
