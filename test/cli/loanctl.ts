/** Runs the built loanctl (dist/cli/loanctl.js) as a subprocess, as a user's shell would. */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eventually, GiveUp } from "../support/eventually.js";

export const LOANCTL = path.resolve(__dirname, "../../dist/cli/loanctl.js");

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is never a terminal here). */
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function requireBuild(): void {
  if (!fs.existsSync(LOANCTL)) throw new Error(`${LOANCTL} is missing: run "npm run build" first (npm test does)`);
}

/** A fresh config directory: one per signed-in person of a test. */
export function configHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-config-"));
}

export function loanctl(args: string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    // nothing of the developer's own setup leaks into the tests
    delete env.LOANCTL_API_URL;
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    delete env.LOANCTL_DEBUG;
    Object.assign(env, options.env);
    const child = spawn(process.execPath, [LOANCTL, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => undefined); // the child may exit before reading
    child.stdin.end(options.input ?? "");
  });
}

/** stdout parsed as JSON, with the run shown when it is not. */
export function parsed<T>(result: Result): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** Whether util-linux `script` is here to give loanctl a real terminal. */
export function terminalAvailable(): boolean {
  return spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs loanctl on a pseudo-terminal (through `script`), answering prompts like a person:
 * each step waits for its text to appear in the output, then types its answer.
 * The output is what the terminal showed (stdout and stderr together).
 */
export async function loanctlOnTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  steps: Array<[wait: string, type: string]> = [],
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, LOANCTL, ...args].map(quote).join(" ");
  const childEnv: Record<string, string | undefined> = { ...process.env, SHELL: "/bin/sh", TERM: "xterm", ...env };
  delete childEnv.FORCE_COLOR;
  if (env.NO_COLOR === undefined) delete childEnv.NO_COLOR;
  const child = spawn("script", ["-qefc", command, "/dev/null"], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let from = 0;
  for (const [wait, type] of steps) {
    const at = await eventually(
      () => {
        const at = output.indexOf(wait, from);
        if (at >= 0) return at;
        const shown = `the terminal showed:\n${output}`;
        throw child.exitCode !== null ? new GiveUp(`loanctl exited; ${shown}`) : new Error(`not yet; ${shown}`);
      },
      { what: `"${wait}" on loanctl's terminal`, timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 20 },
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    from = at + wait.length;
    // raw mode is set right after the prompt is written: give it a moment
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.stdin.write(type);
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(1000, deadline - Date.now()));
  const code = await closed;
  clearTimeout(timer);
  child.stdin.destroy();
  return { code, output };
}
