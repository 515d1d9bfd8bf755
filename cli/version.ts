/** loanctl's version (the package's), and the User-Agent it sends: sessions list it as `loanctl/<version>`. */
import fs from "node:fs";
import path from "node:path";

export function packageVersion(): string {
  // dist/cli/program.js and cli/program.ts both find the package.json of loanstack above them
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "loanstack" && pkg.version) return pkg.version;
    } catch {
      // not here, look one level up
    }
  }
  return "0.0.0";
}

export function userAgent(): string {
  return `loanctl/${packageVersion()}`;
}
