/**
 * After a scenario's loanstack processes stopped: their output goes to
 * bench/results/logs/ (LOG_LEVEL=warn, so anything there is worth a look), and with
 * --profile their CPU profiles are summarised.
 */
import fs from "node:fs";
import path from "node:path";
import type { BenchContext } from "./context.js";
import { finishProfile } from "./profile.js";
import type { Server } from "./procs.js";

export function afterLoanstack(ctx: BenchContext, scenario: string, server: Server): void {
  const dir = path.join(ctx.opts.resultsDir, "logs");
  fs.mkdirSync(dir, { recursive: true });
  for (const p of server.procs) {
    const lines = p
      .output()
      .split("\n")
      .filter((l) => l.trim() && !/^loanstack running /.test(l));
    const file = path.join(dir, `${scenario}--${p.name}.log`);
    fs.writeFileSync(file, p.output());
    if (lines.length) ctx.log(`  ${p.name} printed ${lines.length} lines (LOG_LEVEL=warn): ${path.relative(ctx.opts.root, file)} — first: ${lines[0]!.slice(0, 200)}`);
  }
  finishProfile(ctx, scenario, server);
}
